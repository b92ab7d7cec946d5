"""The inspected organisation and everyone outside the team never see a petition (nmg-2016
§37(5), qh-zrzyt §32(5)): not by node, not in a list, not in a count."""

from __future__ import annotations

from typing import Any

from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from tests.conftest import Api
from tests.factories import make_intake_team, make_petition
from tests.inspections.factories import move_to

BY_ID = """query($id: ID!) { petition(id: $id) { summary } }"""
BY_NODE = """query($id: ID!) { node(id: $id) { id } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  petitions(first: 10) { totalCount nodes { id } } } } }"""
REPLY = """mutation($input: ReplyToPetitionInput!) { replyToPetition(input: $input) {
  reply { body } userErrors { code } } }"""


async def _sees(api: Api, user: str, petition: str, inspection: str) -> dict[str, Any]:
    by_id = await api.gql(BY_ID, {"id": petition}, user=user)
    by_node = await api.gql(BY_NODE, {"id": petition}, user=user)
    listed = (await api.gql(LIST, {"id": inspection}, user=user))["data"]["node"]
    reply = await api.gql(REPLY, {"input": {"petitionId": petition, "body": "x"}}, user=user)
    return {
        "id": by_id["data"]["petition"],
        "id_code": [e["extensions"]["code"] for e in by_id.get("errors", [])],
        "node": by_node["data"]["node"],
        "count": None if listed is None else listed["petitions"]["totalCount"],
        "reply": [e["code"] for e in reply["data"]["replyToPetition"]["userErrors"]],
    }


NOTHING = {"id": None, "id_code": ["NOT_FOUND"], "node": None, "reply": ["NOT_FOUND"]}


async def test_target_side_sibling_and_recused_accounts_get_not_found_by_every_path(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    petition = await make_petition(session, root, team.inspection, petitioner_name="赵某")
    await session.commit()
    await api.reload_policy()
    pid, iid = global_id("Petition", petition.id), global_id("Inspection", team.inspection.id)

    member = await _sees(api, team.member, pid, iid)
    assert (member["node"], member["count"]) == ({"id": pid}, 1)
    for user in (team.target_side, team.sibling, team.recused):
        seen = await _sees(api, user, pid, iid)
        # The target side reads its own inspection (the notice), with no petition in it.
        assert seen == NOTHING | {"count": 0 if user == team.target_side else None}, user


async def test_a_former_member_after_archive_sees_nothing_and_the_office_keeps_the_record(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    petition = await make_petition(session, root, team.inspection)
    await session.commit()
    async with api.app.state.graphql.database.transaction() as later:
        inspection = await later.get(Inspection, team.inspection.id)
        await move_to(later, root, inspection, Stage.ARCHIVED)
    await api.reload_policy()
    pid, iid = global_id("Petition", petition.id), global_id("Inspection", team.inspection.id)

    # They stay members of the office, so they read the inspection, and no petition in it.
    for user in (team.handler, team.leader, team.member):
        assert await _sees(api, user, pid, iid) == NOTHING | {"count": 0}, user
    office = await _sees(api, team.admin, pid, iid)
    assert (office["node"], office["count"]) == ({"id": pid}, 1)
    assert office["reply"] == ["FORBIDDEN"]
