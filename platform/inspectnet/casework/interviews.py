"""Individual interviews 个别谈话 (nmg-2016 §20(2), qh-zrzyt §14(2)) and the records of the
other working methods (§20 / §14: document requisitions, forums, democratic evaluation …).

An interview is scheduled with its interviewee and the team members conducting it, recorded,
then signed by the interviewee (the signature recorded by the team) and by each interviewer;
once anyone has signed, the record no longer changes (a signature vouches for that text).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.casework import service
from inspectnet.casework.models import Activity, Interview, Interviewer, InterviewState
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, Forbidden, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, TeamAssignment
from inspectnet.rules.format import MethodRecord, Ruleset, WorkMethodRule


async def _on_team(
    session: AsyncSession, inspection: Inspection, user_ids: Sequence[int]
) -> set[int]:
    """Which of ``user_ids`` hold a role in the inspection now."""
    now = clock.now()
    rows = await session.scalars(
        # system scope: whether an account is on the team is the team's own fact, not a read
        select(TeamAssignment.user_id).where(
            TeamAssignment.inspection_id == inspection.id,
            TeamAssignment.user_id.in_(sorted(set(user_ids))),
            TeamAssignment.valid_from <= now,
            or_(TeamAssignment.valid_until.is_(None), TeamAssignment.valid_until > now),
        )
    )
    return set(rows)


async def schedule_interview(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    scheduled_at: datetime,
    interviewee_name: str,
    interviewee_post: str,
    interviewee_unit: str,
    interviewer_ids: Sequence[int],
) -> Interview:
    """Schedule an interview, conducted by members of the inspection's team."""
    inspection = await service.inspection_for(session, actor, inspection_id, Interview)
    inputs = validation.Inputs()
    name = inputs.text(Interview.interviewee_name, interviewee_name)
    post = inputs.text(Interview.interviewee_post, interviewee_post)
    unit = inputs.text(Interview.interviewee_unit, interviewee_unit)
    inputs.date(scheduled_at.date(), "scheduledAt")
    if not interviewer_ids:
        inputs.add(ValidationFailed("请指定谈话人", code="REQUIRED", field="interviewerIds"))
    elif await _on_team(session, inspection, interviewer_ids) != set(interviewer_ids):
        inputs.add(
            ValidationFailed(
                "谈话人须为本巡视（巡察）组成员",
                code="INTERVIEWER_NOT_ON_TEAM",
                field="interviewerIds",
            )
        )
    inputs.done()
    interview = Interview(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        scheduled_at=scheduled_at,
        interviewee_name=name,
        interviewee_post=post,
        interviewee_unit=unit,
        state=InterviewState.SCHEDULED,
    )
    session.add(interview)
    await session.flush()
    for user_id in dict.fromkeys(interviewer_ids):
        session.add(
            Interviewer(
                office_id=interview.office_id,
                inspection_id=interview.inspection_id,
                target_id=interview.target_id,
                interview_id=interview.id,
                user_id=user_id,
            )
        )
    await session.flush()
    await record(
        session,
        actor,
        "interview.schedule",
        office_id=interview.office_id,
        object_id=global_id_of(interview),
    )
    return interview


async def _interviewers(session: AsyncSession, interview: Interview) -> list[Interviewer]:
    rows = await session.scalars(
        # system scope: the interview was read and checked; its interviewers are part of it
        select(Interviewer).where(Interviewer.interview_id == interview.id).order_by(Interviewer.id)
    )
    return list(rows)


async def record_interview(
    session: AsyncSession,
    actor: Actor,
    *,
    interview_id: int,
    text: str,
    version: int | None = None,
) -> Interview:
    """Write (or rewrite) an interview's record, until someone has signed it."""
    interview = await get_readable(session, actor, Interview, interview_id)
    await require(session, actor, "update", interview)
    expect_version(interview, version)
    signed = interview.interviewee_signed_at is not None or any(
        i.signed_at is not None for i in await _interviewers(session, interview)
    )
    if signed:
        raise Conflict(
            "谈话记录已有人签字，不能再修改", code="INTERVIEW_SIGNED", field="interviewId"
        )
    inputs = validation.Inputs()
    cleaned = inputs.text(Interview.record, text)
    inputs.done()
    if cleaned is None:
        raise ValidationFailed("谈话记录不能为空", code="REQUIRED", field="record")
    interview.record = cleaned
    interview.state = InterviewState.RECORDED
    await session.flush()
    await record(
        session,
        actor,
        "interview.record",
        office_id=interview.office_id,
        object_id=global_id_of(interview),
    )
    return interview


