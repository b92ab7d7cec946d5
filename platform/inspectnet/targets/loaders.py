"""Per-request loaders other domains use to show a target (巡视巡察对象) beside their rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspectnet.graphql.context import Info
from inspectnet.graphql.relay import by_id_loader
from inspectnet.targets.repository import targets_by_ids

if TYPE_CHECKING:
    from inspectnet.targets.graphql import TargetType


async def target_by_id(info: Info, target_id: int) -> TargetType | None:
    """The target with this id if the viewer can read it, batched across the request."""
    from inspectnet.targets.graphql import TargetType

    actor = info.context.actor
    load = by_id_loader(info, "target", lambda ids: targets_by_ids(actor, ids))
    row = await load(target_id)
    return TargetType.from_row(row) if row is not None else None
