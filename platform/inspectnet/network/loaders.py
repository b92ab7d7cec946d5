"""Per-request loaders other domains use to show an object's office."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspectnet.graphql.context import Info
from inspectnet.graphql.relay import by_id_loader
from inspectnet.network.models import Office
from inspectnet.network.repository import offices

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType


async def office_by_id(info: Info, office_id: int) -> OfficeType | None:
    """The office with this id if the viewer can read it, batched across the request."""
    from inspectnet.network.graphql import OfficeType

    actor = info.context.actor
    load = by_id_loader(info, "office", lambda ids: offices(actor).where(Office.id.in_(ids)))
    row = await load(office_id)
    return OfficeType.from_row(row) if row is not None else None
