"""Use cases on inspections and their teams' mission grants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.accounts.models import UserAccount
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.authz.recusals import identity_of
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections import recusal, repository
from inspectnet.inspections.models import (
    Inspection,
    Stage,
    TeamAssignment,
    TeamContact,
    TeamRole,
)
from inspectnet.planning.models import Plan
from inspectnet.targets.models import Target


async def create_inspection(
    session: AsyncSession,
    actor: Actor,
    *,
    target_id: int,
    name: str,
    plan_id: int | None = None,
    follows_id: int | None = None,
) -> Inspection:
    """Plan an inspection of a target by the office that covers it (a follow-up names the first)."""
    target = await get_readable(session, actor, Target, target_id)
    await require_in(session, actor, "create", Inspection, target.office_id, target.id)
    inputs = validation.Inputs()
    inspection = Inspection(
        office_id=target.office_id,
        target_id=target.id,
        name=inputs.text(Inspection.name, name),
        stage=Stage.PLANNED,
    )
    if plan_id is not None:
        plan = await get_readable(session, actor, Plan, plan_id)
        if plan.office_id != target.office_id:
            inputs.add(
                ValidationFailed(
                    "巡察计划须为负责该对象的机构的计划",
                    code="PLAN_OF_OTHER_OFFICE",
                    field="planId",
                )
            )
        inspection.plan_id = plan.id
    if follows_id is not None:
        first = await get_readable(session, actor, Inspection, follows_id)
        # 回头看 re-inspects a target already inspected and fed back (qh-zrzyt §13).
        if first.target_id != target.id or first.stage not in (Stage.FED_BACK, Stage.ARCHIVED):
            inputs.add(
                ValidationFailed(
                    "“回头看”须针对同一对象已反馈的巡视（巡察）",
                    code="FOLLOW_UP_INVALID",
                    field="followsId",
                )
            )
        inspection.follows_id = first.id
    inputs.done()
    session.add(inspection)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.create",
        office_id=inspection.office_id,
        object_id=global_id_of(inspection),
    )
    # The inspection's phase is a relation of the door: a new one reaches the policy.
    await policy_changed(session, actor)
    return inspection


async def assign_team_role(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    user_id: int,
    role: TeamRole,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    contact_phone: str | None = None,
) -> TeamAssignment:
    """Grant an account a role in one inspection, for a period (一次一授权, nmg-2016 §9)."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        TeamAssignment,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    account = await get_readable(session, actor, UserAccount, user_id)
    return await grant_team_role(
        session,
        actor,
        inspection=inspection,
        account=account,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
        contact_phone=contact_phone,
    )


async def grant_team_role(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection: Inspection,
    account: UserAccount,
    role: TeamRole,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    contact_phone: str | None = None,
) -> TeamAssignment:
    """Write a mission grant the caller's check allowed (the office's ``create``, or the named
    body's approval of a replacement), refusing a recused or conflicted person."""
    inputs = validation.Inputs()
    start = valid_from or clock.now()
    if valid_until is not None and valid_until <= start:
        inputs.add(
            ValidationFailed(
                "授权结束时间须晚于开始时间", code="PERIOD_INVALID", field="validUntil"
            )
        )
    phone = None if contact_phone is None else inputs.text(TeamContact.phone, contact_phone)
    inputs.done()
    if inspection.stage is Stage.ARCHIVED:
        raise Conflict("巡视（巡察）已归档，不能再授权", code="INSPECTION_ARCHIVED")
    # A recused person may not be assigned (nmg-2016 §12, qh-zrzyt §27).
    if await repository.recused(
        session, await identity_of(session, account.person_id), inspection.target_id
    ):
        raise Conflict("该人员对此巡视对象须回避，不能编入巡视组", code="RECUSED", field="userId")
    # A conflict the engine finds bars the assignment even before anyone confirmed it.
    await recusal.require_no_conflict(session, inspection, account.person_id, field="userId")
    assignment = TeamAssignment(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        user_id=account.id,
        role=role,
        valid_from=start,
        valid_until=valid_until,
    )
    session.add(assignment)
    await session.flush()
    if phone is not None:
        session.add(
            TeamContact(
                office_id=inspection.office_id,
                assignment_id=assignment.id,
                inspection_id=inspection.id,
                target_id=inspection.target_id,
                phone=phone,
            )
        )
        await session.flush()
    await record(
        session,
        actor,
        "inspection.team.assign",
        office_id=inspection.office_id,
        object_id=global_id_of(assignment),
        detail={"user": global_id_of(account), "role": role.value},
    )
    await policy_changed(session, actor)
    return assignment


async def end_team_role(
    session: AsyncSession, actor: Actor, *, assignment_id: int
) -> TeamAssignment:
    """End a mission grant now; the account loses the role at the reload this causes."""
    assignment = await get_readable(session, actor, TeamAssignment, assignment_id)
    await require(session, actor, "update", assignment)
    now = clock.now()
    if assignment.valid_until is not None and assignment.valid_until <= now:
        raise Conflict("该授权已结束", code="ASSIGNMENT_ENDED", field="assignmentId")
    assignment.valid_until = max(now, assignment.valid_from)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.team.end",
        office_id=assignment.office_id,
        object_id=global_id_of(assignment),
    )
    await policy_changed(session, actor)
    return assignment
