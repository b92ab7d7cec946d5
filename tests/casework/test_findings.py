"""Findings 问题: category from the ruleset, facts, basis, evidence; ready for a report only
with a complete working paper (底稿, qh-zrzyt §16)."""

from __future__ import annotations

from typing import Any

from inspectnet.casework.models import Finding
from inspectnet.ids import global_id
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_clue, make_finding, make_team
from tests.conftest import Api

CREATE = """mutation($input: CreateFindingInput!) { createFinding(input: $input) {
  finding { id ready evidence(first: 5) { totalCount nodes { kind record { id } } } }
  userErrors { field code message } } }"""
READY = """mutation($input: MarkFindingReadyInput!) { markFindingReady(input: $input) {
  finding { id ready readyAt } userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateFindingInput!) { updateFinding(input: $input) {
  finding { ready facts version } userErrors { field code } } }"""
CAN = """query($id: ID!) { node(id: $id) { ... on Finding { viewerCan { update markReady } } } }"""


async def _row(api: Api, pk: int) -> Finding:
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Finding, pk)
        assert row is not None
        return row


async def test_a_finding_is_ready_only_with_facts_basis_and_evidence(api: Api, team: Team) -> None:
    clue = await arrange(api, lambda s, system: make_clue(s, system, team.inspection))
    made = await api.gql(
        CREATE,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                "categoryRule": "category.style_building",
                "title": "违规发放津贴补贴",
                "facts": "以加班费名义发放补贴",
            }
        },
        user=team.member.username,
    )
    finding = made["data"]["createFinding"]["finding"]
    assert finding["ready"] is False and finding["evidence"]["totalCount"] == 0

    refused = await api.gql(
        READY, {"input": {"findingId": finding["id"]}}, user=team.leader.username
    )
    errors = refused["data"]["markFindingReady"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "findingId"], "FINDING_PAPER_INCOMPLETE")
    ]
    assert "定性依据、证据材料" in errors[0]["message"]
    assert "qh-zrzyt §16" in errors[0]["message"]
    pk = await _pk(api, finding["id"])
    assert (await _row(api, pk)).ready_at is None

    # The member may change it but not confirm it; the leader confirms the completed paper
    hint = await api.gql(CAN, {"id": finding["id"]}, user=team.member.username)
    assert hint["data"]["node"]["viewerCan"] == {"update": True, "markReady": False}
    completed = await api.gql(
        """mutation($a: UpdateFindingInput!, $b: AddFindingEvidenceInput!) {
          updateFinding(input: $a) { userErrors { code } }
          addFindingEvidence(input: $b) { finding { evidence(first: 5) {
            nodes { kind label record { id } } } } userErrors { code } } }""",
        {
            "a": {"findingId": finding["id"], "basis": "违反中央八项规定精神"},
            "b": {"findingId": finding["id"], "evidenceIds": [global_id("Clue", clue.id)]},
        },
        user=team.member.username,
    )
    assert completed["data"]["addFindingEvidence"]["finding"]["evidence"]["nodes"] == [
        {"kind": "CLUE", "label": "问题线索", "record": {"id": global_id("Clue", clue.id)}}
    ]
    denied = await api.gql(
        READY, {"input": {"findingId": finding["id"]}}, user=team.member.username
    )
    assert [e["code"] for e in denied["data"]["markFindingReady"]["userErrors"]] == ["FORBIDDEN"]
    ready = await api.gql(READY, {"input": {"findingId": finding["id"]}}, user=team.leader.username)
    assert ready["data"]["markFindingReady"]["finding"]["ready"] is True
    hint = await api.gql(CAN, {"id": finding["id"]}, user=team.leader.username)
    assert hint["data"]["node"]["viewerCan"] == {"update": True, "markReady": True}

    # A change to the facts takes the mark back: the changed paper is confirmed again
    changed = await api.gql(
        UPDATE,
        {"input": {"findingId": finding["id"], "facts": "以加班费名义发放补贴12万元"}},
        user=team.member.username,
    )
    assert changed["data"]["updateFinding"]["finding"]["ready"] is False


async def _pk(api: Api, gid: str) -> int:
    from inspectnet.ids import parse_global_id

    return parse_global_id(gid)[1]


async def test_evidence_must_be_a_linkable_record_of_the_same_inspection(
    api: Api, team: Team
) -> None:
    async def build(session: Any, system: Any) -> dict[str, int]:
        other = await make_team(session, system, office=team.office)
        return {"elsewhere": (await make_clue(session, system, other.inspection)).id}

    made = await arrange(api, build)
    base = {
        "inspectionId": global_id("Inspection", team.inspection.id),
        "categoryRule": "category.other",
        "title": "问题",
    }
    for ids, code in (
        ([global_id("Target", team.target.id)], "LINK_KIND_NOT_ALLOWED"),
        # another team's clue: hidden from this team, so as good as missing
        ([global_id("Clue", made["elsewhere"])], "NOT_FOUND"),
        (["not-an-id"], "INVALID_ID"),
    ):
        refused = await api.gql(
            CREATE, {"input": {**base, "evidenceIds": ids}}, user=team.member.username
        )
        assert [e["code"] for e in refused["data"]["createFinding"]["userErrors"]] == [code], ids


async def test_a_clue_of_another_inspection_readable_by_the_same_team_is_refused(
    api: Api, team: Team
) -> None:
    from inspectnet.accounts.models import UserAccount
    from inspectnet.inspections.models import TeamRole
    from tests.inspections.factories import make_assignment, make_inspection

    async def build(session: Any, system: Any) -> int:
        second = await make_inspection(session, system, team.target.id, "第二轮巡察")
        member = await session.get(UserAccount, team.member.id)
        await make_assignment(session, system, second, member.id, TeamRole.MEMBER)
        return (await make_clue(session, system, second)).id

    elsewhere = await arrange(api, build)
    refused = await api.gql(
        CREATE,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                "categoryRule": "category.other",
                "title": "问题",
                "evidenceIds": [global_id("Clue", elsewhere)],
            }
        },
        user=team.member.username,
    )
    errors = refused["data"]["createFinding"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "evidenceIds"], "LINK_OTHER_INSPECTION")
    ]


async def test_the_factory_makes_a_ready_finding(api: Api, team: Team) -> None:
    finding = await arrange(
        api, lambda s, system: make_finding(s, system, team.inspection, ready=True)
    )
    row = await _row(api, finding.id)
    assert row.ready_at is not None and row.facts and row.basis
