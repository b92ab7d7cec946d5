"""Queries over hand-overs and archives; every one starts from the readable scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.archive.models import ArchiveItem, InspectionArchive, MaterialHandover
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children


def items_of(actor: Actor, archive_ids: list[int]) -> Children:
    """Readable items of each archive: rows of (item, archive id)."""
    return children(
        readable(actor, ArchiveItem).where(ArchiveItem.archive_id.in_(archive_ids)),
        ArchiveItem,
        ArchiveItem.archive_id,
    )


def handovers_of(actor: Actor, inspection_ids: list[int]) -> Select[tuple[Any]]:
    """Readable hand-overs of the given inspections (at most one each)."""
    return readable(actor, MaterialHandover).where(
        MaterialHandover.inspection_id.in_(inspection_ids)
    )


def archives_of(actor: Actor, inspection_ids: list[int]) -> Select[tuple[Any]]:
    """Readable archive records of the given inspections (at most one each)."""
    return readable(actor, InspectionArchive).where(
        InspectionArchive.inspection_id.in_(inspection_ids)
    )


async def handover_of(
    session: AsyncSession, actor: Actor, inspection_id: int
) -> MaterialHandover | None:
    return await session.scalar(handovers_of(actor, [inspection_id]))


async def items(session: AsyncSession, actor: Actor, archive_id: int) -> list[ArchiveItem]:
    """Every readable item of one archive, in the order archived."""
    rows = await session.scalars(
        readable(actor, ArchiveItem)
        .where(ArchiveItem.archive_id == archive_id)
        .order_by(ArchiveItem.id)
    )
    return list(rows)
