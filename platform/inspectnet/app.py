"""create_app(): FastAPI with the GraphQL endpoint, health and metrics routes. No logic here."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from inspectnet import keyring
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.graphql import endpoint
from inspectnet.graphql.schema import build_schema
from inspectnet.health import readiness
from inspectnet.observability import metrics
from inspectnet.observability.logs import configure_logging
from inspectnet.observability.middleware import RequestContext
from inspectnet.observability.tracing import configure_tracing
from inspectnet.settings import Settings, get_settings

# Young-generation threshold raised from 700 to 20,000: one large answer (a page of 100 with
# nested lists) allocates far more than 700 containers, so at 700 the collector ran many times
# a request, each time promoting the request's live objects towards the older generations,
# whose growth then set off full collections. At 20,000 most of a request's garbage is freed
# by reference counting before a pass; a pass stays bounded by 20,000 young objects. The older
# generations keep their defaults. With the freeze, make bench counted 54 full collections in
# 300 offices-tree requests before and 1 after (docs/benchmarks.md).
GC_THRESHOLDS = (20_000, 10, 10)


def settle_collector() -> None:
    """Take start-up's long-lived objects out of the collector's sight, in this process.

    Start-up leaves ~160k tracked objects (schema, mappers, policy); every full collection
    walked them again (50–110 ms, about every tenth large request). Frozen, they are never
    walked; the freeze is per process, so each worker does it at the end of its own start-up.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


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

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with database.session() as session:
            await service.policy.reload(session)
        watcher = None
        if watch:
            from inspectnet.authz.watcher import PolicyWatcher

            watcher = PolicyWatcher(settings.database_url, service.policy, database)
            await watcher.start()
        settle_collector()
        try:
            yield
        finally:
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
