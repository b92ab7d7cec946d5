"""Queries over inspections and their teams; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.models import Recusal
from inspectnet.authz.scopes import readable
from inspectnet.inspections.models import Inspection, TeamAssignment
from inspectnet.paging import Children, children


def inspections_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable inspections each office runs: rows of (inspection, office id)."""
    return children(
        readable(actor, Inspection).where(Inspection.office_id.in_(office_ids)),
        Inspection,
        Inspection.office_id,
    )


def team_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable team assignments of each inspection: rows of (assignment, inspection id)."""
    return children(
        readable(actor, TeamAssignment).where(TeamAssignment.inspection_id.in_(inspection_ids)),
        TeamAssignment,
        TeamAssignment.inspection_id,
    )


async def recused(session: AsyncSession, identity_id: int, target_id: int) -> bool:
    """Whether a human is recused from a target now (回避, nmg-2016 §12, qh-zrzyt §27)."""
    found = await session.scalar(
        # system scope: a recusal bars an assignment whoever recorded it, seen or not
        select(Recusal.id).where(
            Recusal.identity_id == identity_id,
            Recusal.target_id == target_id,
            Recusal.ended_at.is_(None),
        )
    )
    return found is not None
