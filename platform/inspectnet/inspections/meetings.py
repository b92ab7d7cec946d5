"""The team's meetings (组务会, nmg-2016 §10): the team works under its leader's responsibility
(组长负责制) and decides its important matters in meeting, by democratic centralism. The leader
records each meeting (date, who of the team attended, what it decided); the team alone reads
them (policy.csv: team roles only, no office role).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.errors import ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.confirmation import roster_of
from inspectnet.inspections.models import Inspection, TeamMeeting


async def record_meeting(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    held_on: date,
    attendee_ids: Sequence[int],
    decisions: str,
) -> TeamMeeting:
    """Record a meeting of the team: its date, its attendees (all on the team) and decisions."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        TeamMeeting,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    inputs = validation.Inputs()
    text = inputs.text(TeamMeeting.decisions, decisions)
    inputs.date(held_on, "heldOn")
    if held_on > clock.today_in_china():
        inputs.add(ValidationFailed("日期不能晚于今天", code="DATE_IN_FUTURE", field="heldOn"))
    attendees = sorted(set(attendee_ids))
    if not attendees:
        inputs.add(ValidationFailed("须列明参会人员", code="REQUIRED", field="attendeeIds"))
    team = {user for user, _role in await roster_of(session, inspection.id)}
    if any(user not in team for user in attendees):
        inputs.add(
            ValidationFailed(
                "参会人员须为本巡视（巡察）组成员（组务会制度，nmg-2016 §10）",
                code="MEETING_ATTENDEE_NOT_ON_TEAM",
                field="attendeeIds",
            )
        )
    inputs.done()
    meeting = TeamMeeting(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        held_on=held_on,
        attendees=attendees,
        decisions=text,
    )
    session.add(meeting)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.team.meeting",
        office_id=inspection.office_id,
        object_id=global_id_of(meeting),
        detail={"held_on": held_on.isoformat(), "attendees": len(attendees)},
    )
    return meeting
