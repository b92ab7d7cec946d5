"""Casework rows made through the services: a team on an inspection, clues, findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.casework import clues, findings
from inspectnet.casework.models import Clue, Finding
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
