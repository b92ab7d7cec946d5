"""Preparation before entry (nmg-2016 §24): items asked of the bodies, due dates, answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id
from inspectnet.inspections import preparation
from inspectnet.inspections.models import PreparationBody, PreparationItem, Stage
from tests.conftest import Api
from tests.factories import make_office, make_staff, make_target
from tests.inspections.factories import make_inspection, move_to

ADD = """mutation($input: AddPreparationItemInput!) { addPreparationItem(input: $input) {
  item { id body dueOn overdue answer createdBy { username } }
  userErrors { field code message } } }"""
ANSWER = """mutation($input: AnswerPreparationItemInput!) { answerPreparationItem(input: $input) {
  item { id answer answeredOn overdue } userErrors { field code message } } }"""
WITHDRAW = """mutation($input: WithdrawPreparationItemInput!) {
  withdrawPreparationItem(input: $input) { item { withdrawn } userErrors { code } } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  preparation(first: 10, filter: {answered: false}) { totalCount nodes { body dueOn } } } } }"""


async def _items(session: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(PreparationItem)) or 0)


async def test_items_are_asked_before_entry_only_and_by_a_due_date_not_past(system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    before = await _items(session)

    with pytest.raises(ValidationFailed) as past:
        await preparation.add_preparation_item(
            session,
            root,
            inspection_id=inspection.id,
            body=PreparationBody.AUDIT,
            question="近三年审计发现问题及整改情况",
            due_on=date(2026, 11, 24),  # the day before the frozen today
        )
    assert (past.value.code, past.value.field) == ("DUE_DATE_PAST", "dueOn")

    item = await preparation.add_preparation_item(
        session,
        root,
        inspection_id=inspection.id,
        body=PreparationBody.DISCIPLINE,
        question="领导班子成员问题线索及处置情况",
        due_on=date(2026, 12, 4),
    )
    assert (item.target_id, item.answered_on) == (inspection.target_id, None)

    await move_to(session, root, inspection, Stage.ON_SITE)
    with pytest.raises(Conflict) as late:
        await preparation.add_preparation_item(
            session,
            root,
            inspection_id=inspection.id,
            body=PreparationBody.PETITION,
            question="信访举报情况",
            due_on=date(2026, 12, 4),
        )
    assert late.value.code == "PREPARATION_AFTER_ENTRY"
    assert await _items(session) == before + 1


async def test_the_office_asks_answers_and_withdraws_over_graphql(api: Api, system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    staff = await make_staff(session, root, office)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    asked = []
    for body in ("ORGANISATION", "AUDIT"):
        added = await api.gql(
            ADD,
            {
                "input": {
                    "inspectionId": gid,
                    "body": body,
                    "question": "领导班子成员有关情况",
                    "dueOn": "2026-12-04",
                }
            },
            user=staff.admin,
        )
        payload = added["data"]["addPreparationItem"]
        assert payload["userErrors"] == []
        assert payload["item"]["body"] == body and payload["item"]["overdue"] is False
        assert payload["item"]["createdBy"] == {"username": staff.admin}
        asked.append(payload["item"]["id"])

    # viewerCan.update answers whether answer/withdraw would be allowed (no delete mutation)
    can = "query($id: ID!) { node(id: $id) { ... on PreparationItem { viewerCan { update delete } } } }"
    for user, update in ((staff.admin, True), (staff.member, False)):
        hint = (await api.gql(can, {"id": asked[1]}, user=user))["data"]["node"]["viewerCan"]
        assert hint == {"update": update, "delete": False}, user
    answered = await api.gql(
        ANSWER, {"input": {"itemId": asked[0], "answer": "无相关问题线索"}}, user=staff.admin
    )
    assert answered["data"]["answerPreparationItem"]["item"] == {
        "id": asked[0],
        "answer": "无相关问题线索",
        "answeredOn": "2026-11-25",
        "overdue": False,
    }
    # A member of the office reads the open items but may not answer them
    denied = await api.gql(
        ANSWER, {"input": {"itemId": asked[1], "answer": "x"}}, user=staff.member
    )
    assert [e["code"] for e in denied["data"]["answerPreparationItem"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    open_ = (await api.gql(LIST, {"id": gid}, user=staff.member))["data"]["node"]
    assert open_["preparation"] == {
        "totalCount": 1,
        "nodes": [{"body": "AUDIT", "dueOn": "2026-12-04"}],
    }
    withdrawn = await api.gql(WITHDRAW, {"input": {"itemId": asked[1]}}, user=staff.admin)
    assert withdrawn["data"]["withdrawPreparationItem"] == {
        "item": {"withdrawn": True},
        "userErrors": [],
    }
    again = await api.gql(WITHDRAW, {"input": {"itemId": asked[1]}}, user=staff.admin)
    assert [e["code"] for e in again["data"]["withdrawPreparationItem"]["userErrors"]] == [
        "PREPARATION_WITHDRAWN"
    ]
    listed = (await api.gql(LIST, {"id": gid}, user=staff.member))["data"]["node"]
    assert listed["preparation"]["totalCount"] == 0
