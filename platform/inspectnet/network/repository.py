"""Queries over offices and links; every one starts from the actor's readable scope."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable, readable_filter
from inspectnet.network.graph import Direction, reachable
from inspectnet.network.models import LinkKind, Office, OfficeLink
from inspectnet.paging import Children, children


def offices(actor: Actor) -> Select[tuple[Office]]:
    """Every office the actor can see."""
    return readable(actor, Office)


def related_offices(
    actor: Actor, parent_ids: list[int], kind: LinkKind, direction: Direction, depth: int
) -> Children:
    """Readable offices within ``depth`` links of each parent."""
    walk = reachable(parent_ids, kind, direction, max_depth=depth)
    # A DAG may reach an office by two paths: keep one row per (parent, office).
    pairs = select(walk.c.root_id, walk.c.office_id).distinct().subquery()
    query = select(Office).join(pairs, Office.id == pairs.c.office_id)
    return children(query.where(readable_filter(actor, Office)), Office, pairs.c.root_id)


async def would_cycle(
    session: AsyncSession, kind: LinkKind, superior_id: int, subordinate_id: int
) -> bool:
    """Whether linking superior → subordinate closes a loop on that line."""
    if superior_id == subordinate_id:
        return True
    below = reachable([subordinate_id], kind, Direction.DOWN)
    hit = await session.scalar(
        select(func.count()).select_from(below).where(below.c.office_id == superior_id)
    )
    return bool(hit)


async def find_link(
    session: AsyncSession, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLink | None:
    return await session.scalar(
        select(OfficeLink).where(
            OfficeLink.kind == kind,
            OfficeLink.superior_id == superior_id,
            OfficeLink.subordinate_id == subordinate_id,
        )
    )


async def office_by_code(session: AsyncSession, code: str) -> Office | None:
    """Unscoped lookup by code: for uniqueness checks and the demo loader only."""
    return await session.scalar(select(Office).where(Office.code == code))
