"""The HTTP side of GraphQL: check the request, price it, sign the caller in, run it.

Written by hand rather than with strawberry's router so that the GraphQL-over-HTTP rules
(status codes, media types, GET for queries only), the limits and the transaction are ours.

Each step refuses before the next one starts, and everything up to the budget is free of
SQL: a refused request never reaches the database or a resolver.

1. media type from ``Accept`` (406 if neither JSON type is acceptable)
2. the request itself: query string or JSON body (400, 413, 415; a batch only if enabled)
3. CSRF: a GET must carry a header browsers only send after a CORS preflight (400)
4. the caller, from the bearer token's signature and ``sub`` alone (401)
5. the document: sent, or named by a persisted-query hash (documents.py, persisted.py)
6. parse with the token limit; pick the operation; a mutation over GET is 405
7. shape limits (depth, aliases), the specification's rules, introspection off outside
   development, no "Did you mean" outside development
8. variables coerced; the requested cost computed, ``first``/``last`` checked, the
   per-request maximum (cost.py)
9. the caller's budget (ratelimit.py): 429 with Retry-After when it is short
10. sign-in (the first SQL) and execution, in one transaction; the actual cost settled

``extensions.cost`` (requested, actual, the caller's bucket) is on every response.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    get_variable_values,
)
from strawberry import Schema
from strawberry.types.execution import ExecutionResult, PreExecutionError

from inspectnet.accounts.signin import actor_for_token
from inspectnet.accounts.tokens import verify_token
from inspectnet.audit import outbox as audit_outbox
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, is_unavailable
from inspectnet.errors import DomainError, Unauthenticated
from inspectnet.graphql import graphiql
from inspectnet.graphql.context import Context
from inspectnet.graphql.encoding import JSONBody
from inspectnet.graphql.errors import split
from inspectnet.http import idempotency
from inspectnet.http.cost import CostReport, actual_cost, requested_cost
from inspectnet.http.documents import Documents, Prepared, done_executing, executing
from inspectnet.http.persisted import MemoryDocuments, PersistedQueries, load_manifest
from inspectnet.http.ratelimit import BudgetStore, MemoryBudgets
from inspectnet.http.refusals import Refusal
from inspectnet.observability.logs import bind
from inspectnet.observability.metrics import observe_graphql, operation_label
from inspectnet.observability.middleware import item_request_id, request_id_from
from inspectnet.settings import Settings

log = logging.getLogger("inspectnet.graphql")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MASKED_MESSAGE = "Unexpected error."
# Headers a browser cannot add to a cross-site request without a CORS preflight (Apollo's
# CSRF prevention names the last two; the first is ours and the one clients should send).
PREFLIGHT_HEADERS = (
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
# How long a client is told to wait when the database cannot be reached (Retry-After, seconds).
UNAVAILABLE_RETRY_AFTER = 5
SIMPLE_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@dataclass
class GraphQLService:
    """Everything the endpoint needs, made once by ``create_app``."""

    schema: Schema
    database: Database
    policy: PolicyStore
    settings: Settings
    documents: Documents = field(init=False)
    persisted: PersistedQueries = field(init=False)
    budgets: BudgetStore = field(init=False)
    outbox: audit_outbox.Outbox = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.outbox = audit_outbox.Outbox.from_settings(self.database, settings)
        self.documents = Documents(self.schema._schema, settings)
        manifest_path = settings.graphql_persisted_manifest
        self.persisted = PersistedQueries(
            load_manifest(manifest_path) if manifest_path else {},
            MemoryDocuments(settings.graphql_apq_cache_size) if settings.graphql_apq else None,
            persisted_only=settings.graphql_persisted_only,
        )
        self.budgets = MemoryBudgets(
            settings.graphql_cost_budget, settings.graphql_cost_restore_rate
        )


@dataclass
class GraphQLRequest:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


@dataclass
class Attempt:
    """What is known about one request as it goes: who asks, and what it costs."""

    request_id: str
    username: str | None = None
    operation: str | None = None  # the operation's name, once the document is parsed
    cost: CostReport = field(default_factory=CostReport)


@dataclass
class Answer:
    body: dict[str, Any]
    status: int
    headers: dict[str, str] = field(default_factory=dict)


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
        return _respond(_refused(refusal, Attempt(request_id), JSON), JSON, headers)
    try:
        payload = await _read_payload(service.settings, request)
    except Refusal as refusal:
        return _respond(_refused(refusal, Attempt(request_id), media_type), media_type, headers)
    if isinstance(payload, list):
        answers = [
            await _observed(service, request, item, media_type, item_request_id(request_id, index))
            for index, item in enumerate(payload)
        ]
        # One status cannot describe several results: a batch is 200, each body says the rest.
        return JSONBody(
            [a.body for a in answers], media_type=_content_type(media_type), headers=headers
        )
    answer = await _observed(service, request, payload, media_type, request_id)
    return _respond(answer, media_type, headers)


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


def negotiate(accept: str | None) -> str | None:
    """The response media type ``Accept`` prefers, or None when it accepts neither JSON type.

    Highest q wins, then the specific type over a wildcard, then the one listed first; a
    wildcard means ``application/json`` (what legacy clients expect). Without ``Accept`` it is
    ``application/graphql-response+json``, as the spec says after its 2025 watershed.
    """
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE
    ranked: list[tuple[float, int, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, _, params = part.partition(";")
        media, quality = media.strip().lower(), _quality(params)
        if quality <= 0:
            continue
        if media in (GRAPHQL_RESPONSE, JSON):
            ranked.append((quality, 2, -index, media))
        elif media in ("*/*", "application/*"):
            ranked.append((quality, 1, -index, JSON))
    return max(ranked)[3] if ranked else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 1.0
    return 1.0


async def _read_payload(settings: Settings, request: Request) -> dict[str, Any] | list[Any]:
    """The request's parameters: from the query string (GET) or a JSON body (POST)."""
    if request.method == "GET":
        params = request.query_params
        return {
            "query": params.get("query"),
            "operationName": params.get("operationName") or None,
            "variables": _json_param(params.get("variables"), "variables"),
            "extensions": _json_param(params.get("extensions"), "extensions"),
        }
    content_type, _, parameters = request.headers.get("content-type", "").partition(";")
    if content_type.strip().lower() != JSON:
        raise Refusal("UNSUPPORTED_MEDIA_TYPE", "请求体须为 application/json", status=415)
    charset = re.search(r"charset\s*=\s*\"?([\w-]+)", parameters, re.IGNORECASE)
    if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
        raise Refusal("UNSUPPORTED_MEDIA_TYPE", "请求体须为 UTF-8 编码", status=415)
    raw = await _read_body(settings, request)
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Refusal("BAD_REQUEST", "请求体不是有效的 JSON", status=400) from None
    if isinstance(body, list):
        return _batch(settings, body)
    if not isinstance(body, dict):
        raise Refusal("BAD_REQUEST", "请求体须为 JSON 对象", status=400)
    return body


