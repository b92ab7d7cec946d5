"""Queries over plans and their items; every list starts from the readable scope."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.network.models import LinkKind, OfficeReach
from inspectnet.paging import Children, children, top_level
from inspectnet.planning.models import Plan, PlanItem, PlanKind
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


def uncovered_targets(
    actor: Actor, office_ids: list[int], starts_on: date, ends_on: date
) -> Children:
    """Readable targets of the offices that no plan of their office within the term covers.

    One list (parent 0) across the offices, for the kit's connection.
    """
    # system scope: only whether a target is planned in the term is asked, never what the plan
    # says; the superior asking may read no subordinate's plan.
    planned = (
        select(PlanItem.target_id)
        .join(Plan, Plan.id == PlanItem.plan_id)
        .where(
            Plan.office_id == Target.office_id,
            Plan.kind.in_([PlanKind.ANNUAL, PlanKind.ROUND]),
            Plan.archived_at.is_(None),  # a retired plan covers nothing
            Plan.starts_on <= ends_on,
            Plan.ends_on >= starts_on,
        )
    )
    query = readable(actor, Target).where(
        Target.office_id.in_(office_ids), Target.id.not_in(planned)
    )
    return top_level(query, Target)


async def direct_subordinates(session: AsyncSession, office_id: int) -> list[int]:
    """The offices one link below on the leadership line (the network's closure, no tenant)."""
    statement = select(OfficeReach.descendant_id).where(
        OfficeReach.kind == LinkKind.LEADERSHIP,
        OfficeReach.ancestor_id == office_id,
        OfficeReach.depth == 1,
    )
    return list((await session.execute(statement)).scalars())
