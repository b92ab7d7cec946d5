"""GET routes the domains declare for everyone (``SchemaPart.published``), without sign-in.

Each request opens one read-only transaction and calls the domain's ``serve(session, name)``;
no account is signed in and nothing is written. A refusal (an unknown or unpublished name)
answers 404 with JSON ``{code, message}``; the gateway knows no domain.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from inspectnet.errors import DomainError
from inspectnet.graphql.parts import PublishedFile, Served
from inspectnet.http.gateway import GraphQLService


async def publish(service: GraphQLService, route: PublishedFile, name: str) -> Response:
    """The file the route's domain publishes under ``name``, or a JSON 404."""
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


def register(app: FastAPI, service: GraphQLService, routes: Iterable[PublishedFile]) -> None:
    """Add ``GET <prefix>{name}`` for every declared published file."""
    for route in routes:

        async def endpoint(name: str, route: PublishedFile = route) -> Response:
            return await publish(service, route, name)

        app.add_api_route(f"{route.prefix}{{name}}", endpoint, methods=["GET"])