async def _read_body(settings: Settings, request: Request) -> bytes:
    limit = settings.graphql_max_body_bytes
    too_large = Refusal("PAYLOAD_TOO_LARGE", f"请求体超过{limit}字节", status=413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise too_large
    return bytes(body)


def _batch(settings: Settings, body: list[Any]) -> list[Any]:
    if not settings.graphql_batching:
        raise Refusal("BATCHING_DISABLED", "不支持批量请求", status=400)
    if not body or len(body) > settings.graphql_batch_max:
        raise Refusal("BAD_REQUEST", f"一批应有1到{settings.graphql_batch_max}个请求", status=400)
    return body


def _json_param(raw: str | None, name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise Refusal("BAD_REQUEST", f"{name} 不是有效的 JSON", status=400) from None


def _parameters(payload: Any) -> GraphQLRequest:
    """The four GraphQL-over-HTTP parameters, each of the right JSON type (400 otherwise)."""
    if not isinstance(payload, dict):
        raise Refusal("BAD_REQUEST", "请求须为 JSON 对象", status=400)
    query, variables = payload.get("query"), payload.get("variables")
    operation, extensions = payload.get("operationName"), payload.get("extensions")
    if query is not None and not isinstance(query, str):
        raise Refusal("BAD_REQUEST", "query 须为字符串", status=400)
    if variables is not None and not isinstance(variables, dict):
        raise Refusal("BAD_REQUEST", "variables 须为 JSON 对象", status=400)
    if operation is not None and not isinstance(operation, str):
        raise Refusal("BAD_REQUEST", "operationName 须为字符串", status=400)
    if extensions is not None and not isinstance(extensions, dict):
        raise Refusal("BAD_REQUEST", "extensions 须为 JSON 对象", status=400)
    return GraphQLRequest(
        query if query and query.strip() else None, variables, operation or None, extensions
    )


async def _serve(
    service: GraphQLService, request: Request, payload: Any, media_type: str, attempt: Attempt
) -> Answer:
    """One GraphQL request, answered: its result, or the refusal that stopped it."""
    try:
        result = await _run(service, request, payload, attempt)
    except Refusal as refusal:
        await _fill_throttle(service, attempt)
        return _refused(refusal, attempt, media_type)
    except Unauthenticated as error:
        # Logged, not audited: without an account anyone could fill the audit log at will.
        log.warning("sign-in refused: %s (request %s)", error.code, attempt.request_id)
        refusal = Refusal(
            error.code,
            error.message,
            status=401,
            headers={"www-authenticate": 'Bearer realm="inspectnet"'},
        )
        return _refused(refusal, attempt, media_type)
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
            return _refused(refusal, attempt, media_type)
        # The database or a bug, outside any resolver: masked, logged with the request id.
        log.exception("unexpected error serving request %s", attempt.request_id)
        refusal = Refusal("INTERNAL_SERVER_ERROR", MASKED_MESSAGE, status=500)
        refusal.errors[0]["extensions"]["requestId"] = attempt.request_id
        return _refused(refusal, attempt, media_type)
    return _answer(result, attempt, media_type, hide_suggestions=not service.settings.development)


async def _run(
    service: GraphQLService, request: Request, payload: Any, attempt: Attempt
) -> ExecutionResult | Replayed:
    params = _parameters(payload)
    _require_preflight(request)
    attempt.username = _token_subject(service.settings, request.headers.get("authorization"))
    resolved = await service.persisted.resolve(params.query, params.extensions)
    document = service.documents.parse(resolved.query)
    operation = _operation(document, params.operation_name)
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
    variables = _coerce_variables(service, operation, params.variables)
    schema = service.schema._schema
    requested = attempt.cost.requested = requested_cost(schema, document, operation, variables)
    _check_cost(service.settings, requested)
    await _take_budget(service, attempt.username, requested, attempt)
    try:
        result = await _execute(service, request, prepared, params, attempt.request_id, key)
    except Unauthenticated:
        # Nothing ran (the account is gone or inactive): give the points back.
        attempt.cost.throttle = await service.budgets.settle(attempt.username, requested)
        raise
    actual = attempt.cost.actual = actual_cost(schema, document, operation, variables, result.data)
    attempt.cost.throttle = await service.budgets.settle(attempt.username, requested - actual)
    return result


def _require_preflight(request: Request) -> None:
    """CSRF: refuse a GET a browser could send cross-site without a CORS preflight.

    A POST must be ``application/json``, which is never a "simple" request, so browsers
    preflight it; a GET is simple unless it carries a non-simple header or content type.
    """
    if request.method != "GET":
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in SIMPLE_CONTENT_TYPES:
        return
    if any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
        return
    raise Refusal(
        "CSRF_PREFLIGHT_REQUIRED",
        "GET 请求须带 GraphQL-Require-Preflight 请求头（防跨站请求伪造）",
        status=400,
    )


def _token_subject(settings: Settings, authorization: str | None) -> str:
    """The username a bearer token names, from its signature alone: no SQL before the budget."""
    if not authorization:
        raise Unauthenticated("请提供登录凭证（Authorization: Bearer）", code="UNAUTHENTICATED")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("登录凭证格式应为 Bearer 令牌", code="UNAUTHENTICATED")
    return verify_token(settings, token.strip())


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operation = get_operation_ast(document, name)
    if operation is not None:
        return operation
    if name is not None:
        message = f"文档中没有名为“{name}”的操作"
    elif any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        message = "文档包含多个操作时须提供 operationName"
    else:
        message = "文档中没有可执行的操作"
    raise Refusal("OPERATION_RESOLUTION_FAILURE", message)


def _coerce_variables(
    service: GraphQLService, operation: OperationDefinitionNode, variables: dict[str, Any] | None
) -> dict[str, Any]:
    coerced = get_variable_values(
        service.schema._schema,
        operation.variable_definitions or (),
        variables or {},
        max_errors=20,
        hide_suggestions=not service.settings.development,
    )
    if isinstance(coerced, list):
        raise Refusal.from_graphql_errors(coerced, "INVALID_VARIABLES")
    return coerced.coerced


def _check_cost(settings: Settings, requested: int) -> None:
    maximum = settings.graphql_max_query_cost
    if requested > maximum:
        message = f"查询成本{requested}超过单次上限{maximum}，请减少 first/last 或嵌套"
        extensions = {"code": "QUERY_TOO_COSTLY", "cost": requested, "maximumCost": maximum}
        raise Refusal(
            "QUERY_TOO_COSTLY", message, errors=[{"message": message, "extensions": extensions}]
        )


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


async def _execute(
    service: GraphQLService,
    request: Request,
    prepared: Prepared,
    params: GraphQLRequest,
    request_id: str,
    idempotency_key: str | None = None,
) -> ExecutionResult | Replayed:
    """Sign in and execute in one transaction (the first SQL the request issues)."""
    async with service.database.session(
        write=any(
            getattr(d, "operation", None) is OperationType.MUTATION
            for d in prepared.document.definitions
        )
    ) as session:
        async with session.begin():
            actor = await actor_for_token(
                session,
                service.settings,
                service.policy,
                request.headers.get("authorization"),
                request_id,
            )
            claimed = None
            if idempotency_key is not None and actor.user_id is not None:
                digest = idempotency.request_hash(
                    prepared.query, params.variables, params.operation_name
                )
                ttl = timedelta(hours=service.settings.graphql_idempotency_ttl_hours)
                claimed = await idempotency.claim(
                    session, actor.user_id, idempotency_key, digest, ttl
                )
                if claimed.replay is not None:
                    return Replayed(claimed.replay.get("data"), claimed.replay.get("errors", []))
            context = Context(
                session=session, actor=actor, settings=service.settings, request_id=request_id
            )
            token = executing(prepared)
            try:
                result = await service.schema.execute(
                    prepared.query,
                    variable_values=params.variables,
                    context_value=context,
                    operation_name=params.operation_name,
                )
            finally:
                done_executing(token)
                # Written after the response, in their own transactions (audit/outbox.py).
                service.outbox.put(audit_outbox.take(session, actor))
            _raise_if_unavailable(result)
            if claimed is not None and actor.user_id is not None:
                first = {"data": result.data, "errors": _formatted_errors(result, request_id)}
                await idempotency.remember(session, actor.user_id, claimed, 200, first)
        if actor.policy_changed:
            await service.policy.changed_here(session)
    return result


def _raise_if_unavailable(result: ExecutionResult) -> None:
    """A resolver that lost the database fails the whole request (503), not just its field."""
    for error in result.errors or ():
        original = error.original_error
        if original is not None and is_unavailable(original):
            raise original


def format_error(
    error: GraphQLError, request_id: str, *, hide_suggestions: bool = False
) -> dict[str, Any]:
    """A public DomainError as it is; GraphQL's own errors as they are; anything else masked."""
    original = error.original_error
    formatted = error.formatted
    if original is None:
        formatted.setdefault("extensions", {}).setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        if hide_suggestions:
            formatted["message"] = _SUGGESTION.sub("", formatted["message"])
        return formatted
    if isinstance(original, DomainError):
        formatted["message"] = original.message
        formatted["extensions"] = original.extensions()
        return formatted
    log.error(
        "unexpected error in %s (request %s)",
        ".".join(map(str, error.path or [])),
        request_id,
        exc_info=(type(original), original, original.__traceback__),
    )
    masked = {
        "message": MASKED_MESSAGE,
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    }
    if error.path:
        masked["path"] = error.path
    return masked


@dataclass
class Replayed:
    """The first answer to an idempotency key, given again instead of executing."""

    data: Any
    errors: list[dict[str, Any]]


def _formatted_errors(result: ExecutionResult, request_id: str) -> list[dict[str, Any]]:
    return [format_error(e, request_id) for e in result.errors or ()]


def _answer(
    result: ExecutionResult | Replayed,
    attempt: Attempt,
    media_type: str,
    *,
    hide_suggestions: bool,
) -> Answer:
    body: dict[str, Any] = {}
    if isinstance(result, Replayed):
        if result.errors:
            body["errors"] = result.errors
        body["data"] = result.data
        body["extensions"] = {"cost": attempt.cost.as_json(), "idempotentReplay": True}
        return Answer(body, 200)
    if result.errors:
        body["errors"] = [
            format_error(part, attempt.request_id, hide_suggestions=hide_suggestions)
            for e in result.errors
            for part in split(e)
        ]
    # Execution began, so ``data`` is present even if null, unless strawberry stopped first.
    if not isinstance(result, PreExecutionError):
        body["data"] = result.data
    body["extensions"] = {"cost": attempt.cost.as_json()}
    status = 400 if media_type == GRAPHQL_RESPONSE and "data" not in body else 200
    return Answer(body, status)


def _refused(refusal: Refusal, attempt: Attempt, media_type: str) -> Answer:
    body = {"errors": refusal.errors, "extensions": {"cost": attempt.cost.as_json()}}
    return Answer(body, refusal.status_for(media_type == GRAPHQL_RESPONSE), refusal.headers)


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def _respond(answer: Answer, media_type: str, headers: dict[str, str]) -> Response:
    return JSONBody(
        answer.body,
        status_code=answer.status,
        media_type=_content_type(media_type),
        headers=headers | answer.headers,
    )
