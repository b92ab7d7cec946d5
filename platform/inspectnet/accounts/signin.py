"""From a bearer token to the request's Actor; password sign-in, refresh and sign-out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from prometheus_client import Counter
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts import repository, totp
from inspectnet.accounts.models import PasswordCredential, RecoveryCode, TotpFactor, UserAccount
from inspectnet.accounts.names import parse_sign_in_name, sign_in_name
from inspectnet.accounts.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from inspectnet.accounts.refresh import (
    Issued,
    audit,
    present,
    revoke_all,
    revoke_family,
    rotate,
    start_family,
)
from inspectnet.accounts.repository import account_for_sign_in
from inspectnet.accounts.tokens import issue_token, verify_token
from inspectnet.audit.models import Outcome
from inspectnet.authz.actor import Actor, user_subject
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import Conflict, Unauthenticated, ValidationFailed
from inspectnet.observability.logs import bind
from inspectnet.observability.metrics import REGISTRY
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
    name = parse_sign_in_name(verify_token(settings, token.strip()))
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

# Unknown or inactive accounts are not audited (anyone could fill an office's log naming made-up
# users); they are counted here, with every other outcome, so an operator still sees a spray.
SIGN_IN_ATTEMPTS = Counter(
    "inspectnet_sign_in_attempts_total",
    "Password sign-in attempts by outcome (success, wrong_password, wrong_second_factor, "
    "locked, unknown_account, change_required).",
    ["outcome"],
    registry=REGISTRY,
)


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in or refresh: an access token and the refresh token to set."""

    name: str  # officecode/username
    access_token: str
    expires_in: int
    refresh: Issued


@dataclass(frozen=True)
class Refused:
    """A refusal whose writes (counter, lockout, audit) are to be committed, not rolled back.

    ``code`` is INVALID_CREDENTIALS alike for an unknown account, a wrong password and a locked
    account; PASSWORD_CHANGE_REQUIRED only after the right password.
    """

    code: str


INVALID_CREDENTIALS = Refused("INVALID_CREDENTIALS")
CHANGE_REQUIRED = Refused("PASSWORD_CHANGE_REQUIRED")


async def _access(
    session: AsyncSession, settings: Settings, account: UserAccount
) -> tuple[str, str]:
    office_code = await repository.office_code_of(session, account.office_id)
    name = sign_in_name(office_code, account.username)
    ttl = timedelta(seconds=settings.access_token_ttl_seconds)
    return name, issue_token(settings, name, ttl)


async def _signed_in(
    session: AsyncSession, settings: Settings, account: UserAccount, issued: Issued
) -> SignedIn:
    name, access = await _access(session, settings, account)
    return SignedIn(name, access, settings.access_token_ttl_seconds, issued)


async def _count_failure(
    session: AsyncSession,
    settings: Settings,
    account: UserAccount,
    reason: str,
    where: dict[str, str],
    request_id: str,
) -> None:
    """Count a wrong password or second factor towards the lockout, audited; lock at the
    threshold. Counted in SQL, so concurrent failures each count and exactly one locks."""
    failures = await session.scalar(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == account.id)
        .values(failed_count=PasswordCredential.failed_count + 1)
        .returning(PasswordCredential.failed_count)
    )
    await audit(
        session,
        account,
        "sign_in.failure",
        outcome=Outcome.DENIED,
        request_id=request_id,
        detail=where | {"reason": reason, "failures": failures},
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
            request_id=request_id,
            detail=where | {"until": until.isoformat()},
        )


async def _succeeded(session: AsyncSession, account: UserAccount) -> None:
    """Every factor checked: the count of failures starts again."""
    await session.execute(
        update(PasswordCredential)
        .where(PasswordCredential.user_id == account.id)
        .values(failed_count=0, locked_until=None)
    )


async def _authenticate(
    database: Database,
    settings: Settings,
    *,
    office_code: str,
    username: str,
    password: str,
    address: str,
    request_id: str,
    session: AsyncSession,
) -> UserAccount | Refused:
    """Check a password; a wrong one counts towards the lockout. Writes in ``session``.

    argon2 runs exactly once whatever the account's state (against a dummy hash when there is
    no account or no password), off the event loop and outside any write transaction.
    """
    async with database.session() as reading:
        found = await repository.password_sign_in(reading, office_code, username)
    credential = found[1] if found is not None else None
    matched = await asyncio.to_thread(
        verify_password, credential.password_hash if credential else None, password
    )
    if found is None or credential is None:
        SIGN_IN_ATTEMPTS.labels("unknown_account").inc()
        return INVALID_CREDENTIALS
    account = found[0]
    now = clock.now()
    where = {"address": address, "method": "password"}
    current = await session.get(PasswordCredential, account.id, populate_existing=True)
    assert current is not None  # cascades with the account, read a moment ago
    if current.locked_until is not None and current.locked_until > now:
        SIGN_IN_ATTEMPTS.labels("locked").inc()
        await audit(
            session,
            account,
            "sign_in.refused",
            outcome=Outcome.DENIED,
            request_id=request_id,
            detail=where | {"reason": "locked", "until": current.locked_until.isoformat()},
        )
        return INVALID_CREDENTIALS
    if not matched:
        SIGN_IN_ATTEMPTS.labels("wrong_password").inc()
        await _count_failure(session, settings, account, "wrong_password", where, request_id)
        return INVALID_CREDENTIALS
    if needs_rehash(current.password_hash):
        current.password_hash = await asyncio.to_thread(hash_password, password)
        await session.flush()
    return account


