"""How the door sees inspections: phases as relations, team assignments as grants.

A team role is held in the domain ``inspection:N`` (一次一授权, nmg-2016 §9, qh-zrzyt §9). The
inspection's stage gives the relation its objects stand in to that domain, so the policy rows
(inspections/policy.csv) say per phase what each role may do:

- ``mission``: from planning until the hearing, the team works the inspection;
- ``after_feedback``: once fed back the team reads, and reviews and approves the target's
  rectification plan (报巡察组审定, qh-zrzyt §19);
- archived: no relation at all, so every team grant has ended (materials go to the office,
  qh-zrzyt §27).

A grant counts only between its ``valid_from`` and ``valid_until``: the snapshot holds the
grants valid at its load and expires at the next start or end, when the store reloads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.sources import INSPECTION, Grants, domain_of
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment

MISSION = "mission"
AFTER_FEEDBACK = "after_feedback"
PHASE_OF_STAGE: dict[Stage, str | None] = {
    **{stage: MISSION for stage in Stage},
    Stage.FED_BACK: AFTER_FEEDBACK,
    Stage.ARCHIVED: None,
}


def role_name(role: str) -> str:
    """The Casbin role a team role is (``team_leader``): apart from every office role."""
    return f"team_{role}"


class InspectionPhases:
    """``mission`` / ``after_feedback`` of inspection N is {N} while N is in that phase."""

    scope = INSPECTION
    relations = (MISSION, AFTER_FEEDBACK)

    async def load(self, session: AsyncSession) -> dict[int, str]:
        rows = await session.execute(
            # system scope: the policy itself is loaded from every office's inspections
            select(Inspection.id, Inspection.stage).where(Inspection.stage != Stage.ARCHIVED)
        )
        return {pk: phase for pk, stage in rows if (phase := PHASE_OF_STAGE[stage]) is not None}

    def related(self, index: dict[int, str], relation: str, root: int) -> frozenset[int]:
        return frozenset((root,)) if index.get(root) == relation else frozenset()

    def related_query(self, relation: str, root: int) -> None:
        return None  # at most one inspection: always bound


class TeamGrants:
    """``g, user:U, team_<role>, inspection:N`` for every assignment valid now."""

    async def grants(self, session: AsyncSession, now: datetime) -> Grants:
        rows = await session.execute(
            # system scope: the policy itself is loaded from every office's team assignments
            select(
                TeamAssignment.user_id,
                TeamAssignment.role,
                TeamAssignment.inspection_id,
                TeamAssignment.valid_from,
                TeamAssignment.valid_until,
            )
            .join(Inspection, Inspection.id == TeamAssignment.inspection_id)
            .where(
                Inspection.stage != Stage.ARCHIVED,
                or_(TeamAssignment.valid_until.is_(None), TeamAssignment.valid_until > now),
            )
            .order_by(TeamAssignment.id)
        )
        lines: list[PolicyLine] = []
        changes: list[datetime] = []
        for user, role, inspection, valid_from, valid_until in rows:
            if valid_from > now:
                changes.append(valid_from)  # not yet: the snapshot expires when it starts
                continue
            if valid_until is not None:
                changes.append(valid_until)
            domain = domain_of(INSPECTION, inspection)
            lines.append(PolicyLine("g", (f"user:{user}", role_name(role.value), domain)))
        return Grants(tuple(lines), min(changes, default=None))


SOURCES = (InspectionPhases(), TeamGrants())
