"""GET routes the domains declare for files (``SchemaPart.downloads``), e.g. export links.

The request carries the account's bearer token as any API call does, and runs in the one unit
of work GraphQL requests run in (``work.unit_of_work``): signed in inside the transaction, the
domain's ``serve`` in a savepoint audited as the route's action, refusals through the outbox.
The gateway knows no domain: it serves what the registered parts declare.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.signin import actor_for_token
from inspectnet.authz.actor import Actor
from inspectnet.errors import DomainError, Unauthenticated
from inspectnet.graphql.parts import DownloadRoute, Served
from inspectnet.http.gateway import GraphQLService
from inspectnet.work import unit_of_work


async def download(
    service: GraphQLService, route: DownloadRoute, request: Request, token: str
) -> Response:
    """Serve the file the route's domain answers for ``token``, or a JSON error."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex

    async def sign_in(session: AsyncSession) -> Actor:
        return await actor_for_token(
            session,
            service.settings,
            service.policy,
            request.headers.get("authorization"),
            request_id,
        )

    try:
        async with unit_of_work(
            service.database, service.policy, sign_in, service.outbox.put
        ) as work:
            served: Served = await work.attempt(
                route.action, lambda: route.serve(work.session, work.actor, token)
            )
    except Unauthenticated as error:
        return JSONResponse({"code": error.code, "message": error.message}, status_code=401)
    except DomainError as error:
        return JSONResponse(
            {"code": error.code, "message": error.message}, status_code=route.refused_status
        )
    return Response(
        served.content,
        media_type=served.media_type,
        headers={"content-disposition": f'attachment; filename="{served.filename}"'},
    )


def register(app: FastAPI, service: GraphQLService, routes: Iterable[DownloadRoute]) -> None:
    """Add ``GET <prefix>{token}`` for every declared route."""
    for route in routes:

        async def endpoint(request: Request, token: str, route: DownloadRoute = route) -> Response:
            return await download(service, route, request, token)

        app.add_api_route(f"{route.prefix}{{token}}", endpoint, methods=["GET"])
