"""GET routes the domains declare for everyone (``SchemaPart.published``), without sign-in.

Each request opens one read-only transaction and calls the domain's ``serve(session, name)``;
no account is signed in and nothing is written. A refusal (an unknown or unpublished name)
answers 404 with JSON ``{code, message}``; the gateway knows no domain.

Before the transaction, each read takes one attempt from its client address's bucket, with the
rate limiter of the public calls (``http/public.py``, ``PublicLimits.for_reads``: buckets of its
own, ``INSPECTNET_PUBLISHED_RATE_PER_ADDRESS`` a minute, shared by every worker and replica);
an empty bucket answers 429 ``RATE_LIMITED`` with Retry-After and reads nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from inspectnet.errors import DomainError
from inspectnet.graphql.parts import PublishedFile, Served
from inspectnet.http.auth_checks import address
from inspectnet.http.gateway import GraphQLService
from inspectnet.http.public import PublicLimits


async def publish(
    service: GraphQLService, limits: PublicLimits, route: PublishedFile, request: Request, name: str
) -> Response:
    """The file the route's domain publishes under ``name``, a JSON 404, or a 429."""
    retry = await limits.take(address(request), None)
    if retry is not None:
        return JSONResponse(
            {"code": "RATE_LIMITED", "message": "请求过于频繁，请稍后再试"},
            status_code=429,
            headers={"retry-after": str(retry)},
        )
    try:
        async with service.database.transaction() as session:
            served: Served = await route.serve(session, name)
    except DomainError as error:
        return JSONResponse({"code": error.code, "message": error.message}, status_code=404)
    return Response(
        served.content,
        media_type=served.media_type,
        headers={"content-disposition": f'inline; filename="{served.filename}"'},
    )


def register(
    app: FastAPI, service: GraphQLService, routes: Iterable[PublishedFile]
) -> PublicLimits:
    """Add ``GET <prefix>{name}`` for every declared published file; the limits they share."""
    limits = PublicLimits.for_reads(service.database, service.settings)
    for route in routes:

        async def endpoint(request: Request, name: str, route: PublishedFile = route) -> Response:
            return await publish(service, limits, route, request, name)

        app.add_api_route(f"{route.prefix}{{name}}", endpoint, methods=["GET"])
    return limits
