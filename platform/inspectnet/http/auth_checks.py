"""The checks every /auth route makes on its request: same site (CSRF), a small JSON body, who
is asking from where.

CSRF: every route requires the ``GraphQL-Require-Preflight`` header /graphql's GETs already
require (a browser sends it cross-origin only after a CORS preflight the listed origins alone
pass) and a JSON body, and refuses a browser request whose ``Sec-Fetch-Site`` says cross-site or
whose ``Origin`` is neither this API's own nor listed.
"""

from __future__ import annotations

import json

from fastapi import Request

from inspectnet.http.refusals import Refusal
from inspectnet.observability.middleware import request_id_from
from inspectnet.settings import Settings

PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight")
MAX_BODY_BYTES = 8_192
_SAME_SITE = frozenset({"same-origin", "same-site"})


def field_refusal(field: str) -> Refusal:
    message = f"缺少或无效的字段 {field}"
    return Refusal(
        "VALIDATION",
        message,
        status=400,
        errors=[{"message": message, "extensions": {"code": "VALIDATION", "field": field}}],
    )


def require_same_site(request: Request, settings: Settings) -> None:
    """Refuse a request a browser could have been made to send from another site (CSRF)."""
    if not any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
        raise Refusal(
            "CSRF_PREFLIGHT_REQUIRED",
            "请求须带 GraphQL-Require-Preflight 请求头（防跨站请求伪造）",
            status=400,
        )
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    if (fetch_site is not None and fetch_site.lower() not in _SAME_SITE) or (
        origin is not None and origin.rstrip("/").lower() not in {own, *settings.cors_origins}
    ):
        raise Refusal("CROSS_SITE_REFUSED", "不接受跨站的登录请求", status=403)


async def json_fields(
    request: Request, fields: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, str]:
    """The JSON body's ``fields`` (each a non-empty string) and whichever of ``optional`` it has."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise Refusal("UNSUPPORTED_MEDIA_TYPE", "请求体须为 application/json", status=415)
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise Refusal("BODY_TOO_LARGE", "请求体过大", status=413)
    try:
        body = json.loads(raw)
    except ValueError:
        raise Refusal("BAD_REQUEST", "请求体不是合法的 JSON", status=400) from None
    if not isinstance(body, dict):
        raise Refusal("BAD_REQUEST", "请求体须为 JSON 对象", status=400)
    values = {}
    for name in fields:
        value = body.get(name)
        if not isinstance(value, str) or not value or len(value) > 1_024:
            raise field_refusal(name)
        values[name] = value
    for name in optional:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value or len(value) > 64:
            raise field_refusal(name)
        values[name] = value
    return values


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def request_id(request: Request) -> str:
    return request_id_from(request.headers.get("x-request-id"))
