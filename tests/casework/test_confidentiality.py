"""Team-only confidentiality: interviews, clues and findings reach nobody off the team, by any
path (node, the inspection's lists, their counts): not the inspected organisation's bound
account, not a sibling office, not the office's own admin, not a recused team member, and not
a former member once the inspection is archived (every team grant ends)."""

from __future__ import annotations

from typing import Any

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.authz import recusals
from inspectnet.ids import global_id
from inspectnet.inspections.models import Stage, TeamRole
from tests.casework.conftest import arrange
from tests.casework.factories import make_clue, make_finding, make_interview, make_team
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.inspections.factories import make_assignment, move_to

NODE = """query($id: ID!) { node(id: $id) { id } }"""
LISTS = """query($id: ID!) { node(id: $id) { ... on Inspection {
  interviews(first: 10) { totalCount nodes { id } }
  clues(first: 10) { totalCount nodes { id } }
  findings(first: 10) { totalCount nodes { id } } } } }"""


async def _world(session: Any, system: Any) -> dict[str, Any]:
    # nmg-2016: the inspection can be moved on to its archive without a plan's approval
    team = await make_team(session, system, ruleset_id="nmg-2016")
    # On site, the team formed (no recused person is on a team when it is formed)
    await move_to(session, system, team.inspection, Stage.ON_SITE)
    interview = await make_interview(session, system, team)
    clue = await make_clue(session, system, team.inspection, sources=[interview])
    finding = await make_finding(session, system, team.inspection, ready=True, evidence=[clue])
    elsewhere = await make_office(session, system)
    bound = await make_user(session, system, elsewhere, Role.OFFICE_MEMBER)
    await accounts.bind_to_target(session, system, user_id=bound.id, target_id=team.target.id)
    recused = await make_user(session, system, team.office, Role.OFFICE_MEMBER)
    await make_assignment(session, system, team.inspection, recused.id, TeamRole.MEMBER)
    await recusals.record_recusal(
        session, system, person_id=recused.person_id, target_id=team.target.id, reason="配偶任职"
    )
    admin = await make_user(session, system, team.office, Role.OFFICE_ADMIN)
    sibling = await make_user(session, system, await make_office(session, system))
    return {
        "team": team,
        "ids": [
            global_id("Interview", interview.id),
            global_id("Clue", clue.id),
            global_id("Finding", finding.id),
        ],
        "inspection": global_id("Inspection", team.inspection.id),
        "outsiders": {
            "target": bound.username,
            "recused": recused.username,
            "admin": admin.username,
            "sibling": sibling.username,
        },
    }


async def _sees(api: Api, world: dict[str, Any], user: str) -> dict[str, Any]:
    found = {}
    for gid in world["ids"]:
        answer = await api.gql(NODE, {"id": gid}, user=user)
        found[gid] = answer["data"]["node"] if answer.get("data") else None
    lists = (await api.gql(LISTS, {"id": world["inspection"]}, user=user))["data"]["node"]
    return {"nodes": found, "lists": lists}


NOTHING = {
    "interviews": {"totalCount": 0, "nodes": []},
    "clues": {"totalCount": 0, "nodes": []},
    "findings": {"totalCount": 0, "nodes": []},
}


async def test_nobody_off_the_team_reaches_interviews_clues_or_findings(api: Api) -> None:
    world = await arrange(api, _world)
    team = world["team"]
    # The team sees all three, so the paths asked below are live
    member = await _sees(api, world, team.member.username)
    assert all(member["nodes"][gid] == {"id": gid} for gid in world["ids"])
    assert [member["lists"][k]["totalCount"] for k in ("interviews", "clues", "findings")] == [
        1,
        1,
        1,
    ]

    for who, user in world["outsiders"].items():
        seen = await _sees(api, world, user)
        assert seen["nodes"] == dict.fromkeys(world["ids"]), who
        # The inspection itself is the target's and the office's to read: its lists are empty
        # for them; the sibling and the recused member do not read the inspection at all.
        assert seen["lists"] in (None, NOTHING), who
    # The bound account and the office's admin read the inspection and meet empty lists
    for who in ("target", "admin"):
        seen = await _sees(api, world, world["outsiders"][who])
        assert seen["lists"] == NOTHING, who


async def test_a_former_member_reaches_nothing_once_the_inspection_is_archived(api: Api) -> None:
    world = await arrange(api, _world)
    team = world["team"]
    await arrange(
        api, lambda session, system: move_to(session, system, team.inspection, Stage.ARCHIVED)
    )
    for user in (team.member.username, team.leader.username):
        seen = await _sees(api, world, user)
        assert seen["nodes"] == dict.fromkeys(world["ids"]), user
        assert seen["lists"] in (None, NOTHING), user
