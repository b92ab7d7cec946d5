"""A petition (来信来电来访, intake) as a clue's source or a finding's evidence: linked by its
global ID when the actor reads it and it belongs to the same inspection (casework/links.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import UserAccount
from inspectnet.casework.models import ClueSource, FindingEvidence
from inspectnet.ids import global_id
from inspectnet.inspections.models import TeamRole
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_team
from tests.conftest import Api
from tests.inspections.factories import make_assignment, make_inspection
from tests.intake.factories import make_petition

CLUE = """mutation($input: CreateClueInput!) { createClue(input: $input) {
  clue { id sources(first: 5) { nodes { kind label record { id } } } }
  userErrors { field code } } }"""
FINDING = """mutation($input: CreateFindingInput!) { createFinding(input: $input) {
  finding { id evidence(first: 5) { nodes { kind record { id } } } }
  userErrors { field code } } }"""


def _clue(team: Team, source: str) -> dict[str, Any]:
    return {
        "input": {
            "inspectionId": global_id("Inspection", team.inspection.id),
            "categoryRule": "category.other",
            "summary": "群众来信反映其违规收受礼金",
            "personName": "赵德汉",
            "personPost": "处长",
            "sourceIds": [source],
        }
    }


def _finding(team: Team, evidence: str) -> dict[str, Any]:
    return {
        "input": {
            "inspectionId": global_id("Inspection", team.inspection.id),
            "categoryRule": "category.other",
            "title": "违规收受礼金",
            "evidenceIds": [evidence],
        }
    }


async def _links(api: Api) -> tuple[int, int]:
    async with api.app.state.graphql.database.session() as session:
        sources = await session.scalar(select(func.count()).select_from(ClueSource))
        evidence = await session.scalar(select(func.count()).select_from(FindingEvidence))
    return int(sources or 0), int(evidence or 0)


async def test_a_petition_of_the_inspection_is_a_source_and_evidence(api: Api, team: Team) -> None:
    petition = await arrange(api, lambda s, system: make_petition(s, system, team.inspection))
    gid = global_id("Petition", petition.id)

    clue = await api.gql(CLUE, _clue(team, gid), user=team.member.username)
    finding = await api.gql(FINDING, _finding(team, gid), user=team.member.username)

    assert clue["data"]["createClue"]["userErrors"] == []
    assert clue["data"]["createClue"]["clue"]["sources"]["nodes"] == [
        {"kind": "PETITION", "label": "来信来电来访", "record": {"id": gid}}
    ]
    assert finding["data"]["createFinding"]["userErrors"] == []
    assert finding["data"]["createFinding"]["finding"]["evidence"]["nodes"] == [
        {"kind": "PETITION", "record": {"id": gid}}
    ]


async def test_a_petition_hidden_or_of_another_inspection_is_refused(api: Api, team: Team) -> None:
    async def build(session: Any, system: Any) -> dict[str, int]:
        # another team's inspection in the same office: its petition is hidden from this team
        other = await make_team(session, system, office=team.office)
        hidden = await make_petition(session, system, other.inspection)
        # a second inspection of the same target this member is also on: readable, not this one
        second = await make_inspection(session, system, team.target.id, "第二轮巡察")
        member = await session.get(UserAccount, team.member.id)
        await make_assignment(session, system, second, member.id, TeamRole.MEMBER)
        elsewhere = await make_petition(session, system, second)
        return {"hidden": hidden.id, "elsewhere": elsewhere.id}

    made = await arrange(api, build)
    before = await _links(api)

    for pk, code in ((made["hidden"], "NOT_FOUND"), (made["elsewhere"], "LINK_OTHER_INSPECTION")):
        gid = global_id("Petition", pk)
        clue = await api.gql(CLUE, _clue(team, gid), user=team.member.username)
        finding = await api.gql(FINDING, _finding(team, gid), user=team.member.username)
        assert [e["code"] for e in clue["data"]["createClue"]["userErrors"]] == [code]
        assert [e["code"] for e in finding["data"]["createFinding"]["userErrors"]] == [code]

    assert await _links(api) == before
