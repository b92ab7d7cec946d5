"""create_app(): FastAPI with the GraphQL endpoint, health and metrics routes. No logic here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse, Response

from inspectnet import events, keyring
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.graphql import endpoint, subscriptions
from inspectnet.graphql.schema import build_schema
from inspectnet.health import readiness
from inspectnet.observability import metrics
from inspectnet.observability.logs import configure_logging
from inspectnet.observability.middleware import RequestContext
from inspectnet.observability.tracing import configure_tracing
from inspectnet.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    *,
    watch_policy: bool | None = None,
    span_exporter: Any = None,
) -> FastAPI:
    """The ASGI app; tests pass their own settings and a connection-bound database.

    ``watch_policy`` (default: on for PostgreSQL) listens for other replicas' policy changes;
    ``span_exporter`` replaces the OTLP exporter when tracing is on (tests).
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=not settings.development)
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=settings.development))
    database = database or Database(make_engine(settings))
    metrics.POOLS.register("primary", database.sync_engine.pool)
    service = endpoint.GraphQLService(
        schema=build_schema(development=settings.development),
        database=database,
        policy=PolicyStore(settings.policy_dir),
        settings=settings,
    )
    watch = (not settings.is_sqlite) if watch_policy is None else watch_policy
    bus = events.bus_for(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with database.session() as session:
            await service.policy.reload(session)
        watcher = None
        if watch:
            from inspectnet.authz.watcher import PolicyWatcher

            watcher = PolicyWatcher(settings.database_url, service.policy, database)
            await watcher.start()
        await bus.start()
        events.install(bus)
        try:
            yield
        finally:
            events.uninstall(bus)
            await bus.stop()
            if watcher is not None:
                await watcher.stop()
            await database.dispose()

    app = FastAPI(
        title="inspectnet", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.graphql = service
    app.add_middleware(RequestContext)
    configure_tracing(app, settings, database.sync_engine, span_exporter)

    @app.api_route("/graphql", methods=["GET", "POST"])
    async def graphql(request: Request) -> Response:
        return await endpoint.handle(service, request)

    @app.websocket("/graphql")
    async def graphql_live(websocket: WebSocket) -> None:
        await subscriptions.serve(service, bus, websocket)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> Response:
        ready, checks = await readiness(service)
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics")
    async def prometheus() -> Response:
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    return app
