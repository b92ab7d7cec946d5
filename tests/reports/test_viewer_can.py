"""``viewerCan`` on a report equals the outcome of revising it, for the team's leader and
member, the office's admin (not on the team) and a member of a sibling office; and of approving
it, for the team's leader and a member of each of the office's two bodies."""

from __future__ import annotations

from typing import Any

from inspectnet.accounts.models import Role
from inspectnet.bodies.models import BodyKind
from inspectnet.db import Database
from inspectnet.ids import global_id
from tests.bodies.factories import make_body
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_finding
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.graphql.test_viewer_can import _allowed, _viewer_can
from tests.reports.factories import make_report


async def test_viewer_can_update_is_the_outcome_of_revising(
    api: Api, db: Database, team: Team
) -> None:
    async def build(session: Any, system: Any) -> dict[str, Any]:
        admin = await make_user(session, system, team.office, Role.OFFICE_ADMIN)
        sibling = await make_user(session, system, await make_office(session, system))
        finding = await make_finding(session, system, team.inspection, ready=True)
        report = await make_report(session, system, team.inspection, findings=[finding])
        return {
            "users": {
                "leader": team.leader.username,
                "member": team.member.username,
                "admin": admin.username,
                "sibling": sibling.username,
            },
            "report": global_id("Report", report.id),
        }

    world = await arrange(api, build)
    seen = {}
    for role, user in world["users"].items():
        hint = await _viewer_can(api, user, "Report", "update", world["report"])
        outcome = await _allowed(api, db, user, "reviseReport", {"reportId": world["report"]})
        seen[role] = (hint, outcome)
    assert seen == {
        "leader": (True, True),
        "member": (True, True),
        "admin": (False, False),
        "sibling": (False, False),
    }


async def test_viewer_can_approve_is_the_outcome_of_approving(
    api: Api, db: Database, team: Team
) -> None:
    async def build(session: Any, system: Any) -> dict[str, Any]:
        party = await make_body(session, system, team.office, BodyKind.PARTY_GROUP)
        group = await make_body(session, system, team.office, BodyKind.LEADING_GROUP)
        report = await make_report(session, system, team.inspection)
        return {
            "users": {
                "leader": team.leader.username,
                "party": party.members[0].username,
                "group": group.members[0].username,
            },
            "report": global_id("Report", report.id),
        }

    world = await arrange(api, build)
    seen = {}
    for role, user in world["users"].items():
        hint = await _viewer_can(api, user, "Report", "approve", world["report"])
        outcome = await _allowed(api, db, user, "approveReport", {"reportId": world["report"]})
        seen[role] = (hint, outcome)
    # qh-zrzyt §17: the report goes to the party group, not the leading group nor the team
    assert seen == {
        "leader": (False, False),
        "party": (True, True),
        "group": (False, False),
    }
