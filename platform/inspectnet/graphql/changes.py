"""Update inputs: a field left out does not change; a field given as null clears it.

Every field of an ``UpdateXInput`` but its target's id defaults to ``UNSET``; ``given(input)``
is what the client named, by model attribute, for the service's ``changes``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry


def given(input: Any, *, skip: tuple[str, ...]) -> dict[str, Any]:
    """The fields of ``input`` the client named (``skip``: the ids that say what to change)."""
    return {
        f.name: getattr(input, f.name)
        for f in dataclasses.fields(input)
        if f.name not in skip and getattr(input, f.name) is not strawberry.UNSET
    }


def unset(description: str) -> Any:
    """An update field: left out, it does not change."""
    return strawberry.field(
        default=strawberry.UNSET, description=f"{description}; left out: unchanged"
    )
