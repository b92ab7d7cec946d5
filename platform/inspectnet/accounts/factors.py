"""Adding and removing one's TOTP second factor (``/auth/totp/*``): the password re-checked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete

from inspectnet import clock
from inspectnet.accounts import requirements, totp
from inspectnet.accounts.authenticate import (
    Credentials,
    authenticate,
    factor_event,
    refuse_account,
    succeeded,
)
from inspectnet.accounts.models import RecoveryCode, TotpFactor
from inspectnet.accounts.names import sign_in_name
from inspectnet.accounts.refusals import FACTOR_KEPT, Refused
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.settings import Settings


@dataclass(frozen=True)
class Enrolment:
    """A TOTP secret to put in an authenticator app, shown once (confirm with a code)."""

    secret: str
    uri: str


async def enrol_totp(
    database: Database, settings: Settings, policy: PolicyStore, credentials: Credentials
) -> Enrolment | Refused:
    """Start adding a TOTP factor (the password re-checked): a new, unconfirmed secret."""
    async with database.transaction(write=True) as session:
        found = await authenticate(
            database, settings, policy, credentials, session, second_factor=False
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
        await factor_event(session, found, "factor.totp.enrol", credentials)
        name = sign_in_name(credentials.office_code, credentials.username)
        return Enrolment(secret, totp.provisioning_uri(secret, name))


async def confirm_totp(
    database: Database,
    settings: Settings,
    policy: PolicyStore,
    credentials: Credentials,
    *,
    code: str,
) -> totp.RecoveryCodes | Refused:
    """Turn the enrolled factor on with a first code; the recovery codes, shown once."""
    async with database.transaction(write=True) as session:
        found = await authenticate(
            database, settings, policy, credentials, session, second_factor=False
        )
        if isinstance(found, Refused):
            return found
        factor = await session.get(TotpFactor, found.id)
        if factor is None or factor.confirmed_at is not None:
            raise Conflict("没有待确认的动态口令", code="TOTP_NOT_ENROLLED", field="code")
        if await totp.accept_code(session, factor, code) is not None:
            raise ValidationFailed("动态口令不正确", code="TOTP_CODE_INVALID", field="code")
        factor.confirmed_at = clock.now()
        await succeeded(session, found)
        codes = await totp.replace_recovery_codes(session, found.id)
        await factor_event(session, found, "factor.totp.enable", credentials)
        return codes


async def disable_totp(
    database: Database, settings: Settings, policy: PolicyStore, credentials: Credentials
) -> Refused | None:
    """Remove the TOTP factor and its recovery codes (password and a code re-checked), unless
    an office requires a factor of a role the account holds."""
    async with database.transaction(write=True) as session:
        found = await authenticate(database, settings, policy, credentials, session)
        if isinstance(found, Refused):
            return found
        factor = await session.get(TotpFactor, found.id)
        if factor is None:
            raise Conflict("未启用动态口令", code="TOTP_NOT_ENABLED", field="username")
        roles = await requirements.roles_requiring_factor(session, policy, found)
        if roles:
            # Answered, not raised: the code just accepted stays spent (committed).
            return await refuse_account(
                session, FACTOR_KEPT, "second_factor_required_by_office", credentials, found
            )
        await session.delete(factor)
        await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == found.id))
        await factor_event(session, found, "factor.totp.disable", credentials)
        return None
