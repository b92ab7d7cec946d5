"""Which browser origins may call the API: CORS for HTTP, the same list for WebSocket upgrades.

Starlette's CORSMiddleware only adds headers to HTTP responses; a browser opens a cross-site
WebSocket without any preflight, so an upgrade whose ``Origin`` is foreign is refused here.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

# The requests a browser makes to /graphql: JSON POSTs and GETs with a bearer token.
ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "accept",
    "x-request-id",
    "graphql-require-preflight",
)
# WebSocket close code 1008 (policy violation); before accept the server answers HTTP 403.
POLICY_VIOLATION = 1008


class WebSocketOrigin:
    """Refuses a WebSocket upgrade from an origin that is neither the API's own nor listed."""

    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = frozenset(origin.lower() for origin in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not self.permits(scope):
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        await self.app(scope, receive, send)

    def permits(self, scope: Scope) -> bool:
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin")
        if origin is None:
            return True  # not a browser: a browser always sends Origin on an upgrade
        text = origin.decode("latin-1").lower()
        if text in self.allowed:
            return True
        host = headers.get(b"host", b"").decode("latin-1").lower()
        return bool(host) and urlsplit(text).netloc == host
