"""The written notice, the announcement as data and as DOCX, the briefing of the principal, and
no entry without the notice (qh-zrzyt §13, nmg-2016 §25)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import func, select

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.errors import RuleViolation
from inspectnet.ids import global_id
from inspectnet.inspections import stages
from inspectnet.inspections.models import InspectionNotice, InspectionTransition, Stage
from tests.conftest import Api
from tests.factories import make_office, make_target, make_user
from tests.inspections.factories import confirm_team, make_inspection, make_notice, move_to

RECORD = """mutation($input: RecordInspectionNoticeInput!) { recordInspectionNotice(input: $input) {
  notice { id noticeOn siteFrom siteUntil phone onlineAddress announcementUrl version }
  userErrors { field code message } } }"""
BRIEF = """mutation($input: RecordNoticeBriefingInput!) { recordNoticeBriefing(input: $input) {
  notice { briefedOn briefedPerson } userErrors { field code message } } }"""
READ = """query($id: ID!) { node(id: $id) { ... on Inspection {
  notice { scope mailbox viewerCan { update } } } } }"""


def _input(inspection: str, **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "inspectionId": inspection,
            "noticeOn": "2026-11-25",
            "scope": "对青海省第一地质勘查院党委领导班子及其成员开展常规巡察",
            "method": "个别谈话、受理来信来电来访、调阅资料、召开座谈会",
            "siteFrom": "2026-12-01",
            "siteUntil": "2027-01-15",
            "address": "西宁市城西区某路1号",
            "mailbox": "西宁市1001号信箱",
            "phone": "0971-5550001",
            "onlineAddress": "https://xc.example.gov.cn/jubao",
            **changes,
        }
    }


async def test_no_notice_stage_and_no_entry_without_the_written_notice(system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    await confirm_team(session, root, inspection)
    await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.TEAM_FORMED
    )

    with pytest.raises(RuleViolation) as refused:
        await stages.advance_inspection(
            session, root, inspection_id=inspection.id, stage=Stage.NOTIFIED
        )
    assert (refused.value.code, refused.value.article, refused.value.rule_id) == (
        "NOTICE_NOT_RECORDED",
        "nmg-2016 §25",
        "stage.notified",
    )
    await session.refresh(inspection)
    assert inspection.stage is Stage.TEAM_FORMED
    steps = select(func.count()).select_from(InspectionTransition)
    assert (
        await session.scalar(steps.where(InspectionTransition.inspection_id == inspection.id)) == 1
    )

    await make_notice(session, root, inspection)
    moved = await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.NOTIFIED
    )
    assert moved.stage is Stage.NOTIFIED


async def test_the_office_records_the_notice_the_target_reads_it_and_downloads_the_docx(
    api: Api, system: Any
) -> None:
    session, root = system
    office = await make_office(session, root, ruleset_id="qh-zrzyt", name="省自然资源厅党组巡察办")
    elsewhere = await make_office(session, root)
    target = await make_target(session, root, office, "青海省第一地质勘查院党委")
    inspection = await make_inspection(session, root, target.id, "2026年第一轮巡察")
    admin = await make_user(session, root, office)
    side = await make_user(session, root, elsewhere, Role.OFFICE_MEMBER)
    await accounts.bind_to_target(session, root, user_id=side.id, target_id=target.id)
    outsider = await make_user(session, root, elsewhere, Role.OFFICE_MEMBER)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    # bad input: every bad field at once, nothing written
    bad = await api.gql(
        RECORD,
        _input(gid, noticeOn="2026-12-02", siteUntil="2026-11-30", phone=""),
        user=admin.username,
    )
    errors = bad["data"]["recordInspectionNotice"]["userErrors"]
    assert sorted(e["code"] for e in errors) == ["NOTICE_AFTER_ENTRY", "PERIOD_INVALID", "REQUIRED"]
    assert any("qh-zrzyt §13" in e["message"] for e in errors)
    async with api.app.state.graphql.database.session() as check:
        assert (
            await check.scalar(
                select(func.count())
                .select_from(InspectionNotice)
                .where(InspectionNotice.inspection_id == inspection.id)
            )
            == 0
        )

    made = await api.gql(RECORD, _input(gid), user=admin.username)
    notice = made["data"]["recordInspectionNotice"]["notice"]
    assert made["data"]["recordInspectionNotice"]["userErrors"] == []
    assert (notice["noticeOn"], notice["siteFrom"], notice["version"]) == (
        "2026-11-25",
        "2026-12-01",
        1,
    )
    assert notice["announcementUrl"] == "/announcements/" + notice["id"]
    # a correction before entry moves the version; the target reads the notice, no buttons
    fixed = await api.gql(
        RECORD, _input(gid, mailbox="西宁市1002号信箱", version=1), user=admin.username
    )
    assert fixed["data"]["recordInspectionNotice"]["notice"]["version"] == 2
    read = await api.gql(READ, {"id": gid}, user=side.username)
    assert read["data"]["node"]["notice"] == {
        "scope": "对青海省第一地质勘查院党委领导班子及其成员开展常规巡察",
        "mailbox": "西宁市1002号信箱",
        "viewerCan": {"update": False},
    }
    assert (await api.gql(READ, {"id": gid}, user=admin.username))["data"]["node"]["notice"][
        "viewerCan"
    ] == {"update": True}
    side_write = await api.gql(RECORD, _input(gid), user=side.username)
    assert [e["code"] for e in side_write["data"]["recordInspectionNotice"]["userErrors"]] == [
        "FORBIDDEN"
    ]

    # the DOCX: the title, the numbered headings and the official fonts
    url = notice["announcementUrl"]
    got = await api.client.get(url, headers={"authorization": f"Bearer {api.token(side.username)}"})
    assert got.status_code == 200
    document = Document(io.BytesIO(got.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "2026年第一轮巡察公告"
    assert [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、")] == [
        "一、对象和工作内容",
        "二、工作方式",
        "三、时间安排",
        "四、联系方式",
    ]
    assert "举报信箱：西宁市1002号信箱" in texts
    assert "网上受理地址：https://xc.example.gov.cn/jubao" in texts
    assert "现场工作时间为2026年12月1日至2027年1月15日。" in texts
    assert texts[-2:] == ["省自然资源厅党组巡察办", "2026年11月25日"]
    fonts = [
        run._element.rPr.rFonts.get(qn("w:eastAsia"))
        for paragraph in document.paragraphs
        for run in paragraph.runs
    ]
    assert fonts[0] == "方正小标宋简体"
    assert {"黑体", "仿宋_GB2312"} <= set(fonts)
    # someone who cannot read the notice gets no file
    hidden = await api.client.get(
        url, headers={"authorization": f"Bearer {api.token(outsider.username)}"}
    )
    assert (hidden.status_code, hidden.json()["code"]) == (404, "NOT_FOUND")


async def test_the_principal_is_briefed_after_entry_and_the_notice_is_then_fixed(
    api: Api, system: Any
) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    admin = await make_user(session, root, office)
    await make_notice(session, root, inspection)
    await session.commit()
    await api.reload_policy()
    notice = global_id("InspectionNotice", (await _notice(api, inspection.id)).id)
    brief = {"input": {"noticeId": notice, "briefedOn": "2026-12-01", "principal": "王某某"}}

    early = await api.gql(BRIEF, brief, user=admin.username)
    assert [e["code"] for e in early["data"]["recordNoticeBriefing"]["userErrors"]] == [
        "BRIEFING_NOT_ON_SITE"
    ]
    async with api.app.state.graphql.database.transaction() as again:
        await move_to(again, root, inspection, Stage.ON_SITE)
    await api.reload_policy()
    briefed = await api.gql(BRIEF, brief, user=admin.username)
    assert briefed["data"]["recordNoticeBriefing"]["notice"] == {
        "briefedOn": "2026-12-01",
        "briefedPerson": "王某某",
    }
    late = await api.gql(
        RECORD, _input(global_id("Inspection", inspection.id)), user=admin.username
    )
    assert [e["code"] for e in late["data"]["recordInspectionNotice"]["userErrors"]] == [
        "NOTICE_PUBLISHED"
    ]


async def _notice(api: Api, inspection_id: int) -> InspectionNotice:
    async with api.app.state.graphql.database.session() as session:
        # test check: the row, whoever may read it
        found = await session.scalar(
            select(InspectionNotice).where(InspectionNotice.inspection_id == inspection_id)
        )
    assert found is not None
    return found


def test_a_date_is_written_as_official_documents_write_it() -> None:
    from inspectnet.inspections.announcement import chinese_date

    assert chinese_date(date(2027, 1, 5)) == "2027年1月5日"
