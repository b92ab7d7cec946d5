"""POST routes the domains answer without sign-in (``SchemaPart.public``), e.g. online intake.

Why plain routes and not GraphQL: the GraphQL endpoint names its caller from the bearer token
before anything else (endpoint.py step 4) and prices each request against that caller's
budget; an anonymous caller has neither. A public route is one JSON object in, one out.

Each call, in order, refusing before the next step:
1. a JSON object body within the route's size (415, 413, 400);
2. one attempt from the client address's bucket and, when the route names one from the body,
   from that scope's bucket (429 with Retry-After): shared by every worker and replica (the
   database or Redis, as the sign-in limits are), taken whether or not the scope exists;
3. the domain's ``answer`` in one unit of work as an anonymous actor (no account, not the
   system: ``readable`` gives it nothing), so the domain reaches exactly the rows its own
   checks (a receipt code, an open announcement) allow.

A refusal answers ``{code, message, field}``; the transaction rolls back, so nothing partial is
kept. Refusals are logged with their code, not audited: without an account anyone could fill
the audit log at will (as for sign-in refusals). No CSRF check: the call carries no cookie or
token, so there is no ambient authority a forged request could borrow.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.errors import Conflict, DomainError, NotFound, ValidationFailed
from inspectnet.graphql.parts import PublicCall, PublicRoute
from inspectnet.http.auth_checks import address, request_id
from inspectnet.http.gateway import GraphQLService
from inspectnet.http.ratelimit import BudgetStore
from inspectnet.http.refusals import Refusal
from inspectnet.http.shared_budgets import DatabaseBudgets, RedisBudgets
from inspectnet.http.signin_limits import PER_MINUTE
from inspectnet.settings import Settings
from inspectnet.work import unit_of_work

log = logging.getLogger("inspectnet.public")
ANONYMOUS = "public"


@dataclass(frozen=True)
class PublicLimits:
    """The two buckets every public call draws from."""

    per_address: BudgetStore
    per_scope: BudgetStore | None

    @classmethod
    def for_settings(cls, database: Database, settings: Settings) -> PublicLimits:
        """The limits of the calls (intake): per client address and per scope."""
        return cls(
            per_address=_store(
                database, settings, settings.public_rate_per_address, "public:address:"
            ),
            per_scope=_store(database, settings, settings.public_rate_per_scope, "public:scope:"),
        )

    @classmethod
    def for_reads(cls, database: Database, settings: Settings) -> PublicLimits:
        """The limits of the published files (``http/published.py``): per client address, in
        buckets of their own, so reading a disclosure never spends an intake call."""
        capacity = settings.published_rate_per_address
        return cls(_store(database, settings, capacity, "published:address:"), None)

    async def take(self, address: str, scope: str | None) -> int | None:
        """None, or the whole seconds to wait."""
        buckets = [(self.per_address, address[:100])]
        if scope is not None and self.per_scope is not None:
            buckets.append((self.per_scope, scope[:100]))
        for store, key in buckets:
            taken, throttle = await store.take(key, 1)
            if not taken:
                return throttle.retry_after(1)
        return None


def _store(database: Database, settings: Settings, capacity: int, prefix: str) -> BudgetStore:
    """A bucket store of ``capacity`` a minute, shared by every worker and replica."""
    rate = capacity / PER_MINUTE
    if settings.redis_url:
        return RedisBudgets(settings.redis_url, capacity, rate, prefix)
    return DatabaseBudgets(database, capacity, rate, prefix)


def _status(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    return 400 if isinstance(error, ValidationFailed) else 403


async def _body(request: Request, route: PublicRoute, settings: Settings) -> dict[str, Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise Refusal("UNSUPPORTED_MEDIA_TYPE", "请求体须为 application/json", status=415)
    limit = route.max_body_bytes
    limit = limit if isinstance(limit, int) else limit(settings)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refusal("BODY_TOO_LARGE", "请求体过大", status=413)  # before reading it
    raw = await request.body()
    if len(raw) > limit:
        raise Refusal("BODY_TOO_LARGE", "请求体过大", status=413)
    try:
        body = json.loads(raw)
    except ValueError:
        raise Refusal("BAD_REQUEST", "请求体不是合法的 JSON", status=400) from None
    if not isinstance(body, dict):
        raise Refusal("BAD_REQUEST", "请求体须为 JSON 对象", status=400)
    return body


async def call(
    service: GraphQLService, limits: PublicLimits, route: PublicRoute, request: Request
) -> Response:
    """Answer one public call, or refuse it."""
    rid = request_id(request)
    headers = {"x-request-id": rid}
    try:
        body = await _body(request, route, service.settings)
        scope = route.scope_of(body) if route.scope_of is not None else None
        retry = await limits.take(address(request), scope)
        if retry is not None:
            headers["retry-after"] = str(retry)
            raise Refusal("RATE_LIMITED", "请求过于频繁，请稍后再试", status=429)
    except Refusal as refusal:
        return JSONResponse(
            {"code": refusal.code, "message": refusal.message},
            status_code=refusal.status or 400,
            headers=headers,
        )

    async def sign_in(session: AsyncSession) -> Actor:
        return Actor(username=ANONYMOUS, policy=service.policy.compiled, request_id=rid)

    try:
        async with unit_of_work(
            service.database, service.policy, sign_in, service.outbox.put
        ) as work:
            answer = await route.answer(work.session, work.actor, PublicCall(body))
    except DomainError as error:
        log.info("public call %s refused: %s (request %s)", route.action, error.code, rid)
        refused = {"code": error.code, "message": error.message, "field": error.field}
        return JSONResponse(refused, status_code=_status(error), headers=headers)
    return JSONResponse(answer, headers=headers | {"cache-control": "no-store"})


def register(app: FastAPI, service: GraphQLService, routes: Iterable[PublicRoute]) -> PublicLimits:
    """Add ``POST <path>`` for every declared route; the limits they share."""
    limits = PublicLimits.for_settings(service.database, service.settings)

    def endpoint_for(route: PublicRoute) -> Any:
        # A closure, not a default argument: FastAPI would read one as a query parameter.
        async def endpoint(request: Request) -> Response:
            return await call(service, limits, route, request)

        return endpoint

    for route in routes:
        app.add_api_route(route.path, endpoint_for(route), methods=["POST"])
    return limits
