"""``createdAt``, ``updatedAt`` and ``createdBy`` on every node, from the row's ``Timestamped``
and ``Created`` columns."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.links import linked

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType


@strawberry.type
class Stamped:
    """Mixed into every Node type: when the object was recorded and last changed, and by whom."""

    created_at: datetime = strawberry.field(description="When it was recorded (创建时间)")
    updated_at: datetime = strawberry.field(description="When it last changed (更新时间)")
    created_by_pk: strawberry.Private[int | None]

    @strawberry.field(
        description="The account that recorded it; null when the system did, when it was "
        "recorded before accounts were noted, or when the viewer cannot read the account (创建人)"
    )
    async def created_by(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.created_by_pk)


def stamps(row: Any) -> dict[str, Any]:
    """The ``Stamped`` fields of a ``Timestamped`` (and ``Created``) row, for a type's ``from_row``."""
    return {
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        # A row of a model without ``Created`` has no recorded creator.
        "created_by_pk": getattr(row, "created_by", None),
    }
