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
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from prometheus_client import Counter
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts.models import OidcAttempt, SsoLink, UserAccount
from inspectnet.accounts.refresh import Issued, audit, start_family
from inspectnet.db import Database
from inspectnet.observability.metrics import REGISTRY
from inspectnet.settings import Settings

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

ATTEMPT_TTL = timedelta(minutes=10)
SCOPE = "openid"

# A callback that names no account (bad state, no link) is counted, not audited.
OIDC_REFUSED = Counter(
    "inspectnet_oidc_refused_total",
    "OpenID Connect callbacks refused, by reason (state, token, id_token, unlinked, inactive).",
    ["reason"],
    registry=REGISTRY,
)


class OidcRefused(Exception):
    """A callback refused; ``reason`` is for the metric and the log, never the answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    except Exception:  # the SSO refused the code (or is unreachable): no sign-in either way
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
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            nonce={"essential": True, "value": attempt.nonce},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError):
        raise OidcRefused("id_token") from None
    return decoded.claims


async def complete(
    database: Database,
    settings: Settings,
    *,
    state: str | None,
    cookie_state: str | None,
    code: str | None,
    address: str,
    request_id: str,
) -> tuple[UserAccount, Issued]:
    """Finish a flow: the linked account and a new refresh-token family; OidcRefused else."""
    if not state or not code or not cookie_state or not secrets.compare_digest(state, cookie_state):
        OIDC_REFUSED.labels("state").inc()
        raise OidcRefused("state")
    provider = await discover(settings)
    try:
        async with database.transaction(write=True) as session:
            attempt = await _take_attempt(session, state)  # used up even if what follows fails
        claims = await _claims(settings, provider, attempt, code)
        async with database.transaction(write=True) as session:
            # system scope: the SSO names a subject; its link names the account
            account = await session.scalar(
                select(UserAccount)
                .join(SsoLink, SsoLink.user_id == UserAccount.id)
                .where(SsoLink.issuer == provider.issuer, SsoLink.subject == str(claims["sub"]))
            )
            if account is None:
                raise OidcRefused("unlinked")
            if not account.active:
                raise OidcRefused("inactive")
            issued = await start_family(
                session, account, timedelta(hours=settings.refresh_token_ttl_hours)
            )
            await audit(
                session,
                account,
                "sign_in.success",
                request_id=request_id,
                detail={"address": address, "method": "oidc", "family": issued.family},
            )
            return account, issued
    except OidcRefused as refused:
        OIDC_REFUSED.labels(refused.reason).inc()
        raise
