"""Reports drafted from the casework (nmg-2016 §26, qh-zrzyt §16–17): only ready findings go in,
each draft is a DOCX version in the official-document layout, downloadable by the team alone."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import docx
from docx.oxml.ns import qn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.casework.models import Interview, InterviewState
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.reports.models import Report, ReportItem, ReportVersion
from inspectnet.schema import download_routes
from tests.accounts.factories import make_user
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_clue, make_finding
from tests.conftest import Api
from tests.reports.factories import make_report

CREATE = """mutation($input: CreateReportInput!) { createReport(input: $input) {
  report { id kind currentVersion viewerCan { update }
    versions(first: 5) { nodes { number afterHearing size sha256 downloadPath } } }
  userErrors { field code message } } }"""
REVISE = """mutation($input: ReviseReportInput!) { reviseReport(input: $input) {
  report { currentVersion versions(first: 5) { nodes { number afterHearing note } } }
  userErrors { field code message } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""


async def make_interview(session: AsyncSession, inspection: Inspection) -> Interview:
    """A recorded interview (casework has no interview service on this branch yet)."""
    interview = Interview(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        scheduled_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        interviewee_name="李强",
        interviewee_post="办公室主任",
        interviewee_unit="被巡察单位",
        state=InterviewState.RECORDED,
        record="反映单位以加班费名义发放补贴",
    )
    session.add(interview)
    await session.flush()
    return interview


def bearer(api: Api, user: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.token(user)}"}


async def _count(api: Api, model: Any) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_interview_clue_finding_to_a_docx_report_containing_the_finding(
    api: Api, team: Team
) -> None:
    # Given an interview, a clue from it, and a finding with facts, basis and evidence
    async def build(session: AsyncSession, system: Actor) -> tuple[Any, Any]:
        interview = await make_interview(session, team.inspection)
        clue = await make_clue(session, system, team.inspection, sources=[interview])
        finding = await make_finding(
            session, system, team.inspection, ready=True, evidence=[interview, clue]
        )
        return clue, finding

    clue, finding = await arrange(api, build)

    # When a team member drafts the inspection report from them
    made = await api.gql(
        CREATE,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                "kind": "report.inspection",
                "title": "关于对测试单位党组织巡察情况的报告",
                "findingIds": [global_id("Finding", finding.id)],
                "clueIds": [global_id("Clue", clue.id)],
                "suggestions": "建议责令退还违规发放的补贴",
            }
        },
        user=team.member.username,
    )
    payload = made["data"]["createReport"]
    assert payload["userErrors"] == []
    report = payload["report"]
    assert (report["kind"], report["currentVersion"]) == ("report.inspection", 1)
    assert report["viewerCan"] == {"update": True}
    [version] = report["versions"]["nodes"]
    assert version["number"] == 1 and version["afterHearing"] is False

    # Then the DOCX downloads for the team and its text carries the finding, basis and clue
    got = await api.client.get(version["downloadPath"], headers=bearer(api, team.member.username))
    assert got.status_code == 200
    assert got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert len(got.content) == version["size"]
    document = docx.Document(BytesIO(got.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于对测试单位党组织巡察情况的报告"
    assert "二、发现的主要问题" in texts
    assert "1.违规发放津贴补贴" in texts
    assert "2025年以加班费名义发放补贴12万元" in texts
    assert "定性依据：违反中央八项规定精神" in texts
    assert "1.王建国（副局长）" in texts
    assert "四、意见建议" in texts and "建议责令退还违规发放的补贴" in texts
    assert any("共开展个别谈话1人次，发现问题1个，梳理问题线索1件" in t for t in texts)

    # … in the official-document layout: fonts in the East Asian slot, GB/T 9704 margins
    def east_asian(index: int) -> str:
        return document.paragraphs[index].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian(0) == "方正小标宋简体"
    assert east_asian(texts.index("二、发现的主要问题")) == "黑体"
    assert east_asian(texts.index("2025年以加班费名义发放补贴12万元")) == "仿宋_GB2312"
    page = document.sections[0]
    margins = (page.top_margin, page.bottom_margin, page.left_margin, page.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]  # stored in twips


async def test_a_finding_not_ready_is_refused_and_nothing_is_written(api: Api, team: Team) -> None:
    # Given a finding whose working paper is not confirmed
    finding = await arrange(api, lambda s, system: make_finding(s, system, team.inspection))
    before = [await _count(api, m) for m in (Report, ReportVersion, ReportItem)]

    refused = await api.gql(
        CREATE,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                "kind": "report.inspection",
                "title": "关于巡察情况的报告",
                "findingIds": [global_id("Finding", finding.id)],
            }
        },
        user=team.leader.username,
    )

    payload = refused["data"]["createReport"]
    assert payload["report"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["input", "findingIds"], "FINDING_NOT_READY")
    assert "违规发放津贴补贴" in error["message"] and "qh-zrzyt §16" in error["message"]
    assert [await _count(api, m) for m in (Report, ReportVersion, ReportItem)] == before


