"""Who is signing in: the password (with the lockout) and the second factor, checked once for
every route that takes a password (sign-in, password change, TOTP enrolment and removal)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts import repository, requirements, totp
from inspectnet.accounts.models import PasswordCredential, TotpFactor, UserAccount
from inspectnet.accounts.passwords import hash_password, needs_rehash, verify_password
from inspectnet.accounts.refresh import audit
from inspectnet.accounts.refusals import (
    ENROLMENT_REQUIRED,
    INVALID_CREDENTIALS,
    SECOND_FACTOR_REQUIRED,
    SIGN_IN_ATTEMPTS,
    Refused,
    refuse,
)
from inspectnet.audit.models import Outcome
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.settings import Settings

METHOD = "password"


@dataclass(frozen=True)
class Credentials:
    """What a person types to sign in, and where the request came from."""

    office_code: str
    username: str
    password: str
    address: str
    request_id: str
    totp_code: str | None = None
    recovery_code: str | None = None


async def authenticate(
    database: Database,
    settings: Settings,
    policy: PolicyStore,
    credentials: Credentials,
    session: AsyncSession,
    *,
    second_factor: bool = True,
) -> UserAccount | Refused:
    """The account, or a refusal alike for unknown accounts, wrong passwords and locks.

    argon2 runs exactly once whatever the account's state (against a dummy hash when there is
    no account or no password), off the event loop and outside any write transaction. With
    ``second_factor`` the account's factor is checked too (and required where an office
    requires it), and the count of failures starts again once everything passed.
    """
    async with database.session() as reading:
        found = await repository.password_sign_in(
            reading, credentials.office_code, credentials.username
        )
    credential = found[1] if found is not None else None
    matched = await asyncio.to_thread(
        verify_password, credential.password_hash if credential else None, credentials.password
    )
    if found is None or credential is None:
        # Not audited: anyone could fill an office's log naming made-up users. Counted.
        SIGN_IN_ATTEMPTS.labels(METHOD, "unknown_account").inc()
        return INVALID_CREDENTIALS
    account = found[0]
    current = await session.get(PasswordCredential, account.id, populate_existing=True)
    assert current is not None  # cascades with the account, read a moment ago
    if current.locked_until is not None and current.locked_until > clock.now():
        return await refuse_account(
            session,
            INVALID_CREDENTIALS,
            "locked",
            credentials,
            account,
            until=current.locked_until.isoformat(),
        )
    if not matched:
        return await _count_failure(session, settings, account, "wrong_password", credentials)
    if needs_rehash(current.password_hash):
        current.password_hash = await asyncio.to_thread(hash_password, credentials.password)
        await session.flush()
    if second_factor:
        refused = await _second_factor(session, settings, policy, account, credentials)
        if refused is not None:
            return refused
        await succeeded(session, account)
    return account


async def refuse_account(
    session: AsyncSession,
    answer: Refused,
    reason: str,
    credentials: Credentials,
    account: UserAccount,
    **detail: str | int,
) -> Refused:
    """Refuse a sign-in that names an account (locked, must change its password, a factor
    missing or required): audited in the account's office."""
    return await refuse(
        session,
        answer,
        method=METHOD,
        reason=reason,
        address=credentials.address,
        request_id=credentials.request_id,
        account=account,
        detail=detail,
    )


async def factor_event(
    session: AsyncSession, account: UserAccount, action: str, credentials: Credentials
) -> None:
    """Audit a change to or use of the account's second factor."""
    await audit(
        session,
        account,
        action,
        request_id=credentials.request_id,
        detail={"address": credentials.address, "method": METHOD},
    )


async def _count_failure(
    session: AsyncSession,
    settings: Settings,
    account: UserAccount,
    reason: str,
    credentials: Credentials,
) -> Refused:
    """Count a wrong password or second factor towards the lockout, audited; lock at the
    threshold. Counted in SQL, so concurrent failures each count and exactly one locks."""
    failures = await session.scalar(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == account.id)
        .values(failed_count=PasswordCredential.failed_count + 1)
        .returning(PasswordCredential.failed_count)
    )
    refused = await refuse(
        session,
        INVALID_CREDENTIALS,
        method=METHOD,
        reason=reason,
        address=credentials.address,
        request_id=credentials.request_id,
        account=account,
        action="sign_in.failure",
        detail={"failures": failures or 0},
    )
    if failures is not None and failures >= settings.signin_lockout_threshold:
        until = clock.now() + timedelta(minutes=settings.signin_lockout_minutes)
        await session.execute(
            update(PasswordCredential)
            .where(PasswordCredential.user_id == account.id)
            .values(failed_count=0, locked_until=until)
        )
        await audit(
            session,
            account,
            "sign_in.lockout",
            outcome=Outcome.DENIED,
            request_id=credentials.request_id,
            detail={"address": credentials.address, "method": METHOD, "until": until.isoformat()},
        )
    return refused


async def succeeded(session: AsyncSession, account: UserAccount) -> None:
    """Every factor checked: the count of failures starts again."""
    await session.execute(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == account.id)
        .values(failed_count=0, locked_until=None)
    )


async def _second_factor(
    session: AsyncSession,
    settings: Settings,
    policy: PolicyStore,
    account: UserAccount,
    credentials: Credentials,
) -> Refused | None:
    """None when the code is good, or the account has no factor and no office requires one;
    a wrong or replayed code counts towards the lockout like a wrong password."""
    factor = await session.get(TotpFactor, account.id)
    if factor is None or factor.confirmed_at is None:
        required = await requirements.roles_requiring_factor(session, policy, account)
        if required:
            # An office requires it of a role the account holds: enrol first (/auth/totp/*).
            return await refuse_account(
                session,
                ENROLMENT_REQUIRED,
                "second_factor_enrolment_required",
                credentials,
                account,
                roles=",".join(required),
            )
        return None
    if not credentials.totp_code and not credentials.recovery_code:
        return await refuse_account(
            session, SECOND_FACTOR_REQUIRED, "second_factor_required", credentials, account
        )
    if credentials.recovery_code:
        if await totp.use_recovery_code(session, account.id, credentials.recovery_code):
            await factor_event(session, account, "factor.recovery_code.use", credentials)
            return None
        reason = "wrong_recovery_code"
    else:
        assert credentials.totp_code is not None
        refused = await totp.accept_code(session, factor, credentials.totp_code)
        if refused is None:
            return None
        reason = f"{refused}_totp_code"  # wrong_totp_code, replayed_totp_code
    return await _count_failure(session, settings, account, reason, credentials)
