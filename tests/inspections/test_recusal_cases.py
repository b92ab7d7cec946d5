"""The recusal workflow (回避, nmg-2016 §12, qh-zrzyt §27): declared by the member, challenged
by the inspected organisation, verified and decided by the office, the place filled as the
named body approves, ended only by a recorded decision and never by the recused person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.models import Recusal
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.inspections.models import RecusalCase, TeamAssignment, TeamRole
from tests.conftest import Api
from tests.factories import make_body, make_office, make_person, make_target, make_user
from tests.inspections.factories import make_assignment, make_inspection

RAISE = """mutation($input: RaiseRecusalCaseInput!) { raiseRecusalCase(input: $input) {
  case { id kind ground article status } userErrors { field code message } } }"""
DECIDE = """mutation($input: DecideRecusalCaseInput!) { decideRecusalCase(input: $input) {
  case { id status decision vacatedRole version } userErrors { field code message } } }"""
REPLACE = """mutation($input: ApproveRecusalReplacementInput!) {
  approveRecusalReplacement(input: $input) {
  case { id replacement { role user { id } } } userErrors { field code message } } }"""
END = """mutation($input: EndRecusalCaseInput!) { endRecusalCase(input: $input) {
  case { id status endDecision } userErrors { field code message } } }"""
CASE = """query($id: ID!) { node(id: $id) { ... on RecusalCase {
  status viewerCan { decide end } } } }"""
INSPECTION = """query($id: ID!) { node(id: $id) { ... on Inspection {
  recusalCases(first: 10) { totalCount nodes { kind status person { id } } } } } }"""


async def _world(api: Api, system: Any) -> dict[str, Any]:
    """An nmg office inspecting a target: its admin, a team member, a candidate in no pool,
    a replacement, the leading group's member and a target-side account of another office."""
    session, actor = system
    office = await make_office(session, actor)
    elsewhere = await make_office(session, actor)
    target = await make_target(session, actor, office)
    inspection = await make_inspection(session, actor, target.id)
    admin = await make_user(session, actor, office)
    member = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    spare = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    stranger = await make_person(session, actor, office)
    await make_assignment(session, actor, inspection, member.id, TeamRole.COMMISSIONER)
    group = await make_body(session, actor, office, BodyKind.LEADING_GROUP, (Position.MEMBER,))
    side = await make_user(session, actor, elsewhere, Role.OFFICE_MEMBER)
    await accounts.bind_to_target(session, actor, user_id=side.id, target_id=target.id)
    await session.commit()
    await api.reload_policy()
    return {
        "inspection": global_id("Inspection", inspection.id),
        "inspection_pk": inspection.id,
        "target_pk": target.id,
        "admin": admin.username,
        "member": member.username,
        "member_person": global_id("Person", member.person_id),
        "member_person_pk": member.person_id,
        "spare": global_id("UserAccount", spare.id),
        "stranger": global_id("Person", stranger.id),
        "group": group.members[0].username,
        "side": side.username,
    }


async def _count(db: Database, model: type[Any], *where: Any) -> int:
    async with db.session() as session:
        # test check: every row, whoever may read it
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


def _raise(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "inspectionId": world["inspection"],
            "personId": world["member_person"],
            "kind": "CHALLENGE",
            "ground": "OFFICIAL",
            "statement": "其配偶在该单位领导班子任职",
            **changes,
        }
    }


