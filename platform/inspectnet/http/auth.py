"""Browser sign-in over HTTP: ``POST /auth/sign-in``, ``/auth/refresh``, ``/auth/sign-out``,
``/auth/sign-out-everywhere`` and ``/auth/password``.

Why plain endpoints and not a ``signIn`` mutation: the refresh token travels only in an
HttpOnly cookie, and setting or reading a cookie is the HTTP layer's business. /graphql is
bearer-only by design (no cookie is ever read there, so no GraphQL request can be forged with
ambient credentials), its answers may be replayed from the idempotency store or batched, and a
GET may carry queries: none of that should ever touch a refresh cookie. Here each route does one
thing, answers JSON in the GraphQL error shape, and the cookie is scoped, Secure, HttpOnly and
SameSite=Strict.

The checks every route makes are ``auth_checks`` (CSRF among them); how it answers, cookies
included, is ``auth_answers``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from inspectnet.accounts import factors, oidc, signin
from inspectnet.accounts.authenticate import Credentials
from inspectnet.accounts.refusals import Refused
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import Conflict, DomainError
from inspectnet.http.auth_answers import (
    REFRESH_COOKIE,
    STATE_COOKIE,
    clear_refresh_cookie,
    error_response,
    no_store,
    refused_response,
    set_refresh,
)
from inspectnet.http.auth_checks import address, json_fields, request_id, require_same_site
from inspectnet.http.refusals import Refusal
from inspectnet.http.signin_limits import SignInLimits
from inspectnet.settings import Settings

__all__ = ["REFRESH_COOKIE", "STATE_COOKIE", "AuthRoutes", "register"]


class AuthRoutes:
    """The /auth routes of one app, with their per-account and per-address rate limits."""

    def __init__(
        self, database: Database, settings: Settings, policy: PolicyStore, limits: SignInLimits
    ) -> None:
        self.database, self.settings, self.policy, self.limits = database, settings, policy, limits

    # -- checks every route makes --------------------------------------------------------

    async def _rate(self, request: Request, account: str | None) -> None:
        """Both buckets are taken from whether or not the account exists, so a limit says
        nothing about it either."""
        retry = await self.limits.take(address(request), account)
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
        require_same_site(request, self.settings)
        values = await json_fields(
            request, ("officeCode", "username", "password", *required), ("totpCode", "recoveryCode")
        )
        await self._rate(request, f"{values['officeCode']}/{values['username']}")
        credentials = Credentials(
            office_code=values.pop("officeCode"),
            username=values.pop("username"),
            password=values.pop("password"),
            address=address(request),
            request_id=request_id(request),
            totp_code=values.pop("totpCode", None),
            recovery_code=values.pop("recoveryCode", None),
        )
        return credentials, values

    # -- answers -----------------------------------------------------------------------

    def _signed_in(self, result: signin.SignedIn | Refused) -> Response:
        if isinstance(result, Refused):
            return refused_response(result)
        response = JSONResponse(
            {
                "accessToken": result.access_token,
                "tokenType": "Bearer",
                "expiresIn": result.expires_in,
                "account": result.name,
            }
        )
        response.headers["cache-control"] = "no-store"
        set_refresh(response, result.refresh)
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
            return refused_response(result)
        return no_store({"secret": result.secret, "otpauthUri": result.uri})

    async def totp_confirm(self, request: Request) -> Response:
        credentials, values = await self._credentials(request, ("code",))
        result = await factors.confirm_totp(
            self.database, self.settings, self.policy, credentials, code=values["code"]
        )
        if isinstance(result, Refused):
            return refused_response(result)
        return no_store({"recoveryCodes": list(result.codes)})

    async def totp_disable(self, request: Request) -> Response:
        credentials, _ = await self._credentials(request)
        refused = await factors.disable_totp(self.database, self.settings, self.policy, credentials)
        if refused is not None:
            return refused_response(refused)
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
            address=address(request),
            request_id=request_id(request),
        )
        if isinstance(result, Refused):
            response = refused_response(result)
        else:
            # No access token in a URL: the page the browser lands on calls /auth/refresh.
            response = RedirectResponse(self.settings.oidc_after_sign_in, status_code=303)
            response.headers["cache-control"] = "no-store"
            set_refresh(response, result[1])
        response.delete_cookie(STATE_COOKIE, path="/", secure=True, httponly=True)
        return response

    async def refresh(self, request: Request) -> Response:
        self._local()
        require_same_site(request, self.settings)
        await self._rate(request, None)
        result = await signin.refresh_session(
            self.database,
            self.settings,
            token=request.cookies.get(REFRESH_COOKIE),
            request_id=request_id(request),
        )
        if isinstance(result, Refused):
            return refused_response(result, clear_refresh=True)
        return self._signed_in(result)

    async def sign_out(self, request: Request, *, everywhere: bool = False) -> Response:
        require_same_site(request, self.settings)
        await self._rate(request, None)
        refused = await signin.sign_out(
            self.database,
            token=request.cookies.get(REFRESH_COOKIE),
            everywhere=everywhere,
            request_id=request_id(request),
        )
        if refused is not None and everywhere:
            # Ending every sign-in needs a current token; ending one's own is always granted.
            return refused_response(refused, clear_refresh=True)
        response = Response(status_code=204)
        clear_refresh_cookie(response)
        return response


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
            return error_response(409, error.code, error.message, error.field)
        except DomainError as error:  # a new password that breaks a rule, a wrong first code
            return error_response(400, error.code, error.message, error.field)

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
