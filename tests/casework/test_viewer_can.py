"""``viewerCan`` on casework equals the outcome of the mutation, for the team's leader and
member, the office's admin (not on the team), a sibling office's admin and the target's bound
account."""

from __future__ import annotations

from typing import Any

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.casework import proposals
from inspectnet.db import Database
from inspectnet.ids import global_id
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_activity, make_clue, make_finding, make_interview
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.graphql.test_viewer_can import _allowed, _viewer_can

CASES: list[tuple[str, str, str, str, Any]] = [
    ("Clue", "clue", "update", "updateClue", lambda i: {"clueId": i["clue"], "summary": "补充"}),
    (
        "Clue",
        "clue",
        "merge",
        "mergeClue",
        lambda i: {"clueId": i["clue"], "intoClueId": i["kept"]},
    ),
    (
        "Finding",
        "finding",
        "update",
        "updateFinding",
        lambda i: {"findingId": i["finding"], "title": "新概述"},
    ),
    ("Finding", "finding", "markReady", "markFindingReady", lambda i: {"findingId": i["finding"]}),
    (
        "Finding",
        "finding",
        "withdraw",
        "withdrawFinding",
        lambda i: {"findingId": i["finding"], "reason": "经核实与事实不符"},
    ),
    (
        "Interview",
        "interview",
        "update",
        "recordInterview",
        lambda i: {"interviewId": i["interview"], "record": "补记"},
    ),
    (
        "Interview",
        "interview",
        "sign",
        "signInterview",
        lambda i: {"interviewId": i["interview"], "interviewee": True},
    ),
    (
        "Activity",
        "activity",
        "update",
        "updateActivity",
        lambda i: {"activityId": i["activity"], "subject": "座谈会"},
    ),
    (
        "FixProposal",
        "proposal",
        "update",
        "closeFixProposal",
        lambda i: {"proposalId": i["proposal"]},
    ),
    (
        "FixProposal",
        "proposal",
        "answer",
        "answerFixProposal",
        lambda i: {"proposalId": i["proposal"], "answer": "已整改"},
    ),
    (
        "MidTermReport",
        "report",
        "update",
        "markMidTermReported",
        lambda i: {"reportId": i["report"], "reportedOn": "2026-11-25"},
    ),
]


async def test_viewer_can_is_the_outcome_of_the_mutation(
    api: Api, db: Database, team: Team
) -> None:
    async def build(session: Any, system: Any) -> dict[str, Any]:
        admin = await make_user(session, system, team.office, Role.OFFICE_ADMIN)
        sibling = await make_user(session, system, await make_office(session, system))
        kept = await make_clue(session, system, team.inspection)
        clue = await make_clue(session, system, team.inspection)
        finding = await make_finding(session, system, team.inspection, evidence=[clue])
        interview = await make_interview(session, system, team)
        activity = await make_activity(session, system, team.inspection)
        proposal = await proposals.propose_fix(
            session, system, inspection_id=team.inspection.id, problem="问题", proposal="意见"
        )
        report = await proposals.save_mid_term_report(
            session, system, inspection_id=team.inspection.id, progress="进展", plan="计划"
        )
        side = await make_user(session, system, await make_office(session, system))
        await accounts.bind_to_target(session, system, user_id=side.id, target_id=team.target.id)
        return {
            "users": {
                "leader": team.leader.username,
                "member": team.member.username,
                "admin": admin.username,
                "sibling": sibling.username,
                "target": side.username,
            },
            "ids": {
                "kept": global_id("Clue", kept.id),
                "clue": global_id("Clue", clue.id),
                "finding": global_id("Finding", finding.id),
                "interview": global_id("Interview", interview.id),
                "activity": global_id("Activity", activity.id),
                "proposal": global_id("FixProposal", proposal.id),
                "report": global_id("MidTermReport", report.id),
            },
        }

    world = await arrange(api, build)
    seen: dict[tuple[str, str, str], tuple[bool, bool]] = {}
    for type_name, key, field, mutation, make_input in CASES:
        for role, user in world["users"].items():
            hint = await _viewer_can(api, user, type_name, field, world["ids"][key])
            outcome = await _allowed(api, db, user, mutation, make_input(world["ids"]))
            seen[(role, key, field)] = (hint, outcome)
    assert {case: pair for case, pair in seen.items() if pair[0] != pair[1]} == {}
    assert {k: v[0] for k, v in seen.items() if k[0] == "leader"} == {
        ("leader", "clue", "update"): True,
        ("leader", "clue", "merge"): True,
        ("leader", "finding", "update"): True,
        ("leader", "finding", "markReady"): True,
        ("leader", "finding", "withdraw"): True,
        ("leader", "interview", "update"): True,
        ("leader", "interview", "sign"): True,
        ("leader", "activity", "update"): True,
        ("leader", "proposal", "update"): True,
        ("leader", "proposal", "answer"): False,
        ("leader", "report", "update"): True,
    }
    assert {k[1:] for k, v in seen.items() if k[0] == "member" and not v[0]} == {
        ("clue", "merge"),
        ("finding", "markReady"),
        ("finding", "withdraw"),
        ("proposal", "answer"),
    }
    assert not any(v[0] for k, v in seen.items() if k[0] in ("admin", "sibling"))
    # The target side answers its proposal, and nothing else
    assert {k[1:] for k, v in seen.items() if k[0] == "target" and v[0]} == {("proposal", "answer")}
