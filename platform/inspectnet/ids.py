"""Opaque global IDs (Relay): base64 of ``TypeName:pk``, the same in the API and the audit log."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from inspectnet.errors import ValidationFailed


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def global_id_of(obj: Any) -> str:
    """The global ID of a model instance: its class name is its GraphQL type name."""
    return global_id(type(obj).__name__, int(obj.id))


def parse_global_id(value: str, *, field: str = "id") -> tuple[str, int]:
    """``(type_name, pk)`` from a global ID; a malformed one is a VALIDATION error on ``field``."""
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        if not type_name or not pk.isdigit():
            raise ValueError(value)
        return type_name, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed("无效的对象标识", code="INVALID_ID", field=field) from None


def expect_global_id(value: str, type_name: str, *, field: str = "id") -> int:
    """The pk of a global ID that must name a ``type_name``."""
    found, pk = parse_global_id(value, field=field)
    if found != type_name:
        raise ValidationFailed(f"对象标识应指向 {type_name}", code="INVALID_ID", field=field)
    return pk
