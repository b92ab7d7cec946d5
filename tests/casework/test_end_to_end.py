"""Issue 14's walk from the public endpoint to the report, all through HTTP and GraphQL as the
petitioner and the team would: a petition online, its receipt code to read the team's reply, an
interview, a clue from both, a finding with facts, basis and evidence, and the DOCX report
whose text carries the finding (opened with python-docx)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import docx

from inspectnet.ids import global_id
from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.factories import make_intake_team
from tests.intake.factories import IntakeTeam

SUBMIT = "/public/intake/petitions"
RECEIPT = "/public/intake/receipt"
ME = """{ viewer { account { id } } }"""
PETITIONS = """query($id: ID!) { node(id: $id) { ... on Inspection {
  petitions(first: 5) { nodes { id summary } } } } }"""
REPLY = """mutation($input: ReplyToPetitionInput!) { replyToPetition(input: $input) {
  userErrors { code } } }"""
SCHEDULE = """mutation($input: ScheduleInterviewInput!) { scheduleInterview(input: $input) {
  interview { id } userErrors { field code } } }"""
RECORD = """mutation($input: RecordInterviewInput!) { recordInterview(input: $input) {
  interview { state } userErrors { field code } } }"""
CLUE = """mutation($input: CreateClueInput!) { createClue(input: $input) {
  clue { id sources(first: 5) { nodes { kind } } } userErrors { field code } } }"""
FINDING = """mutation($input: CreateFindingInput!) { createFinding(input: $input) {
  finding { id evidence(first: 5) { nodes { kind } } } userErrors { field code } } }"""
READY = """mutation($input: MarkFindingReadyInput!) { markFindingReady(input: $input) {
  finding { ready } userErrors { field code } } }"""
REPORT = """mutation($input: CreateReportInput!) { createReport(input: $input) {
  report { versions(first: 1) { nodes { downloadPath sha256 } } } userErrors { field code } } }"""


async def _gql(api: Api, query: str, variables: dict[str, Any], user: str, name: str) -> Any:
    """The mutation's or query's answer, asserting it was not refused."""
    answer = await api.gql(query, variables, user=user)
    assert "errors" not in answer, answer
    payload = answer["data"][name]
    if isinstance(payload, dict) and "userErrors" in payload:
        assert payload["userErrors"] == [], payload
    return payload


async def _account(api: Api, user: str) -> str:
    return str((await _gql(api, ME, {}, user, "viewer"))["account"]["id"])


async def test_a_petition_online_to_a_docx_report_carrying_the_finding(api: Api) -> None:
    # Given an inspection on site with its team (intake handler, leader, members)
    team: IntakeTeam = await arrange(api, lambda s, system: make_intake_team(s, system))
    inspection = global_id("Inspection", team.inspection.id)

    # When a petitioner writes in through the public endpoint, with no sign-in
    sent = await api.client.post(
        SUBMIT,
        json={
            "announcement": inspection,
            "subject": "TARGET_LEADERSHIP",
            "summary": "反映副局长王建国以加班费名义违规发放补贴",
            "petitionerName": "刘举报",
        },
    )
    assert sent.status_code == 200, sent.text
    code = sent.json()["receiptCode"]

    # … the team reads it and replies
    found = await _gql(api, PETITIONS, {"id": inspection}, team.handler, "node")
    [petition] = found["petitions"]["nodes"]
    assert petition["summary"] == "反映副局长王建国以加班费名义违规发放补贴"
    await _gql(
        api,
        REPLY,
        {"input": {"petitionId": petition["id"], "body": "已收悉，正在核实"}},
        team.leader,
        "replyToPetition",
    )

    # Then the receipt code reads the team's reply, and nothing else about the team
    read = await api.client.post(RECEIPT, json={"code": code})
    assert read.status_code == 200
    assert [r["body"] for r in read.json()["replies"]] == ["已收悉，正在核实"]
    assert set(read.json()) == {"state", "receivedOn", "replies", "materials"}

    # When the team holds an interview and records it
    leader, member = await _account(api, team.leader), await _account(api, team.member)
    interview = (
        await _gql(
            api,
            SCHEDULE,
            {
                "input": {
                    "inspectionId": inspection,
                    "scheduledAt": "2026-11-26T10:00:00+08:00",
                    "intervieweeName": "周涛",
                    "intervieweePost": "财务科科长",
                    "intervieweeUnit": "被巡察单位",
                    "interviewerIds": [leader, member],
                }
            },
            team.leader,
            "scheduleInterview",
        )
    )["interview"]["id"]
    recorded = await _gql(
        api,
        RECORD,
        {"input": {"interviewId": interview, "record": "证实2025年以加班费名义发放补贴12万元。"}},
        team.member,
        "recordInterview",
    )
    assert recorded["interview"]["state"] == "RECORDED"

    # … draws a clue from the petition and the interview
    clue = (
        await _gql(
            api,
            CLUE,
            {
                "input": {
                    "inspectionId": inspection,
                    "categoryRule": "category.other",
                    "summary": "来信和谈话均反映其违规发放补贴",
                    "personName": "王建国",
                    "personPost": "副局长",
                    "sourceIds": [petition["id"], interview],
                }
            },
            team.member,
            "createClue",
        )
    )["clue"]
    assert sorted(s["kind"] for s in clue["sources"]["nodes"]) == ["INTERVIEW", "PETITION"]

    # … records a finding with facts, basis and evidence, and confirms its working paper
    finding = (
        await _gql(
            api,
            FINDING,
            {
                "input": {
                    "inspectionId": inspection,
                    "categoryRule": "category.other",
                    "title": "违规发放津贴补贴",
                    "facts": "2025年以加班费名义发放补贴12万元",
                    "basis": "违反中央八项规定精神",
                    "evidenceIds": [interview, clue["id"]],
                }
            },
            team.member,
            "createFinding",
        )
    )["finding"]
    assert sorted(e["kind"] for e in finding["evidence"]["nodes"]) == ["CLUE", "INTERVIEW"]
    ready = await _gql(
        api, READY, {"input": {"findingId": finding["id"]}}, team.leader, "markFindingReady"
    )
    assert ready["finding"]["ready"] is True

    # … and drafts the inspection report from the finding and the clue
    report = await _gql(
        api,
        REPORT,
        {
            "input": {
                "inspectionId": inspection,
                "kind": "report.inspection",
                "title": "关于巡察情况的报告",
                "findingIds": [finding["id"]],
                "clueIds": [clue["id"]],
            }
        },
        team.member,
        "createReport",
    )
    [version] = report["report"]["versions"]["nodes"]

    # Then the DOCX downloads for the team and its text carries the finding
    got = await api.client.get(
        version["downloadPath"], headers={"authorization": f"Bearer {api.token(team.member)}"}
    )
    assert got.status_code == 200
    texts = [p.text for p in docx.Document(BytesIO(got.content)).paragraphs]
    assert texts[0] == "关于巡察情况的报告"
    assert "1.违规发放津贴补贴" in texts
    assert "2025年以加班费名义发放补贴12万元" in texts
    assert "定性依据：违反中央八项规定精神" in texts
    assert "1.王建国（副局长）" in texts
    assert any("共开展个别谈话1人次，发现问题1个，梳理问题线索1件" in t for t in texts)
    # … and nobody's name from the petition: the report never names the petitioner
    assert not any("刘举报" in t for t in texts)