async def test_a_kind_the_ruleset_does_not_name_is_refused(api: Api, team: Team) -> None:
    refused = await api.gql(
        CREATE,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                # nmg-2016 names a personnel-selection report; the Qinghai department's rules do not
                "kind": "report.personnel_selection",
                "title": "选人用人报告",
            }
        },
        user=team.leader.username,
    )
    payload = refused["data"]["createReport"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "kind"], "REPORT_KIND_NOT_IN_RULESET")
    ]


async def test_a_revision_after_the_hearing_is_a_new_version(api: Api, team: Team) -> None:
    # Given a report drafted on site, and the leading group has since heard the team
    async def build(session: AsyncSession, system: Actor) -> Report:
        finding = await make_finding(session, system, team.inspection, ready=True)
        report = await make_report(session, system, team.inspection, findings=[finding])
        inspection = await session.get(Inspection, team.inspection.id)
        assert inspection is not None
        inspection.stage = Stage.HEARD
        return report

    report = await arrange(api, build)

    # When the leader revises it
    revised = await api.gql(
        REVISE,
        {"input": {"reportId": global_id("Report", report.id), "note": "按领导小组意见修改"}},
        user=team.leader.username,
    )

    # Then version 1 is kept and version 2 is marked as revised after the hearing (qh-zrzyt §17)
    payload = revised["data"]["reviseReport"]
    assert payload["userErrors"] == []
    assert payload["report"]["currentVersion"] == 2
    assert payload["report"]["versions"]["nodes"] == [
        {"number": 1, "afterHearing": False, "note": None},
        {"number": 2, "afterHearing": True, "note": "按领导小组意见修改"},
    ]


async def test_nobody_off_the_team_reads_or_downloads_a_report(api: Api, team: Team) -> None:
    # Given a report, and a staff member of the same office who is not on the team
    async def build(session: AsyncSession, system: Actor) -> tuple[Report, Any]:
        finding = await make_finding(session, system, team.inspection, ready=True)
        report = await make_report(session, system, team.inspection, findings=[finding])
        outsider = await make_user(session, system, team.office, Role.OFFICE_ADMIN)
        return report, outsider

    report, outsider = await arrange(api, build)
    async with api.app.state.graphql.database.session() as session:
        version_id = await session.scalar(
            select(ReportVersion.id).where(ReportVersion.report_id == report.id)
        )
    path = f"/reports/{global_id('ReportVersion', version_id)}"

    # Then the office's admin gets NOT_FOUND for the report and 404 for its file
    seen = await api.gql(NODE, {"id": global_id("Report", report.id)}, user=outsider.username)
    assert seen["data"]["node"] is None
    got = await api.client.get(path, headers=bearer(api, outsider.username))
    assert (got.status_code, got.json()["code"]) == (404, "NOT_FOUND")
    anonymous = await api.client.get(path)
    assert anonymous.status_code == 401
    # … while the team downloads it
    ok = await api.client.get(path, headers=bearer(api, team.member.username))
    assert ok.status_code == 200


def test_the_report_download_route_is_declared_by_the_reports_domain() -> None:
    declared = [(r.prefix, r.action, r.refused_status) for r in download_routes()]
    assert ("/reports/", "report.download", 404) in declared
