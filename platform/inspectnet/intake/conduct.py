"""The inspectors' own conduct: complaints about them to the leading group or its office
(nmg-2016 §41, qh-zrzyt §33), and the banquets and gifts they refused (qh-zrzyt §28, §31)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.authz.scopes import readable
from inspectnet.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inspectnet.ids import global_id_of, parse_global_id
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment
from inspectnet.intake.models import ComplaintChannel, GiftRefusal, InspectorComplaint


def _complaint(
    inspection: Inspection, channel: ComplaintChannel, summary: str, about: int | None
) -> InspectorComplaint:
    inputs = validation.Inputs()
    text = inputs.text(InspectorComplaint.summary, summary)
    inputs.done()
    return InspectorComplaint(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        about_user_id=about,
        channel=channel,
        received_on=clock.today_in_china(),
        summary=text,
    )


async def _file(session: AsyncSession, actor: Actor, complaint: InspectorComplaint) -> None:
    session.add(complaint)
    await session.flush()
    await record(
        session,
        actor,
        "intake.complaint.file",
        office_id=complaint.office_id,
        object_id=global_id_of(complaint),
        detail={"channel": complaint.channel.value},
    )


async def file_complaint(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    summary: str,
    about_user_id: int | None = None,
) -> InspectorComplaint:
    """A signed-in complaint that an inspector of this inspection broke the rules."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require(session, actor, "complain", inspection)
    about = None
    if about_user_id is not None:
        # system scope: the member named must be on this inspection's team; only that is read
        about = await session.scalar(
            select(TeamAssignment.user_id).where(
                TeamAssignment.inspection_id == inspection.id,
                TeamAssignment.user_id == about_user_id,
            )
        )
        if about is None:
            raise ValidationFailed(
                "被反映人不是该巡视巡察组成员", code="NOT_A_TEAM_MEMBER", field="aboutUserId"
            )
    complaint = _complaint(inspection, ComplaintChannel.SIGNED_IN, summary, about)
    await _file(session, actor, complaint)
    return complaint


async def file_public_complaint(
    session: AsyncSession, actor: Actor, *, announcement: str, summary: str
) -> InspectorComplaint:
    """A complaint from the public route: the announcement names the inspection; accepted
    until the inspection is archived (the team answers for its conduct until then)."""
    try:
        type_name, pk = parse_global_id(announcement, field="announcement")
    except (NotFound, ValidationFailed):
        type_name, pk = "", 0
    # system scope: the announcement is public (qh-zrzyt §13); only its state is read
    inspection = await session.get(Inspection, pk) if type_name == "Inspection" else None
    if inspection is None:
        raise NotFound("巡视巡察公告不存在", code="INTAKE_NOT_FOUND", field="announcement")
    if inspection.stage is Stage.ARCHIVED:
        raise Conflict("该巡视巡察已归档", code="INTAKE_CLOSED", field="announcement")
    complaint = _complaint(inspection, ComplaintChannel.PUBLIC, summary, None)
    await _file(session, actor, complaint)
    return complaint


async def declare_gift_refusal(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    offered_by: str,
    description: str,
    refused_on: date,
) -> GiftRefusal:
    """Declare a banquet or gift one refused while on this inspection's team."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        GiftRefusal,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    own = await session.scalar(
        readable(actor, TeamAssignment)
        .where(
            TeamAssignment.inspection_id == inspection.id,
            TeamAssignment.user_id == actor.user_id,
        )
        .order_by(TeamAssignment.id)
        .limit(1)
    )
    if own is None:
        raise Forbidden("只能申报本人在该巡视巡察组的拒收情况")
    inputs = validation.Inputs()
    refusal = GiftRefusal(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        assignment_id=own.id,
        offered_by=inputs.text(GiftRefusal.offered_by, offered_by),
        description=inputs.text(GiftRefusal.description, description),
        refused_on=refused_on,
    )
    inputs.date(refused_on, "refusedOn")
    if refused_on > clock.today_in_china():
        inputs.add(
            ValidationFailed("拒收日期不能晚于今天", code="DATE_OUT_OF_RANGE", field="refusedOn")
        )
    inputs.done()
    session.add(refusal)
    await session.flush()
    await record(
        session,
        actor,
        "intake.gift_refusal.declare",
        office_id=refusal.office_id,
        object_id=global_id_of(refusal),
    )
    return refusal