async def sign_in_with_password(
    database: Database,
    settings: Settings,
    *,
    office_code: str,
    username: str,
    password: str,
    address: str,
    request_id: str,
    totp_code: str | None = None,
    recovery_code: str | None = None,
) -> SignedIn | Refused:
    """Sign in with ``officecode`` + ``username`` + password (and a TOTP or recovery code when
    the account has a second factor): an access token and a new refresh-token family, or a
    refusal alike for unknown accounts, wrong passwords and locks."""
    async with database.transaction(write=True) as session:
        found = await _authenticate(
            database,
            settings,
            office_code=office_code,
            username=username,
            password=password,
            address=address,
            request_id=request_id,
            session=session,
        )
        if isinstance(found, Refused):
            return found
        credential = await session.get(PasswordCredential, found.id)
        assert credential is not None
        if credential.must_change:
            SIGN_IN_ATTEMPTS.labels("change_required").inc()
            await audit(
                session,
                found,
                "sign_in.refused",
                outcome=Outcome.DENIED,
                request_id=request_id,
                detail={"address": address, "method": "password", "reason": "change_required"},
            )
            return CHANGE_REQUIRED
        where = {"address": address, "method": "password"}
        second = await _second_factor(
            session, settings, found, totp_code, recovery_code, where, request_id
        )
        if second is not None:
            return second
        await _succeeded(session, found)
        issued = await start_family(
            session, found, timedelta(hours=settings.refresh_token_ttl_hours)
        )
        SIGN_IN_ATTEMPTS.labels("success").inc()
        await audit(
            session,
            found,
            "sign_in.success",
            request_id=request_id,
            detail={"address": address, "method": "password", "family": issued.family},
        )
        return await _signed_in(session, settings, found, issued)


async def change_password(
    database: Database,
    settings: Settings,
    *,
    office_code: str,
    username: str,
    password: str,
    new_password: str,
    address: str,
    request_id: str,
    totp_code: str | None = None,
    recovery_code: str | None = None,
) -> SignedIn | Refused:
    """Change one's own password (also the way out of an admin's reset): the current password
    is checked as sign-in checks it, every other sign-in is ended, and a new one begins."""
    async with database.transaction(write=True) as session:
        found = await _authenticate(
            database,
            settings,
            office_code=office_code,
            username=username,
            password=password,
            address=address,
            request_id=request_id,
            session=session,
        )
        if isinstance(found, Refused):
            return found
        # A change signs in, so it asks for everything sign-in asks for.
        second = await _second_factor(
            session,
            settings,
            found,
            totp_code,
            recovery_code,
            {"address": address, "method": "password"},
            request_id,
        )
        if second is not None:
            return second
        await _succeeded(session, found)
        check_new_password(
            new_password, min_length=settings.password_min_length, names=(username, office_code)
        )
        if new_password == password:
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
            request_id=request_id,
            detail={"address": address, "revoked": revoked, "family": issued.family},
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


REFRESH_INVALID = Refused("REFRESH_TOKEN_INVALID")


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


SECOND_FACTOR_REQUIRED = Refused("SECOND_FACTOR_REQUIRED")
ENROLMENT_REQUIRED = Refused("SECOND_FACTOR_ENROLMENT_REQUIRED")


