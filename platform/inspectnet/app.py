"""create_app(): FastAPI with the GraphQL endpoint, health and metrics routes. No logic here."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from starlette.middleware.cors import CORSMiddleware

from inspectnet import domains, events, evidence, keyring, origins
from inspectnet.audit.checkpoint import Checkpointer
from inspectnet.db import Database, make_engine
from inspectnet.graphql import graphiql
from inspectnet.health import readiness
from inspectnet.http import auth, downloads, endpoint, public, published, subscriptions
from inspectnet.http.gateway import GraphQLService
from inspectnet.observability import metrics
from inspectnet.observability.logs import configure_logging
from inspectnet.observability.middleware import RequestContext
from inspectnet.observability.tracing import configure_tracing
from inspectnet.rules.registry import configure as configure_rulesets
from inspectnet.schema import build_schema, download_routes, public_routes, published_files
from inspectnet.settings import (
    ConfigurationError,
    Settings,
    get_settings,
    refuse_development_defaults,
)

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
    try:
        ring = keyring.Keyring.load(settings.keys_dir, development=settings.development)
    except keyring.KeyringError as error:
        raise ConfigurationError(f"configuration error: INSPECTNET_KEYS_DIR: {error}") from None
    refuse_development_defaults(settings, ring)
    keyring.install(ring)
    evidence.install(evidence.configured(settings))
    configure_rulesets(settings.rulesets_dir)  # a broken ruleset file stops start-up here
    database = database or Database(make_engine(settings))
    metrics.POOLS.register("primary", database.sync_engine.pool)
    service = GraphQLService(
        schema=build_schema(development=settings.development),
        database=database,
        policy=domains.policy_store(settings.policy_dir),
        settings=settings,
    )
    watch = (not settings.is_sqlite) if watch_policy is None else watch_policy
    bus = events.bus_for(database.engine)

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        async with database.session() as session:
            await service.policy.reload(session)
        watcher = None
        if watch:
            from inspectnet.authz.watcher import PolicyWatcher, WatcherUnavailable

            watcher = PolicyWatcher(service.policy, database)
            try:
                await watcher.start()
            except WatcherUnavailable as error:
                # Fail fast with one line instead of serving with replicas out of step.
                await database.dispose()
                raise ConfigurationError(str(error)) from None
        running.state.policy_watcher = watcher
        checkpointer = Checkpointer(
            database, settings.audit_checkpoint_dir, settings.audit_checkpoint_seconds
        )
        await service.outbox.start()
        checkpointer.start()
        await bus.start()
        events.install(bus)
        settle_collector()
        try:
            yield
        finally:
            events.uninstall(bus)
            await bus.stop()
            await checkpointer.stop()
            await service.outbox.stop()
            if watcher is not None:
                await watcher.stop()
            await database.dispose()
            metrics.worker_stopped()

    app = FastAPI(
        title="inspectnet", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.graphql = service
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,  # the refresh cookie
            allow_methods=origins.ALLOWED_METHODS,
            allow_headers=origins.ALLOWED_HEADERS,
            expose_headers=("x-request-id",),
            max_age=600,
        )
    app.add_middleware(origins.WebSocketOrigin, allowed=settings.cors_origins)
    app.add_middleware(RequestContext)
    configure_tracing(app, settings, database.sync_engine, span_exporter)

    @app.api_route("/graphql", methods=["GET", "POST"])
    async def graphql(request: Request) -> Response:
        return await endpoint.handle(service, request)

    @app.websocket("/graphql")
    async def graphql_live(websocket: WebSocket) -> None:
        await subscriptions.serve(service, bus, websocket)

    app.state.auth = auth.register(
        app, database, settings, service.policy
    )  # /auth/*: browser sign-in

    downloads.register(app, service, download_routes())  # files the domains serve by GET
    app.state.public = public.register(app, service, public_routes())  # calls without sign-in
    app.state.published = published.register(
        app, service, published_files()
    )  # what the domains publish, no sign-in

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> Response:
        ready, checks = await readiness(service)
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics")
    async def prometheus(request: Request) -> Response:
        return metrics.scrape(
            settings.metrics_token, settings.development, request.headers.get("authorization")
        )

    if settings.development:

        @app.get("/graphiql/static/{name}")
        async def graphiql_asset(name: str) -> Response:
            return graphiql.asset(name)

    return app
