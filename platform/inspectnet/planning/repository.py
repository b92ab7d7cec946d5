"""Queries over plans and their items; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children
from inspectnet.planning.models import Plan, PlanItem
from inspectnet.targets.models import Target


def plans_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable plans of each office: rows of (plan, office id)."""
    return children(
        readable(actor, Plan).where(Plan.office_id.in_(office_ids)), Plan, Plan.office_id
    )


def items_of(actor: Actor, plan_ids: list[int]) -> Children:
    """Readable items of each plan: rows of (item, plan id)."""
    return children(
        readable(actor, PlanItem).where(PlanItem.plan_id.in_(plan_ids)), PlanItem, PlanItem.plan_id
    )


async def item_rows(
    session: AsyncSession, actor: Actor, plan_id: int
) -> list[tuple[PlanItem, str]]:
    """A plan's items with their target's name, in target order (what a snapshot freezes)."""
    statement = (
        readable(actor, PlanItem)
        .add_columns(Target.name)
        .join(Target, Target.id == PlanItem.target_id)
        .where(PlanItem.plan_id == plan_id)
        .order_by(PlanItem.target_id)
    )
    return [(item, name) for item, name in (await session.execute(statement)).all()]


async def find_item(
    session: AsyncSession, actor: Actor, plan_id: int, target_id: int
) -> PlanItem | None:
    """The plan's item for a target, if any."""
    statement = readable(actor, PlanItem).where(
        PlanItem.plan_id == plan_id, PlanItem.target_id == target_id
    )
    return (await session.execute(statement)).scalar_one_or_none()
