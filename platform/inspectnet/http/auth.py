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
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from inspectnet import clock
from inspectnet.accounts import factors, oidc, signin
from inspectnet.accounts.authenticate import Credentials
from inspectnet.accounts.refusals import Refused
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import Conflict, DomainError
from inspectnet.http.refusals import Refusal
from inspectnet.http.signin_limits import SignInLimits
from inspectnet.observability.middleware import request_id_from
from inspectnet.settings import Settings

REFRESH_COOKIE = "__Host-inspectnet-refresh"
# The OIDC state, bound to the browser that started the flow. Lax: the SSO's redirect back is a
# cross-site top-level GET, on which a Strict cookie would not be sent.
STATE_COOKIE = "__Host-inspectnet-oidc"
PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight")
MAX_BODY_BYTES = 8_192
_SAME_SITE = frozenset({"same-origin", "same-site"})


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


def _field_refusal(field: str) -> Refusal:
    message = f"缺少或无效的字段 {field}"
    return Refusal(
        "VALIDATION",
        message,
        status=400,
        errors=[{"message": message, "extensions": {"code": "VALIDATION", "field": field}}],
    )


class AuthRoutes:
    """The /auth routes of one app, with their per-account and per-address rate limits."""

    def __init__(
        self, database: Database, settings: Settings, policy: PolicyStore, limits: SignInLimits
    ) -> None:
        self.database, self.settings, self.policy, self.limits = database, settings, policy, limits

    # -- checks every route makes --------------------------------------------------------

    def _same_site(self, request: Request) -> None:
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
            origin is not None
            and origin.rstrip("/").lower() not in {own, *self.settings.cors_origins}
        ):
            raise Refusal("CROSS_SITE_REFUSED", "不接受跨站的登录请求", status=403)

    async def _body(
        self, request: Request, fields: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, str]:
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
                raise _field_refusal(name)
            values[name] = value
        for name in optional:
            value = body.get(name)
            if value is None:
                continue
            if not isinstance(value, str) or not value or len(value) > 64:
                raise _field_refusal(name)
            values[name] = value
        return values

    async def _rate(self, request: Request, account: str | None) -> None:
        """Both buckets are taken from whether or not the account exists, so a limit says
        nothing about it either."""
        retry = await self.limits.take(_address(request), account)
        if retry is not None:
            raise Refusal(
                "RATE_LIMITED",
                "登录尝试过于频繁，请稍后再试",
                status=429,
                headers={"retry-after": str(retry)},
            )

    def _local(self) -> None:
        if self.settings.jwt_algorithm != "HS256":
            raise Refusal(
                "SIGN_IN_EXTERNAL", "本平台配置为由统一身份认证登录，不接受密码登录", status=404
            )

    async def _credentials(
        self, request: Request, required: tuple[str, ...] = ()
    ) -> tuple[Credentials, dict[str, str]]:
        """Body, checks and rate limits of a route that takes a password: the credentials, and
        the route's other fields."""
        self._local()
        self._same_site(request)
        values = await self._body(
            request, ("officeCode", "username", "password", *required), ("totpCode", "recoveryCode")
        )
        await self._rate(request, f"{values['officeCode']}/{values['username']}")
        credentials = Credentials(
            office_code=values.pop("officeCode"),
            username=values.pop("username"),
            password=values.pop("password"),
            address=_address(request),
            request_id=_request_id(request),
            totp_code=values.pop("totpCode", None),
            recovery_code=values.pop("recoveryCode", None),
        )
        return credentials, values

    # -- answers -----------------------------------------------------------------------

    def _signed_in(self, result: signin.SignedIn | Refused) -> Response:
        if isinstance(result, Refused):
            return _refused(result)
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

    # -- routes ------------------------------------------------------------------------

    async def sign_in(self, request: Request) -> Response:
        credentials, _ = await self._credentials(request)
        return self._signed_in(
            await signin.sign_in_with_password(
                self.database, self.settings, self.policy, credentials
            )
        )

    async def change_password(self, request: Request) -> Response:
        credentials, values = await self._credentials(request, ("newPassword",))
        return self._signed_in(
            await signin.change_password(
                self.database,
                self.settings,
                self.policy,
                credentials,
                new_password=values["newPassword"],
            )
        )

    async def totp_enrol(self, request: Request) -> Response:
        credentials, _ = await self._credentials(request)
        result = await factors.enrol_totp(self.database, self.settings, self.policy, credentials)
        if isinstance(result, Refused):
            return _refused(result)
        return _no_store({"secret": result.secret, "otpauthUri": result.uri})

    async def totp_confirm(self, request: Request) -> Response:
        credentials, values = await self._credentials(request, ("code",))
        result = await factors.confirm_totp(
            self.database, self.settings, self.policy, credentials, code=values["code"]
        )
        if isinstance(result, Refused):
            return _refused(result)
        return _no_store({"recoveryCodes": list(result.codes)})

    async def totp_disable(self, request: Request) -> Response:
        credentials, _ = await self._credentials(request)
        refused = await factors.disable_totp(self.database, self.settings, self.policy, credentials)
        if refused is not None:
            return _refused(refused)
        return Response(status_code=204)

    def _sso(self) -> None:
        if not oidc.configured(self.settings):
            raise Refusal("SSO_NOT_CONFIGURED", "未配置统一身份认证", status=404)

    async def oidc_start(self, request: Request) -> Response:
        self._sso()
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
        self._sso()
        await self._rate(request, None)
        result = await oidc.complete(
            self.database,
            self.settings,
            self.policy,
            state=request.query_params.get("state"),
            cookie_state=request.cookies.get(STATE_COOKIE),
            code=request.query_params.get("code"),
            address=_address(request),
            request_id=_request_id(request),
        )
        if isinstance(result, Refused):
            response = _refused(result)
        else:
            # No access token in a URL: the page the browser lands on calls /auth/refresh.
            response = RedirectResponse(self.settings.oidc_after_sign_in, status_code=303)
            response.headers["cache-control"] = "no-store"
            _set_refresh(response, result[1])
        response.delete_cookie(STATE_COOKIE, path="/", secure=True, httponly=True)
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
        if isinstance(result, Refused):
            return _refused(result, clear=True)
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
            return _refused(refused, clear=True)
        response = Response(status_code=204)
        _clear(response)
        return response


def _refused(refused: Refused, *, clear: bool = False) -> JSONResponse:
    """The one rendering of a refused sign-in: its status, code and message."""
    response = _error(refused.status, refused.code, refused.message)
    if clear:
        _clear(response)
    return response


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


def register(
    app: FastAPI, database: Database, settings: Settings, policy: PolicyStore
) -> AuthRoutes:
    """Add the /auth routes to ``app``."""
    routes = AuthRoutes(database, settings, policy, SignInLimits.for_settings(database, settings))

    async def answer(call: Any) -> Response:
        try:
            return await call  # type: ignore[no-any-return]
        except Refusal as refusal:
            return JSONResponse(
                {"errors": refusal.errors},
                status_code=refusal.status or 400,
                headers={"cache-control": "no-store", **refusal.headers},
            )
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
