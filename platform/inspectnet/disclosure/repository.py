"""Queries over disclosures; every list starts from the readable scope (the public list is the
one deliberate exception, in public.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.disclosure.models import Disclosure, DisclosureApproval
from inspectnet.inspections.models import InspectionTransition, Stage
from inspectnet.paging import Children, children


def disclosures_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable disclosures of each inspection: rows of (disclosure, inspection id)."""
    return children(
        readable(actor, Disclosure).where(Disclosure.inspection_id.in_(inspection_ids)),
        Disclosure,
        Disclosure.inspection_id,
    )


def approvals_by_disclosure(actor: Actor, disclosure_ids: list[int]) -> Select[tuple[Any]]:
    """Readable approval decisions of the given disclosures."""
    return readable(actor, DisclosureApproval).where(
        DisclosureApproval.disclosure_id.in_(disclosure_ids)
    )


async def stage_reached_at(
    session: AsyncSession, actor: Actor, inspection_id: int, stage: Stage
) -> datetime | None:
    """When the inspection entered ``stage``, as the actor reads its transitions."""
    found = await session.scalar(
        readable(actor, InspectionTransition)
        .where(
            InspectionTransition.inspection_id == inspection_id,
            InspectionTransition.to_stage == stage,
        )
        .order_by(InspectionTransition.id.desc())
        .limit(1)
    )
    return None if found is None else found.created_at


async def approval_of(
    session: AsyncSession, actor: Actor, disclosure_id: int
) -> DisclosureApproval | None:
    """The recorded approval of a disclosure, if readable."""
    return await session.scalar(
        approvals_by_disclosure(actor, [disclosure_id]).order_by(DisclosureApproval.id)
    )
