"""A dataset with rows in every table the registered domains' models declare.

The demo network fills most tables; ``fill_empty_tables`` then writes one plain row into each
table still empty (a table added tomorrow included), choosing column values from the column's
type and pointing foreign keys at existing rows, so that migrations and exports are always
tried against data and not against empty tables.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

import inspectnet.models  # noqa: F401 - every mapper on the metadata
from inspectnet.db import Base, UTCDateTime

SEEDED_AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
# Tables whose rows are read as data by the platform: a plain value would not load.
MEANINGFUL = {
    "policy_rules": dict(
        zip(
            ("ptype", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"),
            ("p", "user:999999", "*", "self", "person", "*", "*", "read", "deny"),
            strict=True,
        )
    ),
    # A transfer names one subject, a clue or a finding (transfers.models, its CHECK).
    "transfers": {"finding_id": None},
    # A report version's DOCX is in its row or in the evidence store (reports.models): a row
    # seeded with neither could not be downgraded; this one keeps its bytes in the row.
    "report_versions": {"content": b"PK\x03\x04", "storage_key": None},
}


def _plain_value(table: Table, column: Any, index: int) -> Any:
    kind = column.type
    if isinstance(kind, Enum):
        values = kind.enums
        return values[0] if values else None
    if isinstance(kind, (UTCDateTime, DateTime)):
        return SEEDED_AT
    if isinstance(kind, Date):
        return date(2026, 11, 25)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 2000 + index if column.primary_key else 1
    if isinstance(kind, JSON):
        return []
    if isinstance(kind, LargeBinary):
        return f"seed-{table.name}".encode()
    if isinstance(kind, Float):
        return 1.5
    if isinstance(kind, (String, Text)):
        length = getattr(kind, "length", None) or 20
        return f"seed-{table.name}"[:length]
    if isinstance(getattr(kind, "python_type", None), type) and issubclass(
        kind.python_type, enum.Enum
    ):
        return next(iter(kind.python_type))
    raise AssertionError(f"seed: no plain value for {table.name}.{column.name} ({kind!r})")


async def fill_empty_tables(session: AsyncSession) -> list[str]:
    """One row in each empty table, in dependency order; the names of the tables filled."""
    filled: list[str] = []
    for table in Base.metadata.sorted_tables:
        if (await session.execute(select(table).limit(1))).first() is not None:
            continue
        row: dict[str, Any] = dict(MEANINGFUL.get(table.name, {}))
        used: dict[str, int] = {}
        for index, column in enumerate(table.columns):
            if column.name in row:
                continue
            if column.primary_key and column.autoincrement is True and not column.foreign_keys:
                continue
            if column.foreign_keys:
                (foreign,) = column.foreign_keys
                target = foreign.column
                # distinct rows for two references to one table (superior ≠ subordinate)
                offset = used.get(target.table.name, 0)
                used[target.table.name] = offset + 1
                value = (
                    await session.execute(select(target).order_by(target).offset(offset).limit(1))
                ).scalar()
                if value is None and not column.nullable:
                    raise AssertionError(f"seed: {target.table.name} is empty for {table.name}")
                row[column.name] = value
            elif column.nullable and column.default is None and column.server_default is None:
                row[column.name] = None
            else:
                row[column.name] = _plain_value(table, column, index)
        await session.execute(table.insert().values(**row))
        filled.append(table.name)
    return filled
