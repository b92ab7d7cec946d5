"""The HTTP side of GraphQL: check the request, price it, sign the caller in, run it.

Written by hand rather than with strawberry's router so that the GraphQL-over-HTTP rules
(status codes, media types, GET for queries only), the limits and the transaction are ours.

Each step refuses before the next one starts, and everything up to the budget is free of
SQL: a refused request never reaches the database or a resolver.

1. media type from ``Accept`` (406 if neither JSON type is acceptable) (request.py)
2. the request itself: query string or JSON body (400, 413, 415; a batch only if enabled)
3. CSRF: a GET must carry a header browsers only send after a CORS preflight (400)
4. the caller, from the bearer token's signature and ``sub`` alone (401) (operation.py)
5. the document: sent, or named by a persisted-query hash (documents.py, persisted.py)
6. parse with the token limit; pick the operation; a mutation over GET is 405
7. shape limits (depth, aliases), the specification's rules, introspection off outside
   development, no "Did you mean" outside development
8. variables coerced; the requested cost computed, ``first``/``last`` checked, the
   per-request maximum (cost.py)
9. the caller's budget (ratelimit.py): 429 with Retry-After when it is short
10. sign-in (the first SQL) and execution in the unit of work the CLI uses too (execute.py,
    ``inspectnet.work``); the actual cost settled; the answer shaped (answers.py)

``extensions.cost`` (requested, actual, the caller's bucket) is on every response.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from graphql import (
    OperationType,
)
from strawberry.types.execution import ExecutionResult

from inspectnet.db import is_unavailable
from inspectnet.errors import Unauthenticated
from inspectnet.graphql import graphiql
from inspectnet.graphql.encoding import JSONBody
from inspectnet.http import idempotency
from inspectnet.http.answers import Answer, Attempt, answer, content_type, refused, respond
from inspectnet.http.cost import actual_cost, requested_cost
from inspectnet.http.execute import MASKED_MESSAGE, Replayed, execute
from inspectnet.http.gateway import GraphQLService
from inspectnet.http.operation import check_cost, coerce_variables, operation_of, token_subject
from inspectnet.http.refusals import Refusal
from inspectnet.http.request import (
    GRAPHQL_RESPONSE,
    JSON,
    negotiate,
    parameters,
    read_payload,
    require_preflight,
)
from inspectnet.observability.logs import bind
from inspectnet.observability.metrics import observe_graphql, operation_label
from inspectnet.observability.middleware import item_request_id, request_id_from
from inspectnet.settings import Settings

log = logging.getLogger("inspectnet.graphql")
# How long a client is told to wait when the database cannot be reached (Retry-After, seconds).
UNAVAILABLE_RETRY_AFTER = 5


async def handle(service: GraphQLService, request: Request) -> Response:
    """Serve one GraphQL request (or, if enabled, one batch) over HTTP."""
    request_id = request_id_from(request.headers.get("x-request-id"))
    headers = {"x-request-id": request_id}
    if _wants_graphiql(service.settings, request):
        return HTMLResponse(
            graphiql.PAGE,
            headers=headers | {"content-security-policy": graphiql.CONTENT_SECURITY_POLICY},
        )
    media_type = negotiate(request.headers.get("accept"))
    if media_type is None:
        refusal = Refusal("NOT_ACCEPTABLE", f"只能以 {GRAPHQL_RESPONSE} 或 {JSON} 应答", status=406)
        return respond(refused(refusal, Attempt(request_id), JSON), JSON, headers)
    try:
        payload = await read_payload(service.settings, request)
    except Refusal as refusal:
        return respond(refused(refusal, Attempt(request_id), media_type), media_type, headers)
    if isinstance(payload, list):
        answers = [
            await _observed(service, request, item, media_type, item_request_id(request_id, index))
            for index, item in enumerate(payload)
        ]
        # One status cannot describe several results: a batch is 200, each body says the rest.
        return JSONBody(
            [a.body for a in answers], media_type=content_type(media_type), headers=headers
        )
    answer = await _observed(service, request, payload, media_type, request_id)
    return respond(answer, media_type, headers)


async def _observed(
    service: GraphQLService, request: Request, payload: Any, media_type: str, request_id: str
) -> Answer:
    """``_serve``, timed and counted per operation name for /metrics and the logs."""
    attempt = Attempt(request_id)
    started = time.perf_counter()
    answer = await _serve(service, request, payload, media_type, attempt)
    codes = [
        str(error.get("extensions", {}).get("code", "UNKNOWN"))
        for error in answer.body.get("errors", [])
        if isinstance(error, dict)
    ]
    seconds = time.perf_counter() - started
    observe_graphql(operation_label(attempt.operation), answer.status, seconds, codes)
    return answer


def _wants_graphiql(settings: Settings, request: Request) -> bool:
    params = request.query_params
    return (
        settings.development
        and request.method == "GET"
        and "query" not in params
        and "extensions" not in params
        and "text/html" in request.headers.get("accept", "")
    )


async def _serve(
    service: GraphQLService, request: Request, payload: Any, media_type: str, attempt: Attempt
) -> Answer:
    """One GraphQL request, answered: its result, or the refusal that stopped it."""
    try:
        result = await _run(service, request, payload, attempt)
    except Refusal as refusal:
        await _fill_throttle(service, attempt)
        return refused(refusal, attempt, media_type)
    except Unauthenticated as error:
        # Logged, not audited: without an account anyone could fill the audit log at will.
        log.warning("sign-in refused: %s (request %s)", error.code, attempt.request_id)
        refusal = Refusal(
            error.code,
            error.message,
            status=401,
            headers={"www-authenticate": 'Bearer realm="inspectnet"'},
        )
        return refused(refusal, attempt, media_type)
    except Exception as error:
        if is_unavailable(error):
            # The transaction was rolled back with the connection: nothing was written, and
            # the pool reconnects (pre-ping) once the database is back, so a retry can succeed.
            log.warning("database unavailable serving request %s: %r", attempt.request_id, error)
            refusal = Refusal(
                "SERVICE_UNAVAILABLE",
                "数据库暂时无法访问，请稍后重试",
                status=503,
                headers={"retry-after": str(UNAVAILABLE_RETRY_AFTER)},
            )
            refusal.errors[0]["extensions"]["requestId"] = attempt.request_id
            return refused(refusal, attempt, media_type)
        # The database or a bug, outside any resolver: masked, logged with the request id.
        log.exception("unexpected error serving request %s", attempt.request_id)
        refusal = Refusal("INTERNAL_SERVER_ERROR", MASKED_MESSAGE, status=500)
        refusal.errors[0]["extensions"]["requestId"] = attempt.request_id
        return refused(refusal, attempt, media_type)
    return answer(result, attempt, media_type, hide_suggestions=not service.settings.development)


async def _run(
    service: GraphQLService, request: Request, payload: Any, attempt: Attempt
) -> ExecutionResult | Replayed:
    params = parameters(payload)
    require_preflight(request)
    subject = attempt.username = token_subject(
        service.settings, request.headers.get("authorization")
    )
    resolved = await service.persisted.resolve(params.query, params.extensions)
    document = service.documents.parse(resolved.query)
    operation = operation_of(document, params.operation_name)
    attempt.operation = operation.name.value if operation.name else None
    bind(operation=operation_label(attempt.operation))
    if request.method == "GET" and operation.operation is not OperationType.QUERY:
        raise Refusal(
            "METHOD_NOT_ALLOWED",
            "GET 只能用于查询，变更请用 POST",
            status=405,
            headers={"allow": "POST"},
        )
    key = None
    if operation.operation is OperationType.MUTATION:
        key = idempotency.key_from(request.headers.get(idempotency.HEADER))
    prepared = service.documents.validate(resolved.query, document)
    await service.persisted.learn(resolved)
    variables = coerce_variables(service, operation, params.variables)
    schema = service.schema._schema
    requested = attempt.cost.requested = requested_cost(schema, document, operation, variables)
    check_cost(service.settings, requested)
    await _take_budget(service, attempt.username, requested, attempt)
    try:
        result = await execute(service, prepared, params, attempt.request_id, subject, key)
    except Unauthenticated:
        # Nothing ran (the account is gone or inactive): give the points back.
        attempt.cost.throttle = await service.budgets.settle(attempt.username, requested)
        raise
    actual = attempt.cost.actual = actual_cost(schema, document, operation, variables, result.data)
    attempt.cost.throttle = await service.budgets.settle(attempt.username, requested - actual)
    return result


async def _take_budget(service: GraphQLService, username: str, cost: int, attempt: Attempt) -> None:
    taken, throttle = await service.budgets.take(username, cost)
    attempt.cost.throttle = throttle
    if not taken:
        wait = throttle.retry_after(cost)
        raise Refusal(
            "RATE_LIMITED",
            f"查询额度暂时不足，请{wait}秒后重试",
            status=429,
            headers={"retry-after": str(wait)},
        )


async def _fill_throttle(service: GraphQLService, attempt: Attempt) -> None:
    if attempt.username is not None and attempt.cost.throttle is None:
        attempt.cost.throttle = await service.budgets.peek(attempt.username)
