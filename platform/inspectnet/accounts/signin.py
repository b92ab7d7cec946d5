"""From a bearer token to the request's Actor; password sign-in, refresh and sign-out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts import repository
from inspectnet.accounts.authenticate import (
    METHOD,
    Credentials,
    authenticate,
    refuse_account,
)
from inspectnet.accounts.models import PasswordCredential, UserAccount
from inspectnet.accounts.names import parse_sign_in_name, sign_in_name
from inspectnet.accounts.passwords import check_new_password, hash_password
from inspectnet.accounts.refresh import (
    Issued,
    audit,
    present,
    revoke_all,
    revoke_family,
    rotate,
    start_family,
)
from inspectnet.accounts.refusals import (
    CHANGE_REQUIRED,
    REFRESH_INVALID,
    SIGN_IN_ATTEMPTS,
    Refused,
)
from inspectnet.accounts.repository import account_for_sign_in
from inspectnet.accounts.tokens import issue_token, verify_token
from inspectnet.authz.actor import Actor, user_subject
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import Unauthenticated, ValidationFailed
from inspectnet.observability.logs import bind
from inspectnet.settings import Settings


async def actor_for_token(
    session: AsyncSession,
    settings: Settings,
    policy: PolicyStore,
    authorization: str | None,
    request_id: str,
) -> Actor:
    """The Actor an ``Authorization: Bearer …`` header names, or UNAUTHENTICATED.

    One statement, unless the policy changed elsewhere since this process last loaded it.
    """
    if not authorization:
        raise Unauthenticated("请提供登录凭证（Authorization: Bearer）", code="UNAUTHENTICATED")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("登录凭证格式应为 Bearer 令牌", code="UNAUTHENTICATED")
    return await actor_for_subject(
        session, policy, verify_token(settings, token.strip()), request_id
    )


async def actor_for_subject(
    session: AsyncSession, policy: PolicyStore, subject: str, request_id: str
) -> Actor:
    """The Actor of a verified token's subject (``officecode/username``), or UNAUTHENTICATED.

    For a caller that has verified the token already (the GraphQL endpoint does, before the
    budget): a token is verified once per request, not once per step.
    """
    name = parse_sign_in_name(subject)
    if name is None:
        raise Unauthenticated("登录凭证应以 办公室代码/用户名 指明账号", code="UNAUTHENTICATED")
    account, version = await account_for_sign_in(session, *name)
    if account is None:
        raise Unauthenticated("账号不存在或已停用", code="UNAUTHENTICATED")
    bind(user=account.username, office=account.office_id)
    snapshot = await policy.current(session, version)
    return Actor(
        username=account.username,
        policy=snapshot.compiled,
        scope_cache=snapshot.scopes_of(user_subject(account.id)),
        network=snapshot.network,
        user_id=account.id,
        person_id=account.person_id,
        home_office_id=account.office_id,
        request_id=request_id,
    )


# --- Password sign-in for browsers (http/auth.py adapts these to HTTP and the cookie) ---


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in or refresh: an access token and the refresh token to set."""

    name: str  # officecode/username
    access_token: str
    expires_in: int
    refresh: Issued


async def _signed_in(
    session: AsyncSession, settings: Settings, account: UserAccount, issued: Issued
) -> SignedIn:
    office_code = await repository.office_code_of(session, account.office_id)
    name = sign_in_name(office_code, account.username)
    ttl = timedelta(seconds=settings.access_token_ttl_seconds)
    return SignedIn(
        name, issue_token(settings, name, ttl), settings.access_token_ttl_seconds, issued
    )


async def start_sign_in(
    session: AsyncSession, settings: Settings, account: UserAccount, detail: dict[str, str]
) -> Issued:
    """Every check passed: a new refresh-token family, counted and audited as a sign-in."""
    issued = await start_family(session, account, timedelta(hours=settings.refresh_token_ttl_hours))
    SIGN_IN_ATTEMPTS.labels(detail["method"], "success").inc()
    await audit(
        session,
        account,
        "sign_in.success",
        request_id=detail.get("request_id"),
        detail={k: v for k, v in detail.items() if k != "request_id"} | {"family": issued.family},
    )
    return issued


