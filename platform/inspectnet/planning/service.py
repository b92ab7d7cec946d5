"""Use cases on plans: draft, edit the working copy, set its targets; freeze it for filing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_body, require_in
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, NotFound, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.network.models import Office
from inspectnet.paging import Children
from inspectnet.planning import repository
from inspectnet.planning.models import Plan, PlanItem, PlanKind
from inspectnet.rules.format import InspectionModeRule, PlanApprovalRule
from inspectnet.rules.registry import get_ruleset
from inspectnet.targets.models import Target


async def create_plan(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    kind: PlanKind,
    title: str,
    starts_on: date,
    ends_on: date,
    parent_id: int | None = None,
) -> Plan:
    """Draft a term, annual or round plan of an office (a working copy until filed)."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "create", Plan, office.id)
    inputs = validation.Inputs()
    plan = Plan(
        office_id=office.id,
        kind=kind,
        title=inputs.text(Plan.title, title),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    inputs.period(starts_on, ends_on, field="endsOn")
    inputs.done()
    if parent_id is not None:
        parent = await get_readable(session, actor, Plan, parent_id)
        if parent.office_id != office.id:
            raise ValidationFailed(
                "上级计划必须属于同一机构", code="FOREIGN_PLAN", field="parentId"
            )
        plan.parent_id = parent.id
    session.add(plan)
    await session.flush()
    await record(session, actor, "plan.create", office_id=office.id, object_id=global_id_of(plan))
    return plan


async def update_plan(
    session: AsyncSession,
    actor: Actor,
    *,
    plan_id: int,
    version: int | None,
    title: str,
    starts_on: date,
    ends_on: date,
) -> Plan:
    """Edit the working copy's title and period (optimistic: ``version`` must be current)."""
    plan = await get_readable(session, actor, Plan, plan_id)
    await require(session, actor, "update", plan)
    expect_current(plan)
    expect_version(plan, version)
    inputs = validation.Inputs()
    new_title = inputs.text(Plan.title, title)
    inputs.period(starts_on, ends_on, field="endsOn")
    inputs.done()
    plan.title, plan.starts_on, plan.ends_on = new_title, starts_on, ends_on
    await session.flush()
    await record(
        session, actor, "plan.update", office_id=plan.office_id, object_id=global_id_of(plan)
    )
    return plan


async def set_item(
    session: AsyncSession, actor: Actor, *, plan_id: int, target_id: int, mode: str, leader: str
) -> PlanItem:
    """Put a target in the plan (or change its mode and leader); the plan's version moves."""
    plan = await get_readable(session, actor, Plan, plan_id)
    await require(session, actor, "update", plan)
    expect_current(plan)
    target = await get_readable(session, actor, Target, target_id)
    if target.office_id != plan.office_id:
        raise ValidationFailed("对象不属于本机构", code="FOREIGN_TARGET", field="targetId")
    office = await get_readable(session, actor, Office, plan.office_id)
    inputs = validation.Inputs()
    mode_value = inputs.text(PlanItem.mode, mode)
    leader_value = inputs.text(PlanItem.leader, leader)
    inputs.done()
    try:
        get_ruleset(office.ruleset_id).rule_of(mode_value, InspectionModeRule)
    except NotFound:
        raise ValidationFailed(
            "本机构规定中没有此巡视巡察方式", code="UNKNOWN_MODE", field="mode"
        ) from None
    item = await repository.find_item(session, actor, plan.id, target.id)
    if item is None:
        item = PlanItem(office_id=plan.office_id, plan_id=plan.id, target_id=target.id)
        session.add(item)
    item.mode, item.leader = mode_value, leader_value
    # The working copy changed: its row is updated, so its version moves (a new one to file).
    flag_modified(plan, "title")
    await session.flush()
    await record(
        session, actor, "plan.item.set", office_id=plan.office_id, object_id=global_id_of(plan)
    )
    return item


async def snapshot(session: AsyncSession, actor: Actor, plan: Plan) -> dict[str, Any]:
    """The plan as filed: every field a superior compares between versions."""
    items = await repository.item_rows(session, actor, plan.id)
    return {
        "kind": plan.kind.value,
        "title": plan.title,
        "startsOn": plan.starts_on.isoformat(),
        "endsOn": plan.ends_on.isoformat(),
        "items": {name: {"mode": item.mode, "leader": item.leader} for item, name in items},
    }


async def get_plan(session: AsyncSession, actor: Actor, *, plan_id: int) -> Plan:
    """One readable plan, as stored now."""
    plan = await get_readable(session, actor, Plan, plan_id)
    await session.refresh(plan)
    return plan


def coverage_gaps(
    actor: Actor, *, office_ids: list[int], starts_on: date, ends_on: date
) -> Children:
    """全覆盖: targets of the offices not yet in any annual or round plan of the term."""
    inputs = validation.Inputs()
    inputs.period(starts_on, ends_on, field="endsOn")
    inputs.done()
    return repository.uncovered_targets(actor, office_ids, starts_on, ends_on)


async def direct_subordinates(session: AsyncSession, office_id: int) -> list[int]:
    """The offices one link below on the leadership line."""
    return await repository.direct_subordinates(session, office_id)


async def approve_plan(
    session: AsyncSession, actor: Actor, *, plan_id: int, version: int | None
) -> Plan:
    """Approve the working copy as the body the office's ruleset names (nmg-2016 §6(3),
    qh-zrzyt §6(2)): only that body's seats may; ``version`` is the copy the body reviewed."""
    plan = await get_readable(session, actor, Plan, plan_id)
    office = await get_readable(session, actor, Office, plan.office_id)
    rule = next(
        (
            r
            for r in get_ruleset(office.ruleset_id).of_type(PlanApprovalRule)
            if plan.kind.value in r.params.plan_kinds
        ),
        None,
    )
    if rule is None:
        raise ValidationFailed(
            "本机构适用的规定未规定此类计划的审定机构", code="NO_PLAN_APPROVER", field="planId"
        )
    await require_body(
        session, actor, rule.params.decided_by.value, plan.office_id, "approve", Plan
    )
    expect_version(plan, version)
    expect_current(plan)
    if plan.is_approved:
        raise Conflict("此版本计划已审定", code="ALREADY_APPROVED", field="planId")
    # The UPDATE below moves the version by one (Versioned): the approval names that version.
    plan.approved_version = plan.version + 1
    plan.approved_at, plan.approved_by = clock.now(), actor.user_id
    await session.flush()
    await record(
        session,
        actor,
        "plan.approve",
        office_id=plan.office_id,
        object_id=global_id_of(plan),
        detail={"version": plan.version, "rule": rule.id, "article": rule.article},
    )
    return plan


def expect_current(plan: Plan) -> None:
    """A retired plan is changed, approved and filed no more."""
    if plan.archived_at is not None:
        raise Conflict("计划已停用", code="PLAN_RETIRED", field="planId")


async def retire_plan(
    session: AsyncSession, actor: Actor, *, plan_id: int, version: int | None
) -> Plan:
    """Retire a plan that will not be carried out: it leaves the lists (``archived`` shows it),
    no longer covers its targets, and is changed and filed no more; what was filed of it stays
    with the superior (optimistic: ``version`` must be current)."""
    plan = await get_readable(session, actor, Plan, plan_id)
    await require(session, actor, "update", plan)
    expect_version(plan, version)
    expect_current(plan)
    plan.archived_at = clock.now()
    await session.flush()
    await record(
        session, actor, "plan.retire", office_id=plan.office_id, object_id=global_id_of(plan)
    )
    return plan
