"""Envelope encryption of a petitioner's identity (need to know, DOMAIN.md Confidentiality).

Each row gets a fresh 256-bit data key; the identity is sealed under it with AES-256-GCM, and the
data key is wrapped with AES-256-GCM under a subkey of the keyring's ``identity`` key, whose
version the row keeps. ``inspectnet keys rotate --purpose identity`` adds a new current version
and keeps the old ones, so old rows still open; ``rewrap`` moves a row to the current version
without touching its sealed identity. Both layers bind the petition id as associated data, so a
sealed identity copied onto another petition does not open. A dump of the table alone holds no
petitioner: the key lives outside the database (a mounted Secret).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from inspectnet import keyring
from inspectnet.keyring import Key, Purpose

NONCE_BYTES = 12
WRAP_LABEL = "petitioner-data-key"


@dataclass(frozen=True)
class Identity:
    """A petitioner's name and contacts, in the clear: only ever in memory."""

    name: str
    contact: str | None

    def __repr__(self) -> str:  # never into a log line or a traceback
        return "Identity(<sealed>)"


@dataclass(frozen=True)
class Sealed:
    key_version: int
    wrapped_key: str
    sealed: str


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def _aad(petition_id: int) -> bytes:
    return f"petitioner|{petition_id}".encode()


def _wrapper(key: Key) -> AESGCM:
    return AESGCM(key.subkey(WRAP_LABEL))


def _encrypt(aead: AESGCM, plain: bytes, aad: bytes) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return _b64(nonce + aead.encrypt(nonce, plain, aad))


def _decrypt(aead: AESGCM, text: str, aad: bytes) -> bytes:
    raw = _unb64(text)
    try:
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        raise ValueError("a petitioner identity does not open for this petition") from None


def seal(petition_id: int, identity: Identity) -> Sealed:
    """The identity sealed under a new data key, wrapped by the current identity key."""
    key = keyring.active().current(Purpose.IDENTITY)
    data_key = AESGCM.generate_key(bit_length=256)
    aad = _aad(petition_id)
    plain = json.dumps(
        {"name": identity.name, "contact": identity.contact}, ensure_ascii=False
    ).encode()
    return Sealed(
        key.version,
        _encrypt(_wrapper(key), data_key, aad),
        _encrypt(AESGCM(data_key), plain, aad),
    )


def _data_key(petition_id: int, key_version: int, wrapped_key: str) -> bytes:
    key = keyring.active().version(Purpose.IDENTITY, key_version)
    return _decrypt(_wrapper(key), wrapped_key, _aad(petition_id))


def open_sealed(petition_id: int, sealed: Sealed) -> Identity:
    """The identity a row holds; ValueError if it does not open for this petition."""
    data_key = _data_key(petition_id, sealed.key_version, sealed.wrapped_key)
    found = json.loads(_decrypt(AESGCM(data_key), sealed.sealed, _aad(petition_id)))
    return Identity(found["name"], found["contact"])


def rewrap(petition_id: int, sealed: Sealed) -> Sealed:
    """The same sealed identity with its data key wrapped under the current identity key."""
    data_key = _data_key(petition_id, sealed.key_version, sealed.wrapped_key)
    key = keyring.active().current(Purpose.IDENTITY)
    return Sealed(key.version, _encrypt(_wrapper(key), data_key, _aad(petition_id)), sealed.sealed)
