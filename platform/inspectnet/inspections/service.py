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
from inspectnet.inspections import repository
from inspectnet.inspections.models import (
    STAGES,
    Inspection,
    Stage,
    TeamAssignment,
    TeamContact,
    TeamRole,
)
from inspectnet.targets.models import Target


async def create_inspection(
    session: AsyncSession, actor: Actor, *, target_id: int, name: str
) -> Inspection:
    """Plan an inspection of a target by the office that covers it."""
    target = await get_readable(session, actor, Target, target_id)
    await require_in(session, actor, "create", Inspection, target.office_id, target.id)
    inputs = validation.Inputs()
    inspection = Inspection(
        office_id=target.office_id,
        target_id=target.id,
        name=inputs.text(Inspection.name, name),
        stage=Stage.PLANNED,
    )
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


async def advance_stage(
    session: AsyncSession, actor: Actor, *, inspection_id: int, stage: Stage
) -> Inspection:
    """Move an inspection to its next stage (one step; the team's grants follow the phase)."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require(session, actor, "update", inspection)
    at = STAGES.index(inspection.stage)
    if at + 1 >= len(STAGES) or STAGES[at + 1] is not stage:
        raise Conflict(
            f"巡视（巡察）当前阶段为{inspection.stage.value}，不能直接进入{stage.value}",
            code="STAGE_OUT_OF_ORDER",
            field="stage",
        )
    inspection.stage = stage
    await session.flush()
    await record(
        session,
        actor,
        "inspection.stage",
        office_id=inspection.office_id,
        object_id=global_id_of(inspection),
        detail={"stage": stage.value},
    )
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
