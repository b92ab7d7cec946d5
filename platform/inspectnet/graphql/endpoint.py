"""The HTTP side of GraphQL: parse the request, sign the caller in, run it in one transaction.

Written by hand rather than with strawberry's router so that the GraphQL-over-HTTP rules
(status codes, media types, GET for queries only) and the transaction boundary are ours.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLSyntaxError
from strawberry import Schema
from strawberry.http.ides import get_graphql_ide_html

from inspectnet.accounts.signin import actor_for_token
from inspectnet.audit.service import record_denials
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import DomainError, Unauthenticated
from inspectnet.graphql.context import Context
from inspectnet.settings import Settings

log = logging.getLogger("inspectnet.graphql")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MASKED_MESSAGE = "Unexpected error."


@dataclass
class GraphQLService:
    """Everything the endpoint needs, made once by ``create_app``."""

    schema: Schema
    database: Database
    policy: PolicyStore
    settings: Settings


@dataclass
class GraphQLRequest:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


class HTTPProblem(Exception):
    """A request refused before execution, with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _media_type(request: Request) -> str:
    accept = request.headers.get("accept", "")
    if GRAPHQL_RESPONSE in accept:
        return GRAPHQL_RESPONSE
    return JSON


def _error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extra}}]}


async def _read_request(request: Request) -> GraphQLRequest:
    if request.method == "GET":
        params = request.query_params
        raw_variables, raw_extensions = params.get("variables"), params.get("extensions")
        body: dict[str, Any] = {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
            "variables": _json_param(raw_variables, "variables"),
            "extensions": _json_param(raw_extensions, "extensions"),
        }
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON:
            raise HTTPProblem(415, "UNSUPPORTED_MEDIA_TYPE", "请求体须为 application/json")
        try:
            body = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPProblem(400, "BAD_REQUEST", "请求体不是有效的 JSON") from None
        if isinstance(body, list):
            raise HTTPProblem(400, "BATCHING_DISABLED", "不支持批量请求")
        if not isinstance(body, dict):
            raise HTTPProblem(400, "BAD_REQUEST", "请求体须为 JSON 对象")
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise HTTPProblem(400, "BAD_REQUEST", "缺少 query")
    variables, operation, extensions = body.get("variables"), body.get("operationName"), body.get("extensions")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPProblem(400, "BAD_REQUEST", "variables 须为 JSON 对象")
    if operation is not None and not isinstance(operation, str):
        raise HTTPProblem(400, "BAD_REQUEST", "operationName 须为字符串")
    if extensions is not None and not isinstance(extensions, dict):
        raise HTTPProblem(400, "BAD_REQUEST", "extensions 须为 JSON 对象")
    return GraphQLRequest(query, variables, operation, extensions)


def _json_param(raw: str | None, name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise HTTPProblem(400, "BAD_REQUEST", f"{name} 不是有效的 JSON") from None


def _operation_type(query: str, operation_name: str | None) -> OperationType | None:
    """The type of the operation that would run, or None when the document does not parse."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if operation_name is None or (operation.name and operation.name.value == operation_name):
            return operation.operation
    return None


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """A public DomainError as it is; GraphQL's own errors as they are; anything else masked."""
    original = error.original_error
    formatted = error.formatted
    if original is None:
        formatted.setdefault("extensions", {}).setdefault("code", "GRAPHQL_VALIDATION_FAILED")
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
    masked = {"message": MASKED_MESSAGE, "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}
    if error.path:
        masked["path"] = error.path
    return masked


async def handle(service: GraphQLService, request: Request) -> Response:
    """Serve one GraphQL request over HTTP."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    media_type = _media_type(request)
    headers = {"x-request-id": request_id}
    if request.method == "GET" and "query" not in request.query_params:
        if service.settings.development and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(get_graphql_ide_html(graphql_ide="graphiql"))
    try:
        graphql_request = await _read_request(request)
        operation = _operation_type(graphql_request.query, graphql_request.operation_name)
        if request.method == "GET" and operation is not None and operation is not OperationType.QUERY:
            raise HTTPProblem(405, "METHOD_NOT_ALLOWED", "GET 只能用于查询，变更请用 POST", {"allow": "POST"})
        body, status = await _execute(service, request, graphql_request, request_id, media_type)
    except HTTPProblem as problem:
        return JSONResponse(
            _error_body(problem.code, problem.message),
            status_code=problem.status,
            media_type=media_type,
            headers=headers | problem.headers,
        )
    except Unauthenticated as error:
        return JSONResponse(
            _error_body(error.code, error.message),
            status_code=401,
            media_type=media_type,
            headers=headers | {"www-authenticate": 'Bearer realm="inspectnet"'},
        )
    return JSONResponse(body, status_code=status, media_type=media_type, headers=headers)


async def _execute(
    service: GraphQLService,
    request: Request,
    graphql_request: GraphQLRequest,
    request_id: str,
    media_type: str,
) -> tuple[dict[str, Any], int]:
    async with service.database.session() as session:
        async with session.begin():
            actor = await actor_for_token(
                session, service.settings, service.policy,
                request.headers.get("authorization"), request_id,
            )
            context = Context(session=session, actor=actor, settings=service.settings, request_id=request_id)
            result = await service.schema.execute(
                graphql_request.query,
                variable_values=graphql_request.variables,
                context_value=context,
                operation_name=graphql_request.operation_name,
            )
            await record_denials(session, actor)
        if actor.policy_changed:
            await service.policy.changed_here(session)
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(e, request_id) for e in result.errors]
    if result.data is not None or not result.errors:
        body["data"] = result.data
    # A request that never executed (parse or validation failure) has no data at all.
    status = 400 if media_type == GRAPHQL_RESPONSE and "data" not in body else 200
    return body, status
