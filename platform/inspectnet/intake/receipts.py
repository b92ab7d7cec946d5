"""Receipt codes of online petitions: shown once, kept only as a keyed digest.

A code is ``<lookup>-<secret>``: a random 64-bit lookup id (base32, the row's indexed key,
never its primary key, so codes say nothing about how many petitions there are) and a 128-bit
secret. The row keeps HMAC-SHA256(subkey of the keyring's ``identity`` key, lookup | secret)
and the key version, so a rotation keeps old codes working. A check is one indexed lookup and
one ``hmac.compare_digest``; an unknown lookup id is compared against a dummy digest, so the
answer and its time say nothing about whether the id exists.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass

from inspectnet import keyring
from inspectnet.keyring import Key, Purpose

LOOKUP_BYTES = 8
SECRET_BYTES = 16  # 128 bits
RECEIPT_LABEL = "petition-receipt"
_DUMMY = "0" * 64


@dataclass(frozen=True)
class Receipt:
    """What the petitioner is shown once (``code``) and what the row keeps (the rest)."""

    code: str
    lookup: str
    digest: str
    key_version: int


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def _digest(key: Key, lookup: str, secret: str) -> str:
    return hmac.new(key.subkey(RECEIPT_LABEL), f"{lookup}|{secret}".encode(), "sha256").hexdigest()


def issue() -> Receipt:
    """A new receipt under the current identity key."""
    key = keyring.active().current(Purpose.IDENTITY)
    lookup = _b32(secrets.token_bytes(LOOKUP_BYTES))
    secret = _b32(secrets.token_bytes(SECRET_BYTES))
    return Receipt(f"{lookup}-{secret}", lookup, _digest(key, lookup, secret), key.version)


def split(code: str) -> tuple[str, str]:
    """``(lookup, secret)`` of a code as typed (case and spaces forgiven); ``("", "")`` when
    it has no such shape, which then matches nothing."""
    cleaned = "".join(code.split()).upper()
    lookup, sep, secret = cleaned.partition("-")
    if not sep or not lookup.isalnum() or not secret.isalnum() or len(lookup) > 16:
        return "", ""
    return lookup, secret


def matches(secret: str, lookup: str, digest: str | None, key_version: int | None) -> bool:
    """Whether ``secret`` is the one the row's digest was made from; a missing row (digest
    None) still costs one HMAC and one compare against a dummy."""
    ring = keyring.active()
    try:
        key = (
            ring.current(Purpose.IDENTITY)
            if key_version is None
            else ring.version(Purpose.IDENTITY, key_version)
        )
    except keyring.KeyringError:
        key, digest = ring.current(Purpose.IDENTITY), None  # a retired key opens nothing
    computed = _digest(key, lookup, secret)
    expected = _DUMMY if digest is None else digest
    return hmac.compare_digest(computed, expected) and digest is not None
