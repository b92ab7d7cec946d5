"""``createdAt`` and ``updatedAt`` on every node, filled from the row's ``Timestamped`` columns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry


@strawberry.type
class Stamped:
    """Mixed into every Node type: when the object was recorded and last changed."""

    created_at: datetime = strawberry.field(description="When it was recorded (创建时间)")
    updated_at: datetime = strawberry.field(description="When it last changed (更新时间)")


def stamps(row: Any) -> dict[str, datetime]:
    """The ``Stamped`` fields of a ``Timestamped`` row, for a type's ``from_row``."""
    return {"created_at": row.created_at, "updated_at": row.updated_at}
