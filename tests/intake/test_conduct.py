"""Complaints about the inspectors reach the leading group and its office, never the team
complained about (nmg-2016 §41, qh-zrzyt §33); gifts refused are declared by the member who
refused them (qh-zrzyt §28, §31)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.ids import global_id
from inspectnet.intake.models import GiftRefusal, InspectorComplaint
from tests.conftest import Api
from tests.factories import make_body, make_intake_team

FILE = """mutation($input: FileInspectorComplaintInput!) { fileInspectorComplaint(input: $input) {
  complaint { id summary } userErrors { field code } } }"""
COMPLAINTS = """query($id: ID!) { node(id: $id) { ... on Office {
  inspectorComplaints(first: 10) { totalCount nodes { channel summary } } } } }"""
BY_NODE = """query($id: ID!) { node(id: $id) { id } }"""
DECLARE = """mutation($input: DeclareGiftRefusalInput!) { declareGiftRefusal(input: $input) {
  refusal { offeredBy refusedOn } userErrors { field code } } }"""
REFUSALS = """query($id: ID!) { node(id: $id) { ... on Inspection {
  giftRefusals(first: 10) { totalCount nodes { offeredBy } } } } }"""


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _complaints(api: Api, user: str, office: str) -> Any:
    node = (await api.gql(COMPLAINTS, {"id": office}, user=user))["data"]["node"]
    return None if node is None else node["inspectorComplaints"]["totalCount"]


async def test_a_complaint_reaches_the_leading_group_and_office_and_never_the_team(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    group = await make_body(session, root, team.office)
    await session.commit()
    await api.reload_policy()
    inspection = global_id("Inspection", team.inspection.id)
    office = global_id("Office", team.office.id)

    # The target's side complains signed in; the public complains through the route.
    filed = await api.gql(
        FILE,
        {"input": {"inspectionId": inspection, "summary": "巡察组成员接受宴请"}},
        user=team.target_side,
    )
    made = filed["data"]["fileInspectorComplaint"]["complaint"]
    assert made["summary"] == "巡察组成员接受宴请"
    complaint = made["id"]
    public = await api.client.post(
        "/public/intake/complaints", json={"announcement": inspection, "summary": "态度粗暴"}
    )
    assert public.status_code == 200 and public.json() == {"receivedOn": "2026-11-25"}

    group_member = group.members[0].username
    assert await _complaints(api, group_member, office) == 2
    assert await _complaints(api, team.admin, office) == 2
    # The team complained about, and the complainant, read none of them.
    for user in (team.leader, team.handler, team.member, team.target_side):
        assert await _complaints(api, user, office) in (0, None), user
        seen = await api.gql(BY_NODE, {"id": complaint}, user=user)
        assert seen["data"]["node"] is None, user


async def test_a_complaint_names_a_member_of_that_team_only_and_bad_input_writes_nothing(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    inspection = global_id("Inspection", team.inspection.id)
    before = await _count(api, InspectorComplaint)

    stranger = await api.gql(
        FILE,
        {"input": {"inspectionId": inspection, "summary": "x", "aboutUserId": _user(team)}},
        user=team.admin,
    )
    errors = stranger["data"]["fileInspectorComplaint"]["userErrors"]
    assert [(e["field"][-1], e["code"]) for e in errors] == [("aboutUserId", "NOT_A_TEAM_MEMBER")]
    hidden = await api.gql(
        FILE, {"input": {"inspectionId": inspection, "summary": "x"}}, user=team.sibling
    )
    assert [e["code"] for e in hidden["data"]["fileInspectorComplaint"]["userErrors"]] == [
        "NOT_FOUND"
    ]
    unknown = await api.client.post(
        "/public/intake/complaints", json={"announcement": "bm9wZQ", "summary": "x"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "INTAKE_NOT_FOUND")
    assert await _count(api, InspectorComplaint) == before


def _user(team: Any) -> str:
    # The office admin is no member of the team: naming them is refused.
    return global_id("UserAccount", team.admin_id)


async def test_a_member_declares_a_refused_gift_the_leader_and_office_read_it(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    inspection = global_id("Inspection", team.inspection.id)
    given = {
        "inspectionId": inspection,
        "offeredBy": "被巡察单位办公室",
        "description": "土特产两箱",
        "refusedOn": "2026-11-24",
    }

    declared = await api.gql(DECLARE, {"input": given}, user=team.member)
    assert declared["data"]["declareGiftRefusal"] == {
        "refusal": {"offeredBy": "被巡察单位办公室", "refusedOn": "2026-11-24"},
        "userErrors": [],
    }
    for user, count in ((team.leader, 1), (team.admin, 1), (team.member, None)):
        node = (await api.gql(REFUSALS, {"id": inspection}, user=user))["data"]["node"]
        assert node["giftRefusals"]["totalCount"] == (count or 0), user
    # Only a member of the team declares; the office admin holds no assignment there.
    refused = await api.gql(DECLARE, {"input": given}, user=team.admin)
    assert [e["code"] for e in refused["data"]["declareGiftRefusal"]["userErrors"]] == ["FORBIDDEN"]
    late = await api.gql(DECLARE, {"input": given | {"refusedOn": "2026-12-30"}}, user=team.member)
    assert [e["field"][-1] for e in late["data"]["declareGiftRefusal"]["userErrors"]] == [
        "refusedOn"
    ]
    assert await _count(api, GiftRefusal) == 1
