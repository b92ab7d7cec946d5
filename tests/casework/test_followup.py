"""边巡边改 (nmg-2016 §23, qh-zrzyt §15): proposals to the target, which its users read and
answer; and the mid-term report to the leading group (qh-zrzyt §15), where the ruleset names it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.casework.models import FixProposal, MidTermReport, ProposalState
from inspectnet.ids import global_id
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_finding, make_team
from tests.conftest import Api
from tests.factories import make_office, make_user

PROPOSE = """mutation($input: ProposeFixInput!) { proposeFix(input: $input) {
  proposal { id state } userErrors { field code } } }"""
ANSWER = """mutation($input: AnswerFixProposalInput!) { answerFixProposal(input: $input) {
  proposal { state answer } userErrors { code } } }"""
CLOSE = """mutation($input: CloseFixProposalInput!) { closeFixProposal(input: $input) {
  proposal { state } userErrors { code } } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  fixProposals(first: 5) { totalCount nodes { problem proposal state finding { id } } } } } }"""
SAVE = """mutation($input: SaveMidTermReportInput!) { saveMidTermReport(input: $input) {
  report { id plan version reportedOn } userErrors { field code message } } }"""
REPORTED = """mutation($input: MarkMidTermReportedInput!) { markMidTermReported(input: $input) {
  report { reportedOn } userErrors { field code } } }"""


async def _bound(api: Api, team: Team) -> tuple[str, str]:
    async def build(session: Any, system: Any) -> tuple[str, str]:
        elsewhere = await make_office(session, system)
        side = await make_user(session, system, elsewhere, Role.OFFICE_MEMBER)
        await accounts.bind_to_target(session, system, user_id=side.id, target_id=team.target.id)
        sibling = await make_user(session, system, await make_office(session, system))
        return side.username, sibling.username

    return await arrange(api, build)


async def test_the_target_reads_and_answers_the_proposal_the_team_closes_it(
    api: Api, team: Team
) -> None:
    side, sibling = await _bound(api, team)
    finding = await arrange(api, lambda s, system: make_finding(s, system, team.inspection))
    made = await api.gql(
        PROPOSE,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                "problem": "公务用车未按规定登记",
                "proposal": "立即建立用车登记制度",
                "findingId": global_id("Finding", finding.id),
            }
        },
        user=team.member.username,
    )
    proposal = made["data"]["proposeFix"]["proposal"]
    assert proposal["state"] == "SENT"

    inspection = global_id("Inspection", team.inspection.id)
    theirs = (await api.gql(LIST, {"id": inspection}, user=side))["data"]["node"]
    # The target reads the proposal, never the finding behind it
    assert theirs["fixProposals"] == {
        "totalCount": 1,
        "nodes": [
            {
                "problem": "公务用车未按规定登记",
                "proposal": "立即建立用车登记制度",
                "state": "SENT",
                "finding": None,
            }
        ],
    }
    assert (await api.gql(LIST, {"id": inspection}, user=sibling))["data"]["node"] is None

    answer = {"input": {"proposalId": proposal["id"], "answer": "已建立登记制度并整改"}}
    by_team = await api.gql(ANSWER, answer, user=team.member.username)
    assert [e["code"] for e in by_team["data"]["answerFixProposal"]["userErrors"]] == ["FORBIDDEN"]
    early = await api.gql(
        CLOSE, {"input": {"proposalId": proposal["id"]}}, user=team.leader.username
    )
    assert [e["code"] for e in early["data"]["closeFixProposal"]["userErrors"]] == ["CONFLICT"]
    answered = await api.gql(ANSWER, answer, user=side)
    assert answered["data"]["answerFixProposal"]["proposal"] == {
        "state": "ANSWERED",
        "answer": "已建立登记制度并整改",
    }
    by_target = await api.gql(CLOSE, {"input": {"proposalId": proposal["id"]}}, user=side)
    assert [e["code"] for e in by_target["data"]["closeFixProposal"]["userErrors"]] == ["FORBIDDEN"]
    closed = await api.gql(
        CLOSE, {"input": {"proposalId": proposal["id"]}}, user=team.leader.username
    )
    assert closed["data"]["closeFixProposal"]["proposal"]["state"] == "CLOSED"
    async with api.app.state.graphql.database.session() as session:
        row = await session.scalar(
            select(FixProposal).where(FixProposal.target_id == team.target.id)
        )
        assert row is not None and row.state is ProposalState.CLOSED


async def test_the_mid_term_report_is_tracked_where_the_ruleset_names_it(
    api: Api, team: Team
) -> None:
    save = {
        "inspectionId": global_id("Inspection", team.inspection.id),
        "progress": "已个别谈话32人次，受理信访18件",
        "plan": "下一阶段重点抽查个人有关事项报告",
    }
    first = await api.gql(SAVE, {"input": save}, user=team.member.username)
    report = first["data"]["saveMidTermReport"]["report"]
    assert (report["version"], report["reportedOn"]) == (1, None)
    again = await api.gql(
        SAVE, {"input": {**save, "plan": "调整计划", "version": 1}}, user=team.leader.username
    )
    assert again["data"]["saveMidTermReport"]["report"] == {
        "id": report["id"],
        "plan": "调整计划",
        "version": 2,
        "reportedOn": None,
    }
    future = await api.gql(
        REPORTED,
        {"input": {"reportId": report["id"], "reportedOn": "2026-11-26"}},
        user=team.leader.username,
    )
    assert [e["code"] for e in future["data"]["markMidTermReported"]["userErrors"]] == [
        "DATE_IN_FUTURE"
    ]
    done = await api.gql(
        REPORTED,
        {"input": {"reportId": report["id"], "reportedOn": "2026-11-25"}},
        user=team.leader.username,
    )
    assert done["data"]["markMidTermReported"]["report"] == {"reportedOn": "2026-11-25"}
    late = await api.gql(SAVE, {"input": save}, user=team.leader.username)
    assert [e["code"] for e in late["data"]["saveMidTermReport"]["userErrors"]] == [
        "MID_TERM_REPORTED"
    ]

    # nmg-2016 names no mid-term report: refused, nothing stored
    nmg = await arrange(api, lambda s, system: make_team(s, system, ruleset_id="nmg-2016"))
    refused = await api.gql(
        SAVE,
        {"input": {**save, "inspectionId": global_id("Inspection", nmg.inspection.id)}},
        user=nmg.member.username,
    )
    errors = refused["data"]["saveMidTermReport"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "inspectionId"], "MID_TERM_NOT_IN_RULESET")
    ]
    async with api.app.state.graphql.database.session() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(MidTermReport)
            .where(MidTermReport.inspection_id == nmg.inspection.id)
        )
    assert count == 0