async def sign_in_with_password(
    database: Database, settings: Settings, policy: PolicyStore, credentials: Credentials
) -> SignedIn | Refused:
    """Sign in with ``officecode`` + ``username`` + password (and a TOTP or recovery code when
    the account has a second factor or an office requires one): an access token and a new
    refresh-token family, or a refusal alike for unknown accounts, wrong passwords and locks."""
    async with database.transaction(write=True) as session:
        found = await authenticate(database, settings, policy, credentials, session)
        if isinstance(found, Refused):
            return found
        credential = await session.get(PasswordCredential, found.id)
        assert credential is not None
        if credential.must_change:
            return await refuse_account(
                session, CHANGE_REQUIRED, "change_required", credentials, found
            )
        issued = await start_sign_in(
            session,
            settings,
            found,
            {
                "address": credentials.address,
                "method": METHOD,
                "request_id": credentials.request_id,
            },
        )
        return await _signed_in(session, settings, found, issued)


async def change_password(
    database: Database,
    settings: Settings,
    policy: PolicyStore,
    credentials: Credentials,
    *,
    new_password: str,
) -> SignedIn | Refused:
    """Change one's own password (also the way out of an admin's reset): the current password
    and factor are checked as sign-in checks them, every other sign-in is ended, and a new one
    begins."""
    async with database.transaction(write=True) as session:
        found = await authenticate(database, settings, policy, credentials, session)
        if isinstance(found, Refused):
            return found
        check_new_password(
            new_password,
            min_length=settings.password_min_length,
            names=(credentials.username, credentials.office_code),
        )
        if new_password == credentials.password:
            raise ValidationFailed(
                "新密码不能与当前密码相同", code="PASSWORD_UNCHANGED", field="newPassword"
            )
        credential = await session.get(PasswordCredential, found.id)
        assert credential is not None
        credential.password_hash = await asyncio.to_thread(hash_password, new_password)
        credential.must_change = False
        credential.changed_at = clock.now()
        revoked = await revoke_all(session, found.id, "password_change")
        issued = await start_family(
            session, found, timedelta(hours=settings.refresh_token_ttl_hours)
        )
        await audit(
            session,
            found,
            "password.change",
            request_id=credentials.request_id,
            detail={"address": credentials.address, "revoked": revoked, "family": issued.family},
        )
        return await _signed_in(session, settings, found, issued)


async def refresh_session(
    database: Database, settings: Settings, *, token: str | None, request_id: str
) -> SignedIn | Refused:
    """Rotate a refresh token: the next token of its family and a fresh access token."""
    async with database.transaction(write=True) as session:
        presented = await present(session, token, request_id=request_id)
        if presented is None:
            return REFRESH_INVALID
        issued = await rotate(session, presented)
        return await _signed_in(session, settings, presented.account, issued)


async def sign_out(
    database: Database, *, token: str | None, everywhere: bool, request_id: str
) -> Refused | None:
    """End the sign-in a refresh token belongs to (or, ``everywhere``, every sign-in of its
    account); a token that is not current ends nothing more than ``present`` already did."""
    async with database.transaction(write=True) as session:
        presented = await present(session, token, request_id=request_id)
        if presented is None:
            return REFRESH_INVALID
        account, family = presented.account, presented.row.family
        if everywhere:
            revoked = await revoke_all(session, account.id, "sign_out_everywhere")
            action = "refresh_token.revoke_all"
        else:
            revoked = await revoke_family(session, family, "sign_out")
            action = "refresh_token.revoke"
        await audit(
            session,
            account,
            action,
            request_id=request_id,
            detail={"family": family, "revoked": revoked},
        )
        return None