async def _second_factor(
    session: AsyncSession,
    settings: Settings,
    account: UserAccount,
    totp_code: str | None,
    recovery_code: str | None,
    where: dict[str, str],
    request_id: str,
) -> Refused | None:
    """None when the account has no confirmed factor or the code is good; a wrong or replayed
    code counts towards the lockout like a wrong password."""
    factor = await session.get(TotpFactor, account.id)
    if factor is None or factor.confirmed_at is None:
        if await repository.second_factor_required(session, account.id):
            # An office requires it for a role the account holds: enrol first (/auth/totp/*).
            await audit(
                session,
                account,
                "sign_in.refused",
                outcome=Outcome.DENIED,
                request_id=request_id,
                detail=where | {"reason": "second_factor_enrolment_required"},
            )
            return ENROLMENT_REQUIRED
        return None
    if not totp_code and not recovery_code:
        await audit(
            session,
            account,
            "sign_in.refused",
            outcome=Outcome.DENIED,
            request_id=request_id,
            detail=where | {"reason": "second_factor_required"},
        )
        return SECOND_FACTOR_REQUIRED
    if recovery_code:
        if await totp.use_recovery_code(session, account.id, recovery_code):
            await audit(
                session, account, "factor.recovery_code.use", request_id=request_id, detail=where
            )
            return None
        reason = "wrong_recovery_code"
    else:
        assert totp_code is not None
        refused = await totp.accept_code(session, factor, totp_code)
        if refused is None:
            return None
        reason = f"{refused}_totp_code"
    SIGN_IN_ATTEMPTS.labels("wrong_second_factor").inc()
    await _count_failure(session, settings, account, reason, where, request_id)
    return INVALID_CREDENTIALS


@dataclass(frozen=True)
class Enrolment:
    """A TOTP secret to put in an authenticator app, shown once (confirm with a code)."""

    secret: str
    uri: str


async def enrol_totp(
    database: Database,
    settings: Settings,
    *,
    office_code: str,
    username: str,
    password: str,
    address: str,
    request_id: str,
) -> Enrolment | Refused:
    """Start adding a TOTP factor (the password re-checked): a new, unconfirmed secret."""
    async with database.transaction(write=True) as session:
        found = await _authenticate(
            database,
            settings,
            office_code=office_code,
            username=username,
            password=password,
            address=address,
            request_id=request_id,
            session=session,
        )
        if isinstance(found, Refused):
            return found
        factor = await session.get(TotpFactor, found.id)
        if factor is not None and factor.confirmed_at is not None:
            raise Conflict(
                "已启用动态口令，如需更换请先停用", code="TOTP_ALREADY_ENABLED", field="username"
            )
        secret = totp.new_secret()
        sealed, version = totp.seal_secret(found.id, secret)
        if factor is None:
            factor = TotpFactor(user_id=found.id, secret_ciphertext=sealed, key_version=version)
            session.add(factor)
        factor.secret_ciphertext, factor.key_version, factor.last_step = sealed, version, None
        await session.flush()
        await audit(
            session, found, "factor.totp.enrol", request_id=request_id, detail={"address": address}
        )
        return Enrolment(secret, totp.provisioning_uri(secret, sign_in_name(office_code, username)))


async def confirm_totp(
    database: Database,
    settings: Settings,
    *,
    office_code: str,
    username: str,
    password: str,
    code: str,
    address: str,
    request_id: str,
) -> totp.RecoveryCodes | Refused:
    """Turn the enrolled factor on with a first code; the recovery codes, shown once."""
    async with database.transaction(write=True) as session:
        found = await _authenticate(
            database,
            settings,
            office_code=office_code,
            username=username,
            password=password,
            address=address,
            request_id=request_id,
            session=session,
        )
        if isinstance(found, Refused):
            return found
        factor = await session.get(TotpFactor, found.id)
        if factor is None or factor.confirmed_at is not None:
            raise Conflict("没有待确认的动态口令", code="TOTP_NOT_ENROLLED", field="code")
        if await totp.accept_code(session, factor, code) is not None:
            raise ValidationFailed("动态口令不正确", code="TOTP_CODE_INVALID", field="code")
        factor.confirmed_at = clock.now()
        await _succeeded(session, found)
        codes = await totp.replace_recovery_codes(session, found.id)
        await audit(
            session, found, "factor.totp.enable", request_id=request_id, detail={"address": address}
        )
        return codes


async def disable_totp(
    database: Database,
    settings: Settings,
    *,
    office_code: str,
    username: str,
    password: str,
    totp_code: str | None,
    recovery_code: str | None,
    address: str,
    request_id: str,
) -> Refused | None:
    """Remove the TOTP factor and its recovery codes (password and a code re-checked)."""
    async with database.transaction(write=True) as session:
        found = await _authenticate(
            database,
            settings,
            office_code=office_code,
            username=username,
            password=password,
            address=address,
            request_id=request_id,
            session=session,
        )
        if isinstance(found, Refused):
            return found
        where = {"address": address, "method": "password"}
        second = await _second_factor(
            session, settings, found, totp_code, recovery_code, where, request_id
        )
        if second is not None:
            return second
        await _succeeded(session, found)
        factor = await session.get(TotpFactor, found.id)
        if factor is None:
            raise Conflict("未启用动态口令", code="TOTP_NOT_ENABLED", field="username")
        await session.delete(factor)
        await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == found.id))
        await audit(
            session,
            found,
            "factor.totp.disable",
            request_id=request_id,
            detail={"address": address},
        )
        return None
