"""Passwords: argon2id hashes (RFC 9106) and the rules a new password must meet."""

from __future__ import annotations

import secrets
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from inspectnet.errors import ValidationFailed

MAX_LENGTH = 128  # argon2 takes any length; a cap keeps one request from costing more than another
# RFC 9106's second recommended option (64 MiB, 3 passes); argon2-cffi's own default profile.
PRODUCTION_HASHER = PasswordHasher(
    time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16
)
_HASHER = PRODUCTION_HASHER  # tests swap in a cheap one (tests/accounts/conftest.py)


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows: verified against when there is no account, so an unknown
    user costs the same argon2 work as a wrong password."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, salt and parameters included) of ``password``."""
    return _HASHER.hash(_normalised(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash, the same work against a dummy and False."""
    target = password_hash if password_hash is not None else _dummy_hash()
    try:
        matched = _HASHER.verify(target, _normalised(password[: MAX_LENGTH * 4]))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (rehash on sign-in)."""
    return _HASHER.check_needs_rehash(password_hash)


def _normalised(password: str) -> str:
    # The same password typed on two keyboards may arrive composed or decomposed.
    return unicodedata.normalize("NFC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to accept (``data/common-passwords.txt``)."""
    text = (resources.files("inspectnet.accounts") / "data" / "common-passwords.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def check_new_password(
    password: str, *, min_length: int, names: tuple[str, ...] = (), field: str = "newPassword"
) -> None:
    """Refuse a password that is too short or long, on the common list, or contains a name."""
    normalised = _normalised(password)
    if len(normalised) < min_length:
        raise ValidationFailed(
            f"密码至少{min_length}个字符", code="PASSWORD_TOO_SHORT", field=field
        )
    if len(normalised) > MAX_LENGTH:
        raise ValidationFailed(f"密码至多{MAX_LENGTH}个字符", code="PASSWORD_TOO_LONG", field=field)
    folded = normalised.casefold()
    if folded in common_passwords() or len(set(folded)) <= 2:
        raise ValidationFailed(
            "该密码过于常见或已在泄露密码清单中，请换一个",
            code="PASSWORD_TOO_COMMON",
            field="newPassword",
        )
    for name in names:
        if len(name) >= 3 and name.casefold() in folded:
            raise ValidationFailed(
                "密码不得包含用户名或办公室代码", code="PASSWORD_CONTAINS_NAME", field=field
            )


def temporary_password() -> str:
    """A random password for an admin's reset (about 120 bits), to be changed at next sign-in."""
    return secrets.token_urlsafe(15)
