"""Methods used on site, another method only with the approval the ruleset names (nmg-2016
§20(13), qh-zrzyt §14(12)), and requests for instruction up the line (nmg-2016 §22, qh-zrzyt
§26) with their addressee, due date and answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.inspections.models import InstructionRequest, SiteMethodUse, Stage, TeamRole
from tests.conftest import Api
from tests.factories import make_body, make_office, make_target, make_user
from tests.inspections.factories import make_assignment, make_inspection, move_to

METHOD = """mutation($input: RecordSiteMethodInput!) { recordSiteMethod(input: $input) {
  use { id method approval decidedBy article } userErrors { field code message } } }"""
DECIDE = """mutation($input: DecideSiteMethodInput!) { decideSiteMethod(input: $input) {
  use { approval } userErrors { field code message } } }"""
REQUEST = """mutation($input: RaiseInstructionRequestInput!) {
  raiseInstructionRequest(input: $input) {
  request { id direct addressee article dueOn overdue } userErrors { field code message } } }"""
ANSWER = """mutation($input: AnswerInstructionRequestInput!) {
  answerInstructionRequest(input: $input) {
  request { answer answeredOn } userErrors { field code message } } }"""
HINTS = """query($use: ID!, $request: ID!) {
  use: node(id: $use) { ... on SiteMethodUse { viewerCan { decide } } }
  request: node(id: $request) { ... on InstructionRequest { viewerCan { answer } } } }"""
LISTS = """query($id: ID!) { node(id: $id) { ... on Inspection {
  siteMethods(first: 10) { totalCount } instructionRequests(first: 10) { totalCount } } } }"""


async def _world(api: Api, system: Any, ruleset_id: str) -> dict[str, Any]:
    """An office of ``ruleset_id`` on site at a target: its leader, its admin, a seat of its
    leading group and of its party group (党组/党委, with its secretary)."""
    session, actor = system
    office = await make_office(session, actor, ruleset_id=ruleset_id)
    inspection = await make_inspection(
        session, actor, (await make_target(session, actor, office)).id
    )
    admin = await make_user(session, actor, office)
    leader = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    await make_assignment(session, actor, inspection, leader.id, TeamRole.LEADER)
    group = await make_body(session, actor, office, BodyKind.LEADING_GROUP, (Position.MEMBER,))
    party = await make_body(session, actor, office, BodyKind.PARTY_GROUP, (Position.SECRETARY,))
    if ruleset_id == "nmg-2016":  # qh-zrzyt waits for its plan's approval (tests/test_stages)
        await move_to(session, actor, inspection, Stage.ON_SITE)
    await session.commit()
    await api.reload_policy()
    return {
        "inspection": global_id("Inspection", inspection.id),
        "pk": inspection.id,
        "admin": admin.username,
        "leader": leader.username,
        "group": group.members[0].username,
        "secretary": party.members[0].username,
    }


async def _count(db: Database, model: Any, inspection: int) -> int:
    async with db.session() as session:
        # test check: every row, whoever may read it
        rows = select(func.count()).select_from(model).where(model.inspection_id == inspection)
        return int(await session.scalar(rows) or 0)


def _method(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "inspectionId": world["inspection"],
            "method": "INDIVIDUAL_TALKS",
            "usedOn": "2026-11-24",
            "note": "与领导班子成员逐一谈话",
            **changes,
        }
    }


async def test_another_method_waits_for_the_party_committee_in_nmg(
    api: Api, db: Database, system: Any
) -> None:
    world = await _world(api, system, "nmg-2016")
    plain = await api.gql(METHOD, _method(world), user=world["leader"])
    assert plain["data"]["recordSiteMethod"]["use"]["approval"] == "NOT_NEEDED"
    future = await api.gql(
        METHOD, _method(world, usedOn="2026-11-26", note=""), user=world["leader"]
    )
    assert sorted(e["code"] for e in future["data"]["recordSiteMethod"]["userErrors"]) == [
        "DATE_IN_FUTURE",
        "REQUIRED",
    ]
    assert await _count(db, SiteMethodUse, world["pk"]) == 1

    other = await api.gql(
        METHOD, _method(world, method="OTHER", note="委托第三方开展财务审计"), user=world["leader"]
    )
    use = other["data"]["recordSiteMethod"]["use"]
    assert (use["approval"], use["decidedBy"], use["article"]) == (
        "PENDING",
        "PARTY_GROUP",
        "nmg-2016 §20(13)",
    )
    request = await api.gql(
        REQUEST,
        {
            "input": {
                "inspectionId": world["inspection"],
                "subject": "关于重大问题的报告",
                "content": "发现涉及主要负责人的重大问题线索",
                "dueOn": "2026-12-05",
                "direct": True,
            }
        },
        user=world["leader"],
    )
    raised = request["data"]["raiseInstructionRequest"]["request"]
    assert (raised["direct"], raised["addressee"], raised["article"], raised["overdue"]) == (
        True,
        "PARTY_GROUP",
        "nmg-2016 §22",
        False,
    )
    ids = {"use": use["id"], "request": raised["id"]}
    # the leading group neither approves nor answers what nmg leaves to the party committee
    assert (await api.gql(HINTS, ids, user=world["group"]))["data"] == {
        "use": {"viewerCan": {"decide": False}},
        "request": {"viewerCan": {"answer": False}},
    }
    refused = await api.gql(
        DECIDE, {"input": {"useId": use["id"], "approve": True}}, user=world["group"]
    )
    assert [e["code"] for e in refused["data"]["decideSiteMethod"]["userErrors"]] == ["FORBIDDEN"]
    assert (await api.gql(HINTS, ids, user=world["secretary"]))["data"] == {
        "use": {"viewerCan": {"decide": True}},
        "request": {"viewerCan": {"answer": True}},
    }
    approved = await api.gql(
        DECIDE, {"input": {"useId": use["id"], "approve": True}}, user=world["secretary"]
    )
    assert approved["data"]["decideSiteMethod"]["use"] == {"approval": "APPROVED"}
    twice = await api.gql(
        DECIDE, {"input": {"useId": use["id"], "approve": False}}, user=world["secretary"]
    )
    assert [e["code"] for e in twice["data"]["decideSiteMethod"]["userErrors"]] == ["CONFLICT"]
    answered = await api.gql(
        ANSWER,
        {"input": {"requestId": raised["id"], "answer": "同意，按程序移交"}},
        user=world["secretary"],
    )
    assert answered["data"]["answerInstructionRequest"]["request"] == {
        "answer": "同意，按程序移交",
        "answeredOn": "2026-11-25",
    }
    listed = await api.gql(LISTS, {"id": world["inspection"]}, user=world["admin"])
    assert listed["data"]["node"] == {
        "siteMethods": {"totalCount": 2},
        "instructionRequests": {"totalCount": 1},
    }


async def test_qinghai_names_no_direct_report_and_methods_wait_for_the_site(
    api: Api, db: Database, system: Any
) -> None:
    world = await _world(api, system, "qh-zrzyt")
    early = await api.gql(METHOD, _method(world), user=world["leader"])
    assert [e["code"] for e in early["data"]["recordSiteMethod"]["userErrors"]] == ["NOT_ON_SITE"]
    ask = {
        "inspectionId": world["inspection"],
        "subject": "关于巡察范围的请示",
        "content": "是否将下属企业纳入巡察范围",
        "dueOn": "2026-12-05",
    }
    direct = await api.gql(REQUEST, {"input": {**ask, "direct": True}}, user=world["leader"])
    errors = direct["data"]["raiseInstructionRequest"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("DIRECT_REPORT_NOT_ALLOWED", ["input", "direct"])
    ]
    assert "qh-zrzyt §26" in errors[0]["message"]
    assert await _count(db, InstructionRequest, world["pk"]) == 0

    made = await api.gql(REQUEST, {"input": ask}, user=world["leader"])
    raised = made["data"]["raiseInstructionRequest"]["request"]
    assert (raised["addressee"], raised["article"]) == ("LEADING_GROUP", "qh-zrzyt §26")
    # the party group does not answer what goes to the leading group; the leading group does
    wrong = await api.gql(
        ANSWER, {"input": {"requestId": raised["id"], "answer": "同意"}}, user=world["secretary"]
    )
    assert [e["code"] for e in wrong["data"]["answerInstructionRequest"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    right = await api.gql(
        ANSWER, {"input": {"requestId": raised["id"], "answer": "同意纳入"}}, user=world["group"]
    )
    assert right["data"]["answerInstructionRequest"]["userErrors"] == []
    again = await api.gql(
        ANSWER, {"input": {"requestId": raised["id"], "answer": "再答"}}, user=world["group"]
    )
    assert [e["code"] for e in again["data"]["answerInstructionRequest"]["userErrors"]] == [
        "REQUEST_ANSWERED"
    ]
