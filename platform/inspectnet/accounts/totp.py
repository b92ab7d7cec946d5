"""TOTP second factor (RFC 6238, pyotp) and one-time recovery codes.

The secret is encrypted with AES-256-GCM under a subkey of the keyring's ``factors`` key (bound
to the account by the associated data, so a ciphertext copied to another account does not
decrypt); recovery codes are stored as HMACs under another subkey, so a copy of the table
yields nothing to try offline. A code is accepted for the current 30-second step and one on
either side (clock drift), and only for a step later than the last one accepted: the same code,
or an older one, is refused within its window.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, keyring
from inspectnet.accounts.models import RecoveryCode, TotpFactor
from inspectnet.keyring import Purpose

ISSUER = "inspectnet"
DRIFT_STEPS = 1
RECOVERY_CODES = 10


def _aead(version: int | None = None) -> tuple[AESGCM, int]:
    ring = keyring.active()
    key = (
        ring.current(Purpose.FACTORS) if version is None else ring.version(Purpose.FACTORS, version)
    )
    return AESGCM(key.subkey("totp-secret")), key.version


def seal_secret(user_id: int, secret: str) -> tuple[str, int]:
    """``(nonce.ciphertext, key version)`` of a base32 TOTP secret."""
    aead, version = _aead()
    nonce = secrets.token_bytes(12)
    sealed = aead.encrypt(nonce, secret.encode(), f"totp|{user_id}".encode())
    encoded = base64.urlsafe_b64encode(nonce + sealed).decode()
    return encoded, version


def open_secret(factor: TotpFactor) -> str:
    """The base32 secret of a factor; ValueError if it does not decrypt for this account."""
    aead, _ = _aead(factor.key_version)
    raw = base64.urlsafe_b64decode(factor.secret_ciphertext)
    try:
        return aead.decrypt(raw[:12], raw[12:], f"totp|{factor.user_id}".encode()).decode()
    except InvalidTag:
        raise ValueError("TOTP secret does not decrypt for this account") from None


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, name: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step within the drift window whose code ``code`` is, or None."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def accept_code(session: AsyncSession, factor: TotpFactor, code: str) -> str | None:
    """Accept a TOTP code: None, or why not (``wrong`` or ``replayed``).

    The step is recorded with a conditional update, so of two requests with the same code
    exactly one is accepted.
    """
    step = matching_step(open_secret(factor), code, clock.now())
    if step is None:
        return "wrong"
    taken = await session.execute(
        update(TotpFactor)
        .where(
            TotpFactor.user_id == factor.user_id,
            or_(TotpFactor.last_step.is_(None), TotpFactor.last_step < step),
        )
        .values(last_step=step)
    )
    return None if taken.rowcount == 1 else "replayed"  # type: ignore[attr-defined]


def _normalised_code(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "")


def _digests(code: str) -> list[str]:
    """The code's digest under every held version of the key (a rotation keeps old codes)."""
    normal = _normalised_code(code).encode()
    return [
        key.mac(b"recovery|" + normal).hex() for key in keyring.active().versions(Purpose.FACTORS)
    ]


def _digest(code: str) -> str:
    key = keyring.active().current(Purpose.FACTORS)
    return key.mac(b"recovery|" + _normalised_code(code).encode()).hex()


@dataclass(frozen=True)
class RecoveryCodes:
    """Codes shown once to the person; only their digests are kept."""

    codes: tuple[str, ...]


async def replace_recovery_codes(session: AsyncSession, user_id: int) -> RecoveryCodes:
    """New recovery codes for an account (the old ones stop working)."""
    await session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 40 bits each, ten of them, each good once
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        session.add(RecoveryCode(user_id=user_id, digest=_digest(code)))
    await session.flush()
    return RecoveryCodes(tuple(codes))


async def use_recovery_code(session: AsyncSession, user_id: int, code: str) -> bool:
    """Spend one unused recovery code of the account; False if it is not one."""
    if len(code) > 64:
        return False
    found = await session.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.digest.in_(_digests(code)),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    spent = await session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return bool(spent.rowcount == 1)  # type: ignore[attr-defined]
