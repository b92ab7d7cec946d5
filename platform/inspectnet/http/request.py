"""Reading a GraphQL-over-HTTP request: media type, parameters, the CSRF rule.

Each check refuses with its HTTP status before anything else runs (no SQL).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from inspectnet.http.refusals import Refusal
from inspectnet.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Headers a browser cannot add to a cross-site request without a CORS preflight (Apollo's
# CSRF prevention names the last two; the first is ours and the one clients should send).
PREFLIGHT_HEADERS = (
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
SIMPLE_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


@dataclass
class GraphQLRequest:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


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


async def read_payload(settings: Settings, request: Request) -> dict[str, Any] | list[Any]:
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


def parameters(payload: Any) -> GraphQLRequest:
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


def require_preflight(request: Request) -> None:
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
