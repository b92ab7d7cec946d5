"""Browser sign-in over HTTP: ``POST /auth/sign-in``, ``/auth/refresh``, ``/auth/sign-out``,
``/auth/sign-out-everywhere`` and ``/auth/password``.

Why plain endpoints and not a ``signIn`` mutation: the refresh token travels only in an
HttpOnly cookie, and setting or reading a cookie is the HTTP layer's business. /graphql is
bearer-only by design (no cookie is ever read there, so no GraphQL request can be forged with
ambient credentials), its answers may be replayed from the idempotency store or batched, and a
GET may carry queries: none of that should ever touch a refresh cookie. Here each route does one
thing, answers JSON in the GraphQL error shape, and the cookie is scoped, Secure, HttpOnly and
SameSite=Strict.

CSRF: every route requires the ``GraphQL-Require-Preflight`` header /graphql's GETs already
require (a browser sends it cross-origin only after a CORS preflight the listed origins alone
pass) and a JSON body, and refuses a browser request whose ``Sec-Fetch-Site`` says cross-site or
whose ``Origin`` is neither this API's own nor listed.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from inspectnet import clock
from inspectnet.accounts import oidc, signin
from inspectnet.db import Database
from inspectnet.errors import Conflict, DomainError
from inspectnet.http.ratelimit import MemoryBudgets
from inspectnet.observability.middleware import request_id_from
from inspectnet.settings import Settings

REFRESH_COOKIE = "__Host-inspectnet-refresh"
# The OIDC state, bound to the browser that started the flow. Lax: the SSO's redirect back is a
# cross-site top-level GET, on which a Strict cookie would not be sent.
STATE_COOKIE = "__Host-inspectnet-oidc"
PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight")
MAX_BODY_BYTES = 8_192
_SAME_SITE = frozenset({"same-origin", "same-site"})

_MESSAGES = {
    # One message for an unknown account, a wrong password and a locked account alike.
    "INVALID_CREDENTIALS": "办公室代码、用户名或密码不正确",
    "PASSWORD_CHANGE_REQUIRED": "密码已由管理员重置，请先修改密码",
    "REFRESH_TOKEN_INVALID": "登录已失效，请重新登录",
    "SECOND_FACTOR_REQUIRED": "请输入动态口令或恢复码",
    "SECOND_FACTOR_ENROLMENT_REQUIRED": "本办公室要求您的角色使用动态口令，请先启用",
}
_STATUS = {
    "INVALID_CREDENTIALS": 401,
    "PASSWORD_CHANGE_REQUIRED": 403,
    "REFRESH_TOKEN_INVALID": 401,
    "SECOND_FACTOR_REQUIRED": 401,
    "SECOND_FACTOR_ENROLMENT_REQUIRED": 403,
}


class AuthRefusal(Exception):
    """A request refused before the sign-in service ran."""

    def __init__(self, status: int, code: str, message: str, **headers: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _error(
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


class AuthRoutes:
    """The /auth routes of one app, with their per-account and per-address rate limits."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database, self.settings = database, settings
        per_minute = 60.0
        self.per_account = MemoryBudgets(
            settings.signin_rate_per_account, settings.signin_rate_per_account / per_minute
        )
        self.per_address = MemoryBudgets(
            settings.signin_rate_per_address, settings.signin_rate_per_address / per_minute
        )

    # -- checks every route makes --------------------------------------------------------

    def _same_site(self, request: Request) -> None:
        if not any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
            raise AuthRefusal(
                400,
                "CSRF_PREFLIGHT_REQUIRED",
                "请求须带 GraphQL-Require-Preflight 请求头（防跨站请求伪造）",
            )
        fetch_site = request.headers.get("sec-fetch-site")
        origin = request.headers.get("origin")
        own = f"{request.url.scheme}://{request.url.netloc}".lower()
        if (fetch_site is not None and fetch_site.lower() not in _SAME_SITE) or (
            origin is not None
            and origin.rstrip("/").lower() not in {own, *self.settings.cors_origins}
        ):
            raise AuthRefusal(403, "CROSS_SITE_REFUSED", "不接受跨站的登录请求")

    async def _body(
        self, request: Request, fields: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, str]:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise AuthRefusal(415, "UNSUPPORTED_MEDIA_TYPE", "请求体须为 application/json")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise AuthRefusal(413, "BODY_TOO_LARGE", "请求体过大")
        try:
            body = json.loads(raw)
        except ValueError:
            raise AuthRefusal(400, "BAD_REQUEST", "请求体不是合法的 JSON") from None
        if not isinstance(body, dict):
            raise AuthRefusal(400, "BAD_REQUEST", "请求体须为 JSON 对象")
        values = {}
        for name in fields:
            value = body.get(name)
            if not isinstance(value, str) or not value or len(value) > 1_024:
                raise _FieldRefusal(name)
            values[name] = value
        for name in optional:
            value = body.get(name)
            if value is None:
                continue
            if not isinstance(value, str) or not value or len(value) > 64:
                raise _FieldRefusal(name)
            values[name] = value
        return values

    async def _rate(self, request: Request, account: str | None) -> None:
        """Both buckets are taken from whether or not the account exists, so a limit says
        nothing about it either."""
        address = request.client.host if request.client else "unknown"
        buckets = [(self.per_address, f"address:{address}")]
        if account is not None:
            buckets.append((self.per_account, f"account:{account.casefold()}"))
        for store, key in buckets:
            taken, throttle = await store.take(key, 1)
            if not taken:
                retry = str(max(1, math.ceil((1 - throttle.available) / throttle.restore_rate)))
                raise AuthRefusal(
                    429, "RATE_LIMITED", "登录尝试过于频繁，请稍后再试", **{"retry-after": retry}
                )

    def _local(self) -> None:
        if self.settings.jwt_algorithm != "HS256":
            raise AuthRefusal(
                404, "SIGN_IN_EXTERNAL", "本平台配置为由统一身份认证登录，不接受密码登录"
            )

    # -- answers -----------------------------------------------------------------------

    def _signed_in(self, result: signin.SignedIn) -> JSONResponse:
        response = JSONResponse(
            {
                "accessToken": result.access_token,
                "tokenType": "Bearer",
                "expiresIn": result.expires_in,
                "account": result.name,
            }
        )
        response.headers["cache-control"] = "no-store"
        _set_refresh(response, result.refresh)
        return response

    @staticmethod
    def _refused(refused: signin.Refused, *, clear: bool = False) -> JSONResponse:
        response = _error(_STATUS[refused.code], refused.code, _MESSAGES[refused.code])
        if clear:
            _clear(response)
        return response

    # -- routes ------------------------------------------------------------------------

    async def sign_in(self, request: Request) -> Response:
        self._local()
        self._same_site(request)
        values = await self._body(
            request, ("officeCode", "username", "password"), ("totpCode", "recoveryCode")
        )
        await self._rate(request, f"{values['officeCode']}/{values['username']}")
        result = await signin.sign_in_with_password(
            self.database,
            self.settings,
            office_code=values["officeCode"],
            username=values["username"],
            password=values["password"],
            address=_address(request),
            request_id=_request_id(request),
            totp_code=values.get("totpCode"),
            recovery_code=values.get("recoveryCode"),
        )
        if isinstance(result, signin.Refused):
            return self._refused(result)
        return self._signed_in(result)

    async def change_password(self, request: Request) -> Response:
        self._local()
        self._same_site(request)
        values = await self._body(
            request,
            ("officeCode", "username", "password", "newPassword"),
            ("totpCode", "recoveryCode"),
        )
        await self._rate(request, f"{values['officeCode']}/{values['username']}")
        result = await signin.change_password(
            self.database,
            self.settings,
            office_code=values["officeCode"],
            username=values["username"],
            password=values["password"],
            new_password=values["newPassword"],
            address=_address(request),
            request_id=_request_id(request),
            totp_code=values.get("totpCode"),
            recovery_code=values.get("recoveryCode"),
        )
        if isinstance(result, signin.Refused):
            return self._refused(result)
        return self._signed_in(result)

    async def _account_call(
        self, request: Request, optional: tuple[str, ...] = (), required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Body, checks and rate limits of a route that re-checks the password."""
        self._local()
        self._same_site(request)
        values = await self._body(
            request, ("officeCode", "username", "password", *required), optional
        )
        await self._rate(request, f"{values['officeCode']}/{values['username']}")
        return {
            "office_code": values.pop("officeCode"),
            "username": values.pop("username"),
            "password": values.pop("password"),
            "address": _address(request),
            "request_id": _request_id(request),
            **values,
        }

    async def totp_enrol(self, request: Request) -> Response:
        result = await signin.enrol_totp(
            self.database, self.settings, **await self._account_call(request)
        )
        if isinstance(result, signin.Refused):
            return self._refused(result)
        return _no_store({"secret": result.secret, "otpauthUri": result.uri})

    async def totp_confirm(self, request: Request) -> Response:
        result = await signin.confirm_totp(
            self.database,
            self.settings,
            **await self._account_call(request, required=("code",)),
        )
        if isinstance(result, signin.Refused):
            return self._refused(result)
        return _no_store({"recoveryCodes": list(result.codes)})

    async def totp_disable(self, request: Request) -> Response:
        call = await self._account_call(request, optional=("totpCode", "recoveryCode"))
        refused = await signin.disable_totp(
            self.database,
            self.settings,
            **{k: v for k, v in call.items() if k not in ("totpCode", "recoveryCode")},
            totp_code=call.get("totpCode"),
            recovery_code=call.get("recoveryCode"),
        )
        if refused is not None:
            return self._refused(refused)
        return Response(status_code=204)

    async def oidc_start(self, request: Request) -> Response:
        if not oidc.configured(self.settings):
            raise AuthRefusal(404, "SSO_NOT_CONFIGURED", "未配置统一身份认证")
        await self._rate(request, None)
        url, state = await oidc.start(self.database, self.settings)
        response = RedirectResponse(url, status_code=302)
        response.headers["cache-control"] = "no-store"
        response.set_cookie(
            STATE_COOKIE,
            state,
            max_age=int(oidc.ATTEMPT_TTL.total_seconds()),
            path="/",
            secure=True,
            httponly=True,
            samesite="lax",
        )
        return response

    async def oidc_callback(self, request: Request) -> Response:
        if not oidc.configured(self.settings):
            raise AuthRefusal(404, "SSO_NOT_CONFIGURED", "未配置统一身份认证")
        await self._rate(request, None)
        try:
            _account, issued = await oidc.complete(
                self.database,
                self.settings,
                state=request.query_params.get("state"),
                cookie_state=request.cookies.get(STATE_COOKIE),
                code=request.query_params.get("code"),
                address=_address(request),
                request_id=_request_id(request),
            )
        except oidc.OidcRefused:
            response = _error(401, "SSO_SIGN_IN_REFUSED", "统一身份认证登录未能完成，请重新登录")
            response.delete_cookie(STATE_COOKIE, path="/", secure=True, httponly=True)
            return response
        # No access token in a URL: the page the browser lands on calls /auth/refresh.
        response = RedirectResponse(self.settings.oidc_after_sign_in, status_code=303)
        response.headers["cache-control"] = "no-store"
        response.delete_cookie(STATE_COOKIE, path="/", secure=True, httponly=True)
        _set_refresh(response, issued)
        return response

    async def refresh(self, request: Request) -> Response:
        self._local()
        self._same_site(request)
        await self._rate(request, None)
        result = await signin.refresh_session(
            self.database,
            self.settings,
            token=request.cookies.get(REFRESH_COOKIE),
            request_id=_request_id(request),
        )
        if isinstance(result, signin.Refused):
            return self._refused(result, clear=True)
        return self._signed_in(result)

    async def sign_out(self, request: Request, *, everywhere: bool = False) -> Response:
        self._same_site(request)
        await self._rate(request, None)
        refused = await signin.sign_out(
            self.database,
            token=request.cookies.get(REFRESH_COOKIE),
            everywhere=everywhere,
            request_id=_request_id(request),
        )
        if refused is not None and everywhere:
            # Ending every sign-in needs a current token; ending one's own is always granted.
            return self._refused(refused, clear=True)
        response = Response(status_code=204)
        _clear(response)
        return response


class _FieldRefusal(AuthRefusal):
    def __init__(self, field: str) -> None:
        super().__init__(400, "VALIDATION", f"缺少或无效的字段 {field}")
        self.field = field


def _set_refresh(response: Response, issued: Any) -> None:
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


def _no_store(body: dict[str, Any]) -> JSONResponse:
    response = JSONResponse(body)
    response.headers["cache-control"] = "no-store"
    return response


def _clear(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path="/", secure=True, httponly=True, samesite="strict")


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _request_id(request: Request) -> str:
    return request_id_from(request.headers.get("x-request-id"))


def register(app: FastAPI, database: Database, settings: Settings) -> AuthRoutes:
    """Add the /auth routes to ``app``."""
    routes = AuthRoutes(database, settings)

    async def answer(call: Any) -> Response:
        try:
            return await call  # type: ignore[no-any-return]
        except _FieldRefusal as refusal:
            return _error(refusal.status, refusal.code, refusal.message, refusal.field)
        except AuthRefusal as refusal:
            return _error(refusal.status, refusal.code, refusal.message, **refusal.headers)
        except Conflict as error:  # a factor already on, or none to confirm
            return _error(409, error.code, error.message, error.field)
        except DomainError as error:  # a new password that breaks a rule, a wrong first code
            return _error(400, error.code, error.message, error.field)

    @app.post("/auth/sign-in")
    async def auth_sign_in(request: Request) -> Response:
        return await answer(routes.sign_in(request))

    @app.post("/auth/password")
    async def auth_password(request: Request) -> Response:
        return await answer(routes.change_password(request))

    @app.post("/auth/totp/enrol")
    async def auth_totp_enrol(request: Request) -> Response:
        return await answer(routes.totp_enrol(request))

    @app.post("/auth/totp/confirm")
    async def auth_totp_confirm(request: Request) -> Response:
        return await answer(routes.totp_confirm(request))

    @app.post("/auth/totp/disable")
    async def auth_totp_disable(request: Request) -> Response:
        return await answer(routes.totp_disable(request))

    @app.get("/auth/oidc/start")
    async def auth_oidc_start(request: Request) -> Response:
        return await answer(routes.oidc_start(request))

    @app.get("/auth/oidc/callback")
    async def auth_oidc_callback(request: Request) -> Response:
        return await answer(routes.oidc_callback(request))

    @app.post("/auth/refresh")
    async def auth_refresh(request: Request) -> Response:
        return await answer(routes.refresh(request))

    @app.post("/auth/sign-out")
    async def auth_sign_out(request: Request) -> Response:
        return await answer(routes.sign_out(request))

    @app.post("/auth/sign-out-everywhere")
    async def auth_sign_out_everywhere(request: Request) -> Response:
        return await answer(routes.sign_out(request, everywhere=True))

    return routes
