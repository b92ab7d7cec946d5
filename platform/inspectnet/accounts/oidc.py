"""OpenID Connect sign-in against an existing SSO: authorization code with PKCE (authlib), the
ID token checked with joserfc, the subject mapped to an account only by an admin's link.

The SSO proves who the person is; what they may do, and for how long a sign-in lasts, stay the
platform's: the result is an ordinary refresh-token family and access tokens with the
platform's lifetimes, whatever the SSO's tokens say.
"""

from __future__ import annotations

import hashlib
import secrets
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
from joserfc import jwt
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts import requirements
from inspectnet.accounts.models import OidcAttempt, SsoLink, UserAccount
from inspectnet.accounts.refresh import Issued
from inspectnet.accounts.refusals import SSO_REFUSED, Refused, refuse
from inspectnet.accounts.signin import start_sign_in
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.settings import Settings

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

ATTEMPT_TTL = timedelta(minutes=10)
SCOPE = "openid"

METHOD = "oidc"


class OidcRefused(Exception):
    """A callback refused; ``reason`` (and the SSO's ``subject`` when a verified ID token
    named one) is for the metric and the audit log, never the answer."""

    def __init__(self, reason: str, subject: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.subject = reason, subject


@dataclass(frozen=True)
class Provider:
    """The SSO's endpoints, from its discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def configured(settings: Settings) -> bool:
    return bool(
        settings.oidc_issuer
        and settings.oidc_client_id
        and settings.oidc_client_secret
        and settings.oidc_redirect_uri
    )


async def discover(settings: Settings) -> Provider:
    """Read ``/.well-known/openid-configuration`` (the issuer must be the configured one)."""
    assert settings.oidc_issuer is not None
    url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    async with httpx.AsyncClient(timeout=10) as client:
        document = (await client.get(url)).raise_for_status().json()
    if document.get("issuer") != settings.oidc_issuer:
        raise OidcRefused("discovery")
    return Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
    )


def _client(settings: Settings) -> AsyncOAuth2Client:
    # Imported when SSO is used only: authlib 1.9 warns at import that its httpx integration
    # will move to a separate package; the API used here is unchanged by that.
    from authlib.deprecate import AuthlibDeprecationWarning  # installs authlib's own filter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client

    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=SCOPE,
        redirect_uri=settings.oidc_redirect_uri,
        code_challenge_method="S256",
        timeout=10,
    )


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


async def start(database: Database, settings: Settings) -> tuple[str, str]:
    """``(authorization URL, state)``: a new flow remembered server-side; the state also goes
    into a cookie, so a callback must come back to the browser that started it."""
    provider = await discover(settings)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # RFC 7636: 43–128 characters
    async with database.transaction(write=True) as session:
        session.add(
            OidcAttempt(
                state_digest=_digest(state),
                nonce=nonce,
                code_verifier=verifier,
                created_at=clock.now(),
            )
        )
    url, _ = _client(settings).create_authorization_url(
        provider.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    return url, state


async def _take_attempt(session: AsyncSession, state: str) -> OidcAttempt:
    attempt = await session.get(OidcAttempt, _digest(state))
    if attempt is None or attempt.used_at is not None:
        raise OidcRefused("state")
    if attempt.created_at + ATTEMPT_TTL <= clock.now():
        raise OidcRefused("state")
    used = await session.execute(
        update(OidcAttempt)
        .where(OidcAttempt.state_digest == attempt.state_digest, OidcAttempt.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise OidcRefused("state")
    return attempt


async def _claims(settings: Settings, provider: Provider, attempt: OidcAttempt, code: str) -> Any:
    client = _client(settings)
    try:
        token = await client.fetch_token(
            provider.token_endpoint, code=code, code_verifier=attempt.code_verifier
        )
    except Exception:  # the SSO refused the code (replayed, wrong verifier) or is unreachable
        raise OidcRefused("token") from None
    finally:
        await client.aclose()
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcRefused("id_token")
    async with httpx.AsyncClient(timeout=10) as http:
        keys = KeySet.import_key_set((await http.get(provider.jwks_uri)).raise_for_status().json())
    try:
        decoded = jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])
    except (JoseError, ValueError):
        raise OidcRefused("id_token") from None
    try:
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            nonce={"essential": True, "value": attempt.nonce},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except ClaimError as error:
        # The signature held, so the subject is the SSO's word: name it for the audit entry.
        subject = decoded.claims.get("sub")
        reason = "nonce" if error.claim == "nonce" else "id_token"
        raise OidcRefused(reason, subject if isinstance(subject, str) else None) from None
    except (JoseError, ValueError):
        raise OidcRefused("id_token") from None
    return decoded.claims


def _multi_factor(claims: Any) -> bool:
    """Whether the SSO says the person signed in with more than one factor (RFC 8176 ``amr``)."""
    methods = claims.get("amr")
    if not isinstance(methods, list):
        return False
    named = {method for method in methods if isinstance(method, str)}
    return "mfa" in named or len(named) >= 2


async def _linked(session: AsyncSession, issuer: str, subject: str) -> UserAccount | None:
    # system scope: the SSO names a subject; its link names the account
    return await session.scalar(
        select(UserAccount)
        .join(SsoLink, SsoLink.user_id == UserAccount.id)
        .where(SsoLink.issuer == issuer, SsoLink.subject == subject)
    )


async def complete(
    database: Database,
    settings: Settings,
    policy: PolicyStore,
    *,
    state: str | None,
    cookie_state: str | None,
    code: str | None,
    address: str,
    request_id: str,
) -> tuple[UserAccount, Issued] | Refused:
    """Finish a flow: the linked account and a new refresh-token family, or a refusal that is
    audited with the office concerned when the SSO's subject names an account."""
    provider: Provider | None = None
    try:
        if not state or not code or not cookie_state:
            raise OidcRefused("state")
        if not secrets.compare_digest(state, cookie_state):
            raise OidcRefused("state")
        provider = await discover(settings)
        async with database.transaction(write=True) as session:
            attempt = await _take_attempt(session, state)  # used up even if what follows fails
        claims = await _claims(settings, provider, attempt, code)
        subject = str(claims["sub"])
        async with database.transaction(write=True) as session:
            account = await _linked(session, provider.issuer, subject)
            if account is None:
                raise OidcRefused("unlinked", subject)
            if not account.active:
                raise OidcRefused("inactive", subject)
            roles = await requirements.roles_requiring_factor(session, policy, account)
            if roles and not _multi_factor(claims):
                raise OidcRefused("second_factor_required", subject)
            issued = await start_sign_in(
                session,
                settings,
                account,
                {"address": address, "method": METHOD, "request_id": request_id},
            )
            return account, issued
    except OidcRefused as refused:
        issuer = provider.issuer if provider is not None else settings.oidc_issuer
        return await _refuse(database, refused, issuer, address, request_id)


async def _refuse(
    database: Database, refused: OidcRefused, issuer: str | None, address: str, request_id: str
) -> Refused:
    """Audit a refused callback in its own transaction (nothing else of the attempt is kept):
    in the office of the account the subject is linked to, else the platform's chain."""
    detail: dict[str, Any] = {"issuer": issuer}
    async with database.transaction(write=True) as session:
        account = None
        if refused.subject is not None and issuer is not None:
            detail["subject"] = refused.subject
            account = await _linked(session, issuer, refused.subject)
        return await refuse(
            session,
            SSO_REFUSED,
            method=METHOD,
            reason=refused.reason,
            address=address,
            request_id=request_id,
            account=account,
            detail=detail,
        )
