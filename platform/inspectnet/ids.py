"""Opaque global IDs (Relay), the same in the API, the audit log and the CLI.

A public ID must not tell one office how many rows all offices hold, so it is not the row id
but a keyed permutation of it: a Feistel network over 64 bits, keyed with the keyring's ID key
and tweaked by the type name (the same row number gives unrelated IDs in two types). The ID is
``base64url(TypeName || key version (2 bytes) || block (8 bytes))``: the type name stays
readable (``__typename`` shows it anyway), the key version lets IDs issued before a rotation
still be read, and a forged block almost never decodes into the table's id range (2^31 of
2^64 values), so guessing IDs finds nothing.

Every decision about IDs is here: a malformed ID is INVALID_ID; a well-formed one whose key
version is not held, or whose row id lies outside PostgreSQL's ``integer`` range, is NOT_FOUND,
exactly as a row that does not exist (never a database error).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from functools import lru_cache
from typing import Any

from inspectnet import keyring
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.keyring import Key, KeyringError, Purpose

# Row ids are PostgreSQL ``integer`` (int4) primary keys, starting at 1.
MIN_PK = 1
MAX_PK = 2**31 - 1

_BLOCK_BYTES = 8
_VERSION_BYTES = 2
_TAIL = _VERSION_BYTES + _BLOCK_BYTES
_HALF_MASK = 0xFFFF_FFFF
# Six rounds: four make a strong pseudorandom permutation from a pseudorandom round function
# (Luby-Rackoff); two more cost ~2 µs and leave no margin question for 32-bit halves.
_ROUNDS = 6
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


def is_valid_pk(value: int) -> bool:
    """Whether ``value`` can be a row id (1 … 2^31-1): anything else names no row."""
    return MIN_PK <= value <= MAX_PK


@lru_cache(maxsize=256)
def _round_keys(key: Key, type_name: str) -> tuple[bytes, ...]:
    return tuple(key.subkey(f"ids|{type_name}|round{i}") for i in range(_ROUNDS))


def _round(round_key: bytes, half: int) -> int:
    # Keyed BLAKE2b is a pseudorandom function, and three times faster here than HMAC-SHA256.
    digest = hashlib.blake2b(half.to_bytes(4, "big"), key=round_key, digest_size=4).digest()
    return int.from_bytes(digest, "big")


def _encrypt(key: Key, type_name: str, value: int) -> int:
    left, right = value >> 32, value & _HALF_MASK
    for round_key in _round_keys(key, type_name):
        left, right = right, left ^ _round(round_key, right)
    return (left << 32) | right


def _decrypt(key: Key, type_name: str, value: int) -> int:
    left, right = value >> 32, value & _HALF_MASK
    for round_key in reversed(_round_keys(key, type_name)):
        left, right = right ^ _round(round_key, left), left
    return (left << 32) | right


# Pages show the same rows again and again; ~4 MB for the most recent 16k IDs per process.
@lru_cache(maxsize=16_384)
def _encode(key: Key, type_name: str, pk: int) -> str:
    block = _encrypt(key, type_name, pk).to_bytes(_BLOCK_BYTES, "big")
    raw = type_name.encode("ascii") + key.version.to_bytes(_VERSION_BYTES, "big") + block
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def global_id(type_name: str, pk: int) -> str:
    """The public ID of row ``pk`` of a GraphQL type, under the current ID key."""
    if not _TYPE_NAME.fullmatch(type_name):
        raise ValueError(f"not a type name: {type_name!r}")
    if not 0 <= pk < 2 ** (8 * _BLOCK_BYTES):
        raise ValueError(f"row id out of the permutation's domain: {pk}")
    return _encode(keyring.active().current(Purpose.IDS), type_name, pk)


def global_id_of(obj: Any) -> str:
    """The global ID of a model instance: its class name is its GraphQL type name."""
    return global_id(type(obj).__name__, int(obj.id))


def _invalid(field: str) -> ValidationFailed:
    return ValidationFailed("无效的对象标识", code="INVALID_ID", field=field)


def _split(value: str, field: str) -> tuple[str, int, int]:
    """``(type_name, key version, block)``; INVALID_ID unless the ID is well-formed."""
    if not isinstance(value, str) or not value.isascii() or not _B64URL.fullmatch(value):
        raise _invalid(field)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise _invalid(field) from None
    head, tail = raw[:-_TAIL], raw[-_TAIL:]
    try:
        type_name = head.decode("ascii")
    except UnicodeDecodeError:
        raise _invalid(field) from None
    if len(raw) <= _TAIL or not _TYPE_NAME.fullmatch(type_name):
        raise _invalid(field)
    version = int.from_bytes(tail[:_VERSION_BYTES], "big")
    return type_name, version, int.from_bytes(tail[_VERSION_BYTES:], "big")


def _row_id(type_name: str, version: int, block: int) -> int:
    try:
        key = keyring.active().version(Purpose.IDS, version)
    except KeyringError:
        raise NotFound() from None  # a retired or invented key version names nothing we hold
    pk = _decrypt(key, type_name, block)
    if not is_valid_pk(pk):
        raise NotFound()
    return pk


def parse_global_id(value: str, *, field: str = "id") -> tuple[str, int]:
    """``(type_name, pk)`` from a global ID.

    INVALID_ID on ``field`` when malformed; NOT_FOUND, as for a row that does not exist, when it
    decodes to no possible row.
    """
    type_name, version, block = _split(value, field)
    return type_name, _row_id(type_name, version, block)


def expect_global_id(value: str, type_name: str, *, field: str = "id") -> int:
    """The pk of a global ID that must name a ``type_name``."""
    found, version, block = _split(value, field)
    if found != type_name:
        raise ValidationFailed(f"对象标识应指向 {type_name}", code="INVALID_ID", field=field)
    return _row_id(found, version, block)


# Page cursors carry a row id too (keyset paging resumes after it), so they are made the same
# way under a tweak of their own: a cursor tells no more than an ID does.
_CURSOR = "Cursor"


def cursor_of(pk: int) -> str:
    """The opaque page cursor for the row ``pk``."""
    return global_id(_CURSOR, pk)


def key_of_cursor(cursor: str) -> int | None:
    """The row id a cursor names; None for anything that is not a cursor this platform made
    (malformed, an ID, a key version not held, or a row id no row can have)."""
    try:
        found, version, block = _split(cursor, "cursor")
        return _row_id(found, version, block) if found == _CURSOR else None
    except (ValidationFailed, NotFound):
        return None