async def test_a_declared_recusal_upheld_bars_the_member_and_the_named_body_fills_the_place(
    api: Api, db: Database, system: Any
) -> None:
    world = await _world(api, system)
    # given the member declares their own recusal
    declared = await api.gql(RAISE, _raise(world, kind="DECLARATION"), user=world["member"])
    case = declared["data"]["raiseRecusalCase"]["case"]
    assert declared["data"]["raiseRecusalCase"]["userErrors"] == []
    assert (case["kind"], case["ground"], case["article"], case["status"]) == (
        "DECLARATION",
        "OFFICIAL",
        "nmg-2016 §12",
        "PENDING",
    )
    # a case is read by the office's admin, the team's leader and the deciding bodies only
    hint = await api.gql(CASE, {"id": case["id"]}, user=world["member"])
    assert hint["data"]["node"] is None

    # when the office upholds it
    upheld = await api.gql(
        DECIDE,
        {"input": {"caseId": case["id"], "upheld": True, "decision": "经核实属实，决定回避"}},
        user=world["admin"],
    )
    decided = upheld["data"]["decideRecusalCase"]
    assert decided["userErrors"] == []
    assert (decided["case"]["status"], decided["case"]["vacatedRole"]) == ("UPHELD", "COMMISSIONER")

    # then the door's recusal is recorded, the member's place ended, and they read nothing
    active = (Recusal.target_id == world["target_pk"], Recusal.ended_at.is_(None))
    assert await _count(db, Recusal, *active) == 1
    live = TeamAssignment.valid_until.is_(None)
    assert (
        await _count(
            db, TeamAssignment, TeamAssignment.inspection_id == world["inspection_pk"], live
        )
        == 0
    )
    seen = await api.gql(INSPECTION, {"id": world["inspection"]}, user=world["member"])
    assert seen["data"]["node"] is None
    listed = await api.gql(INSPECTION, {"id": world["inspection"]}, user=world["admin"])
    assert listed["data"]["node"]["recusalCases"]["totalCount"] == 1

    # the office admin, off the leading group, may not approve the replacement; the group may
    refused = await api.gql(
        REPLACE, {"input": {"caseId": case["id"], "userId": world["spare"]}}, user=world["admin"]
    )
    assert [e["code"] for e in refused["data"]["approveRecusalReplacement"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    approved = await api.gql(
        REPLACE, {"input": {"caseId": case["id"], "userId": world["spare"]}}, user=world["group"]
    )
    filled = approved["data"]["approveRecusalReplacement"]
    assert filled["userErrors"] == []
    assert filled["case"]["replacement"]["role"] == "COMMISSIONER"
    again = await api.gql(
        REPLACE, {"input": {"caseId": case["id"], "userId": world["spare"]}}, user=world["group"]
    )
    assert [e["code"] for e in again["data"]["approveRecusalReplacement"]["userErrors"]] == [
        "PLACE_FILLED"
    ]
    actions = [
        "recusal_case.declaration",
        "recusal_case.decide",
        "recusal.record",
        "inspection.team.end",
        "recusal_case.replace",
    ]
    for action in actions:
        assert await _count(db, AuditEntry, AuditEntry.action == action) >= 1, action


async def test_the_target_challenges_a_member_but_not_a_stranger_and_nothing_is_written(
    api: Api, db: Database, system: Any
) -> None:
    world = await _world(api, system)
    before = await _count(db, RecusalCase)

    stranger = await api.gql(RAISE, _raise(world, personId=world["stranger"]), user=world["side"])
    errors = stranger["data"]["raiseRecusalCase"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("RECUSAL_SUBJECT_NOT_ON_TEAM", ["input", "personId"])
    ]
    assert "nmg-2016 §12" in errors[0]["message"]
    assert await _count(db, RecusalCase) == before

    # a declaration for someone else is refused too; a ground the ruleset lists is required
    other = await api.gql(RAISE, _raise(world, kind="DECLARATION"), user=world["admin"])
    assert [e["code"] for e in other["data"]["raiseRecusalCase"]["userErrors"]] == [
        "DECLARATION_NOT_OWN"
    ]
    general = await api.gql(RAISE, _raise(world, ground="GENERAL"), user=world["admin"])
    assert [e["code"] for e in general["data"]["raiseRecusalCase"]["userErrors"]] == [
        "GROUND_NOT_IN_RULESET"
    ]
    assert await _count(db, RecusalCase) == before

    # the inspected organisation has standing to challenge a member of the team
    made = await api.gql(RAISE, _raise(world), user=world["side"])
    assert made["data"]["raiseRecusalCase"]["userErrors"] == []
    assert made["data"]["raiseRecusalCase"]["case"]["kind"] == "CHALLENGE"
    twice = await api.gql(RAISE, _raise(world), user=world["admin"])
    assert [e["code"] for e in twice["data"]["raiseRecusalCase"]["userErrors"]] == [
        "RECUSAL_CASE_PENDING"
    ]
    assert await _count(db, RecusalCase) == before + 1
    assert await _count(db, AuditEntry, AuditEntry.action == "recusal_case.challenge") == 1


async def test_a_dismissal_needs_reasons_and_one_decision_stands(
    api: Api, db: Database, system: Any
) -> None:
    world = await _world(api, system)
    made = await api.gql(RAISE, _raise(world), user=world["admin"])
    case = made["data"]["raiseRecusalCase"]["case"]["id"]
    hint = await api.gql(CASE, {"id": case}, user=world["admin"])
    assert hint["data"]["node"]["viewerCan"] == {"decide": True, "end": True}

    blank = await api.gql(
        DECIDE, {"input": {"caseId": case, "upheld": False, "decision": "  "}}, user=world["admin"]
    )
    assert [e["code"] for e in blank["data"]["decideRecusalCase"]["userErrors"]] == ["REQUIRED"]
    dismissed = await api.gql(
        DECIDE,
        {"input": {"caseId": case, "upheld": False, "decision": "经核实，所称亲属关系不存在"}},
        user=world["admin"],
    )
    assert dismissed["data"]["decideRecusalCase"]["case"]["status"] == "DISMISSED"
    assert await _count(db, Recusal, Recusal.target_id == world["target_pk"]) == 0
    again = await api.gql(
        DECIDE,
        {"input": {"caseId": case, "upheld": True, "decision": "改为回避"}},
        user=world["admin"],
    )
    assert [e["code"] for e in again["data"]["decideRecusalCase"]["userErrors"]] == [
        "RECUSAL_CASE_DECIDED"
    ]
    # the member keeps the place; a dismissed case has no recusal to end
    live = TeamAssignment.valid_until.is_(None)
    assert (
        await _count(
            db, TeamAssignment, TeamAssignment.inspection_id == world["inspection_pk"], live
        )
        == 1
    )
    ended = await api.gql(END, {"input": {"caseId": case, "decision": "终止"}}, user=world["admin"])
    assert [e["code"] for e in ended["data"]["endRecusalCase"]["userErrors"]] == [
        "RECUSAL_NOT_UPHELD"
    ]
    # a leading group member reads the case but does not verify it: no buttons
    member_hint = await api.gql(CASE, {"id": case}, user=world["group"])
    assert member_hint["data"]["node"]["viewerCan"] == {"decide": False, "end": False}


async def test_a_recusal_ends_only_by_a_recorded_decision_never_by_the_recused(
    api: Api, db: Database, system: Any
) -> None:
    world = await _world(api, system)
    made = await api.gql(RAISE, _raise(world), user=world["side"])
    case = made["data"]["raiseRecusalCase"]["case"]["id"]
    await api.gql(
        DECIDE,
        {"input": {"caseId": case, "upheld": True, "decision": "经核实属实，决定回避"}},
        user=world["admin"],
    )
    # the recused member reads nothing of the target: the case is hidden from them
    own = await api.gql(
        END, {"input": {"caseId": case, "decision": "本人申请解除"}}, user=world["member"]
    )
    assert [e["code"] for e in own["data"]["endRecusalCase"]["userErrors"]] == ["NOT_FOUND"]
    blank = await api.gql(END, {"input": {"caseId": case, "decision": ""}}, user=world["admin"])
    assert [e["code"] for e in blank["data"]["endRecusalCase"]["userErrors"]] == ["REQUIRED"]
    active = (Recusal.target_id == world["target_pk"], Recusal.ended_at.is_(None))
    assert await _count(db, Recusal, *active) == 1

    ended = await api.gql(
        END,
        {"input": {"caseId": case, "decision": "其配偶已调离该单位，经研究决定终止回避"}},
        user=world["admin"],
    )
    assert ended["data"]["endRecusalCase"]["case"]["status"] == "ENDED"
    assert await _count(db, Recusal, *active) == 0
    assert await _count(db, AuditEntry, AuditEntry.action == "recusal.end") == 1
    await api.reload_policy()
    back = await api.gql(INSPECTION, {"id": world["inspection"]}, user=world["member"])
    assert back["data"]["node"] is not None