async def sign_interview(
    session: AsyncSession, actor: Actor, *, interview_id: int, interviewee: bool
) -> Interview:
    """Record a signature on the record: the interviewee's (recorded by a team member who may
    change the interview) or the signing interviewer's own. Signed by all, it is SIGNED."""
    interview = await get_readable(session, actor, Interview, interview_id)
    await require(session, actor, "update", interview)
    if interview.record is None:
        raise Conflict("谈话尚未记录，不能签字", code="INTERVIEW_NOT_RECORDED", field="interviewId")
    interviewers = await _interviewers(session, interview)
    now = clock.now()
    if interviewee:
        if interview.interviewee_signed_at is not None:
            raise Conflict("已签字", code="ALREADY_SIGNED", field="interviewee")
        interview.interviewee_signed_at = now
    else:
        mine = next((i for i in interviewers if i.user_id == actor.user_id), None)
        if mine is None:
            raise Forbidden(
                "只有谈话人本人可以签字", code="NOT_AN_INTERVIEWER", field="interviewee"
            )
        if mine.signed_at is not None:
            raise Conflict("已签字", code="ALREADY_SIGNED", field="interviewee")
        mine.signed_at = now
    if interview.interviewee_signed_at is not None and all(i.signed_at for i in interviewers):
        interview.state = InterviewState.SIGNED
    await session.flush()
    await record(
        session,
        actor,
        "interview.sign",
        office_id=interview.office_id,
        object_id=global_id_of(interview),
        detail={"by": "interviewee" if interviewee else "interviewer"},
    )
    return interview


def _method(ruleset: Ruleset, method: str) -> WorkMethodRule:
    rule = service.rule_named(
        ruleset,
        method,
        WorkMethodRule,
        code="METHOD_NOT_IN_RULESET",
        message="工作方式须为本机构规定所列方式",
        field="method",
    )
    if rule.params.record is not MethodRecord.ACTIVITY:
        # 个别谈话 and 来信来电来访 have records of their own.
        raise ValidationFailed(
            f"“{rule.name}”有专门的记录（{rule.article}），不作为工作记录登记",
            code="METHOD_HAS_OWN_RECORD",
            field="method",
        )
    return rule


async def record_activity(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    method: str,
    held_on: date,
    subject: str,
    material: str,
) -> Activity:
    """Record work by another method of the office's ruleset, with its material."""
    inspection = await service.inspection_for(session, actor, inspection_id, Activity)
    inputs = validation.Inputs()
    named = inputs.text(Activity.subject, subject)
    text = inputs.text(Activity.material, material)
    inputs.date(held_on, "heldOn")
    try:
        _method(await service.ruleset_for(session, inspection.office_id), method)
    except ValidationFailed as problem:
        inputs.add(problem)
    inputs.done()
    activity = Activity(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        method=method,
        held_on=held_on,
        subject=named,
        material=text,
    )
    session.add(activity)
    await session.flush()
    await record(
        session,
        actor,
        "activity.record",
        office_id=activity.office_id,
        object_id=global_id_of(activity),
        detail={"method": method},
    )
    return activity


async def update_activity(
    session: AsyncSession,
    actor: Actor,
    *,
    activity_id: int,
    version: int | None = None,
    held_on: date | None = None,
    subject: str | None = None,
    material: str | None = None,
) -> Activity:
    """Correct a record of another method: its date, subject or material."""
    activity = await get_readable(session, actor, Activity, activity_id)
    await require(session, actor, "update", activity)
    expect_version(activity, version)
    given = {
        k: v
        for k, v in (("held_on", held_on), ("subject", subject), ("material", material))
        if v is not None
    }
    inputs = validation.Inputs()
    changes = inputs.changes(Activity, given)
    inputs.done()
    for key, value in changes.items():
        setattr(activity, key, value)
    await session.flush()
    await record(
        session,
        actor,
        "activity.update",
        office_id=activity.office_id,
        object_id=global_id_of(activity),
        detail={"fields": sorted(changes)},
    )
    return activity
