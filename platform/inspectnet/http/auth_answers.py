"""How the /auth routes answer: errors in the GraphQL error shape, never cached, and the refresh
cookie (scoped, Secure, HttpOnly, SameSite=Strict) set or cleared."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response

from inspectnet import clock
from inspectnet.accounts.refusals import Refused

REFRESH_COOKIE = "__Host-inspectnet-refresh"
# The OIDC state, bound to the browser that started the flow. Lax: the SSO's redirect back is a
# cross-site top-level GET, on which a Strict cookie would not be sent.
STATE_COOKIE = "__Host-inspectnet-oidc"


def error_response(
    status: int, code: str, message: str, field: str | None = None, **headers: str
) -> JSONResponse:
    extensions: dict[str, Any] = {"code": code}
    if field is not None:
        extensions["field"] = field
    response = JSONResponse(
        {"errors": [{"message": message, "extensions": extensions}]},
        status_code=status,
        headers=headers or None,
    )
    response.headers["cache-control"] = "no-store"
    return response


def refused_response(refused: Refused, *, clear_refresh: bool = False) -> JSONResponse:
    """The one rendering of a refused sign-in: its status, code and message."""
    response = error_response(refused.status, refused.code, refused.message)
    if clear_refresh:
        clear_refresh_cookie(response)
    return response


def set_refresh(response: Response, issued: Any) -> None:
    max_age = int((issued.expires_at - clock.now()).total_seconds())
    response.set_cookie(
        REFRESH_COOKIE,
        issued.token,
        max_age=max(0, max_age),
        path="/",  # the __Host- prefix demands "/"; /graphql never reads the cookie
        secure=True,
        httponly=True,
        samesite="strict",
    )


def no_store(body: dict[str, Any]) -> JSONResponse:
    response = JSONResponse(body)
    response.headers["cache-control"] = "no-store"
    return response


def clear_refresh_cookie(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
