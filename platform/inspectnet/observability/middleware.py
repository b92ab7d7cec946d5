"""Per-request plumbing below the routes: a request id for every request, its log context,
and HTTP counts. Pure ASGI, so streaming and the GraphQL endpoint are untouched."""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspectnet.observability.metrics import HTTP_REQUESTS

REQUEST_ID_HEADER = b"x-request-id"
REQUEST_ID_MAX = 64
# Ids a client may choose: bounded and inert in logs, headers and the audit log's column.
_SAFE_REQUEST_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{REQUEST_ID_MAX}}}")


def request_id_from(raw: str | bytes | None) -> str:
    """The client's ``X-Request-ID`` if it is safe (``[A-Za-z0-9._:-]{1,64}``), else a new one."""
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1")
    if raw is not None and _SAFE_REQUEST_ID.fullmatch(raw):
        return raw
    return uuid.uuid4().hex


def item_request_id(request_id: str, index: int) -> str:
    """The id of one request in a batch, within the same bound as any request id."""
    suffix = f"-{index}"
    return request_id[: REQUEST_ID_MAX - len(suffix)] + suffix


_ROUTES = {"/graphql", "/healthz", "/readyz", "/metrics"}


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = [v for k, v in scope["headers"] if k.lower() == REQUEST_ID_HEADER]
        request_id = request_id_from(given[0] if len(given) == 1 else None)
        if given != [request_id.encode()]:
            # Downstream (the GraphQL endpoint, the audit log) reads the id actually used.
            scope = {
                **scope,
                "headers": [
                    *(h for h in scope["headers"] if h[0].lower() != REQUEST_ID_HEADER),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ],
            }
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, path=scope["path"])
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = [
                    h for h in message.get("headers", []) if h[0].lower() != REQUEST_ID_HEADER
                ]
                response_headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message = {**message, "headers": response_headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope["path"] if scope["path"] in _ROUTES else "other"
            HTTP_REQUESTS.labels(route, str(status)).inc()
            structlog.contextvars.clear_contextvars()
