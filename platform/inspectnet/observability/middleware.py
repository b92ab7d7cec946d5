"""Per-request plumbing below the routes: a request id for every request, its log context,
and HTTP counts. Pure ASGI, so streaming and the GraphQL endpoint are untouched."""

from __future__ import annotations

import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspectnet.observability.metrics import HTTP_REQUESTS

REQUEST_ID_HEADER = b"x-request-id"
_ROUTES = {"/graphql", "/healthz", "/readyz", "/metrics"}


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(REQUEST_ID_HEADER, b"").decode("latin-1")[:64] or uuid.uuid4().hex
        if REQUEST_ID_HEADER not in headers:
            # Downstream (the GraphQL endpoint, the audit log) reads the same id from the header.
            scope = {
                **scope,
                "headers": [*scope["headers"], (REQUEST_ID_HEADER, request_id.encode())],
            }
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, path=scope["path"])
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = list(message.get("headers", []))
                if not any(k.lower() == REQUEST_ID_HEADER for k, _ in response_headers):
                    response_headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message = {**message, "headers": response_headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope["path"] if scope["path"] in _ROUTES else "other"
            HTTP_REQUESTS.labels(route, str(status)).inc()
            structlog.contextvars.clear_contextvars()
