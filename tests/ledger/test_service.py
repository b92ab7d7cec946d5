"""The use of results: the organisation department's opinion request about a cadre of an
inspected unit and the office's answer (nmg-2016 §33), and staff performance weighted on
problems found, drawn from the ledger (nmg-2016 §15)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.ids import global_id
from inspectnet.ledger import service
from inspectnet.ledger.models import OpinionRequest
from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.transfers.factories import TransferSetting, make_transfer, make_transfer_setting

REQUEST = """mutation($input: RequestOpinionInput!) { requestOpinion(input: $input) {
  request { id state cadreName viewerCan { answer } } userErrors { field code } } }"""
ANSWER = """mutation($input: AnswerOpinionInput!) { answerOpinion(input: $input) {
  request { id state answer } userErrors { field code } } }"""
PERFORMANCE = """query($id: ID!) { node(id: $id) { ... on Office {
  staffPerformance { user { id } inspections findings clues transfers score } } } }"""


async def _requests(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(OpinionRequest)) or 0)


async def test_an_opinion_request_about_a_cadre_is_recorded_and_answered_once(api: Api) -> None:
    setting = await arrange(api, make_transfer_setting)
    request = {
        "targetId": global_id("Target", setting.team.target.id),
        "requestedBy": "市委组织部",
        "cadreName": "王建国",
        "cadrePost": "副局长",
        "purpose": "拟提拔考察，征求巡察机构意见",
    }
    # the receiving office cannot record one about a unit it did not inspect
    before = await _requests(api)
    refused = await api.gql(REQUEST, {"input": request}, user=setting.receiver_admin.username)
    assert refused["data"]["requestOpinion"]["userErrors"] == [{"field": None, "code": "NOT_FOUND"}]
    assert await _requests(api) == before

    made = await api.gql(REQUEST, {"input": request}, user=setting.admin.username)
    payload = made["data"]["requestOpinion"]
    assert payload["userErrors"] == []
    assert payload["request"]["state"] == "REQUESTED"
    assert payload["request"]["viewerCan"] == {"answer": True}
    answer = {"requestId": payload["request"]["id"], "answer": "巡察中未发现该同志有关问题"}
    answered = await api.gql(ANSWER, {"input": answer}, user=setting.admin.username)
    assert answered["data"]["answerOpinion"] == {
        "request": {
            "id": payload["request"]["id"],
            "state": "ANSWERED",
            "answer": "巡察中未发现该同志有关问题",
        },
        "userErrors": [],
    }
    twice = await api.gql(ANSWER, {"input": answer}, user=setting.admin.username)
    assert twice["data"]["answerOpinion"]["userErrors"] == [
        {"field": ["input", "requestId"], "code": "OPINION_ANSWERED"}
    ]


async def test_staff_performance_weighs_the_problems_found_in_the_ledger(api: Api) -> None:
    async def build(session: Any, system: Any) -> TransferSetting:
        setting = await make_transfer_setting(session, system)
        await make_transfer(session, system, setting)
        await service.compile_ledger(session, system, office_id=setting.team.office.id)
        return setting

    setting = await arrange(api, build)
    office = global_id("Office", setting.team.office.id)
    got = await api.gql(PERFORMANCE, {"id": office}, user=setting.admin.username)
    # one finding (3), two clues (1 each), one transfer (2): both members served on it
    figures = {"inspections": 1, "findings": 1, "clues": 2, "transfers": 1, "score": 7}
    assert got["data"]["node"]["staffPerformance"] == [
        {"user": {"id": global_id("UserAccount", setting.team.leader.id)}, **figures},
        {"user": {"id": global_id("UserAccount", setting.team.member.id)}, **figures},
    ]
