"""What an update or a removal changed, as the audit log keeps it.

A removal writes the removed row's values into its audit entry, so deleting a record that was
entered by mistake loses nothing: the log still says what it held, who removed it and when.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(row: Any) -> dict[str, Any]:
    """The row's column values, JSON-ready (dates as ISO text, enums as their values)."""
    return {c.key: _plain(getattr(row, c.key)) for c in inspect(type(row)).column_attrs}


def apply(row: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Set the checked ``changes`` on ``row``; the ``{field: [before, after]}`` that differed."""
    changed: dict[str, Any] = {}
    for key, value in changes.items():
        before = getattr(row, key)
        if before != value:
            changed[key] = [_plain(before), _plain(value)]
            setattr(row, key, value)
    return changed
