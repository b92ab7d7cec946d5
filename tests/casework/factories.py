"""Casework rows made through the services: a team on an inspection, clues, findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.casework import clues, findings, interviews
from inspectnet.casework.models import Activity, Clue, Finding, Interview
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, TeamRole
from inspectnet.network.models import Office
from inspectnet.targets.models import Target
from tests.accounts.factories import make_user
from tests.inspections.factories import make_assignment, make_inspection
from tests.network.factories import make_office
from tests.targets.factories import make_target


@dataclass(frozen=True)
class Team:
    """An office's inspection of a target, with a leader and a member on its team."""

    office: Office
    target: Target
    inspection: Inspection
    leader: UserAccount
    member: UserAccount


async def make_team(
    session: AsyncSession,
    actor: Actor,
    *,
    ruleset_id: str = "qh-zrzyt",
    office: Office | None = None,
) -> Team:
    """A new office (or ``office``), a target, its inspection and a two-person team."""
    office = office or await make_office(session, actor, ruleset_id=ruleset_id)
    target = await make_target(session, actor, office)
    inspection = await make_inspection(session, actor, target.id)
    leader = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    member = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    await make_assignment(session, actor, inspection, leader.id, TeamRole.LEADER)
    await make_assignment(session, actor, inspection, member.id, TeamRole.MEMBER)
    return Team(office, target, inspection, leader, member)


async def make_clue(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    *,
    person_name: str = "王建国",
    person_post: str = "副局长",
    person_id: int | None = None,
    category: str = "category.other",
    sources: Sequence[object] = (),
) -> Clue:
    """An open clue about a cadre, linked to ``sources`` (interviews, records)."""
    return await clues.create_clue(
        session,
        actor,
        inspection_id=inspection.id,
        category=category,
        summary="反映其违规收受礼金",
        person_post=person_post,
        person_id=person_id,
        person_name=None if person_id is not None else person_name,
        source_ids=[global_id_of(s) for s in sources],
    )


async def make_finding(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    *,
    ready: bool = False,
    evidence: Sequence[object] = (),
    category: str = "category.other",
) -> Finding:
    """A finding; ``ready=True`` gives it facts, basis, evidence (a clue when none is given)
    and marks it ready for a report."""
    if ready and not evidence:
        evidence = [await make_clue(session, actor, inspection)]
    finding = await findings.create_finding(
        session,
        actor,
        inspection_id=inspection.id,
        category=category,
        title="违规发放津贴补贴",
        facts="2025年以加班费名义发放补贴12万元" if ready else None,
        basis="违反中央八项规定精神" if ready else None,
        evidence_ids=[global_id_of(e) for e in evidence],
    )
    if ready:
        finding = await findings.mark_finding_ready(session, actor, finding_id=finding.id)
    return finding


async def make_interview(
    session: AsyncSession,
    actor: Actor,
    team: Team,
    *,
    record: str | None = "谈话对象反映：该局违规发放津贴补贴。",
    interviewee_name: str = "周涛",
) -> Interview:
    """An interview of ``team``'s inspection by its leader and member, recorded unless
    ``record=None``."""
    interview = await interviews.schedule_interview(
        session,
        actor,
        inspection_id=team.inspection.id,
        scheduled_at=datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
        interviewee_name=interviewee_name,
        interviewee_post="办公室主任",
        interviewee_unit="某局",
        interviewer_ids=[team.leader.id, team.member.id],
    )
    if record is not None:
        interview = await interviews.record_interview(
            session, actor, interview_id=interview.id, text=record
        )
    return interview


async def make_activity(
    session: AsyncSession, actor: Actor, inspection: Inspection, method: str = "method.forum"
) -> Activity:
    """A record of another method (a forum unless told) with its material."""
    return await interviews.record_activity(
        session,
        actor,
        inspection_id=inspection.id,
        method=method,
        held_on=date(2026, 11, 25),
        subject="中层干部座谈会",
        material="参会12人，反映公务接待超标问题。",
    )
