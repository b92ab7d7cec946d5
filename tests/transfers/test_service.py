"""Transfers 移交: decided by the body the ruleset names, read by the receiving office through
the share and nothing else of the inspection, signed for and answered within the period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.ids import global_id, parse_global_id
from inspectnet.inspections.models import Stage
from inspectnet.transfers.models import Transfer
from tests.accounts.factories import make_user
from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.network.factories import make_office
from tests.transfers.factories import TransferSetting, make_transfer, make_transfer_setting

TRANSFER = """mutation($input: TransferInput!) { transfer(input: $input) {
  transfer { id state route receiverName decidedBy receiverOffice { id } clue { id } }
  userErrors { field code } } }"""
SIGN = """mutation($input: SignTransferInput!) { signTransfer(input: $input) {
  transfer { id state dueOn viewerCan { sign report } } userErrors { field code } } }"""
REPORT = """mutation($input: ReportTransferInput!) { reportTransfer(input: $input) {
  transfer { id state outcome failure } userErrors { field code } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
CLUE = """query($id: ID!) { node(id: $id) { ... on Clue { id personName summary } } }"""
UPDATE_CLUE = """mutation($input: UpdateClueInput!) { updateClue(input: $input) {
  clue { id } userErrors { field code } } }"""
RECEIVED = """query($id: ID!) { node(id: $id) { ... on Office {
  transfersReceived(first: 10) { totalCount nodes { id state clue { id } } } } } }"""


def _input(setting: TransferSetting, **values: Any) -> dict[str, Any]:
    return {
        "subjectId": global_id("Clue", setting.clue.id),
        "route": "transfer.discipline",
        "receiver": "DISCIPLINE_BODY",
        "reason": "涉嫌违规收受礼金，移交核查",
        "receiverOfficeId": global_id("Office", setting.receiver.id),
        **values,
    }


async def _transfers(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Transfer)) or 0)


async def test_a_clue_transferred_to_another_office_is_read_there_alone_and_answered_in_time(
    api: Api, setting: TransferSetting
) -> None:
    # given the five-person group decides the transfer of one clue to another office (§31)
    made = await api.gql(TRANSFER, {"input": _input(setting)}, user=setting.decider.username)
    payload = made["data"]["transfer"]
    assert payload["userErrors"] == []
    clue_id = global_id("Clue", setting.clue.id)
    assert payload["transfer"] == {
        "id": payload["transfer"]["id"],
        "state": "SENT",
        "route": "transfer.discipline",
        "receiverName": setting.receiver.name,
        "decidedBy": "five_person_group",
        "receiverOffice": None,  # the sender cannot read the receiving office
        "clue": {"id": clue_id},
    }
    transfer_id = payload["transfer"]["id"]
    await api.reload_policy()  # the share is weighed from the next snapshot
    receiver = setting.receiver_admin.username

    # then the receiving office reads the transferred clue and the transfer
    read = await api.gql(CLUE, {"id": clue_id}, user=receiver)
    assert read["data"]["node"] == {
        "id": clue_id,
        "personName": "王建国",
        "summary": "反映其违规收受礼金",
    }
    listed = await api.gql(
        RECEIVED, {"id": global_id("Office", setting.receiver.id)}, user=receiver
    )
    assert listed["data"]["node"]["transfersReceived"] == {
        "totalCount": 1,
        "nodes": [{"id": transfer_id, "state": "SENT", "clue": {"id": clue_id}}],
    }
    # and nothing else of the inspection: hidden is NOT_FOUND
    for other in (
        global_id("Clue", setting.other_clue.id),
        global_id("Finding", setting.finding.id),
        global_id("Inspection", setting.team.inspection.id),
        global_id("Target", setting.team.target.id),
    ):
        assert (await api.gql(NODE, {"id": other}, user=receiver))["data"]["node"] is None
    hidden = await api.gql(
        UPDATE_CLUE,
        {"input": {"clueId": global_id("Clue", setting.other_clue.id), "summary": "改"}},
        user=receiver,
    )
    assert hidden["data"]["updateClue"]["userErrors"] == [{"field": None, "code": "NOT_FOUND"}]
    # the clue it reads it may not change
    seen = await api.gql(
        UPDATE_CLUE, {"input": {"clueId": clue_id, "summary": "改"}}, user=receiver
    )
    assert seen["data"]["updateClue"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]

    # when it signs for it, the handling report falls due in 3 months (nmg-2016 §32)
    signed = await api.gql(SIGN, {"input": {"transferId": transfer_id}}, user=receiver)
    assert signed["data"]["signTransfer"]["userErrors"] == []
    got = signed["data"]["signTransfer"]["transfer"]
    assert got["state"] == "SIGNED"
    assert got["viewerCan"] == {"sign": True, "report": True}
    # signed on the frozen test day, 2026-11-25: three calendar months on
    assert got["dueOn"] == "2027-02-25"

    # and answers within the period with an outcome of the ruleset
    answered = await api.gql(
        REPORT,
        {
            "input": {
                "transferId": transfer_id,
                "outcome": "handling.case_filed",
                "report": "经初核，已立案审查",
            }
        },
        user=receiver,
    )
    assert answered["data"]["reportTransfer"] == {
        "transfer": {
            "id": transfer_id,
            "state": "REPORTED",
            "outcome": "handling.case_filed",
            "failure": None,
        },
        "userErrors": [],
    }


async def test_reporting_on_a_transfer_not_received_is_refused_and_nothing_changes(
    api: Api, setting: TransferSetting
) -> None:
    # given a transfer signed by the receiving office
    async def build(session: Any, system: Any) -> tuple[str, str]:
        made = await make_transfer(session, system, setting)
        stranger = await make_user(session, system, await make_office(session, system))
        return global_id("Transfer", made.id), stranger.username

    transfer_id, stranger = await arrange(api, build)
    await api.gql(
        SIGN, {"input": {"transferId": transfer_id}}, user=setting.receiver_admin.username
    )
    report = {"transferId": transfer_id, "outcome": "handling.case_filed", "report": "已办结"}
    # when the sending office's admin (reads it, did not receive it) reports: FORBIDDEN
    by_sender = await api.gql(REPORT, {"input": report}, user=setting.admin.username)
    assert by_sender["data"]["reportTransfer"]["userErrors"] == [
        {"field": None, "code": "FORBIDDEN"}
    ]
    # and an office that neither sent nor received it: NOT_FOUND
    by_stranger = await api.gql(REPORT, {"input": report}, user=stranger)
    assert by_stranger["data"]["reportTransfer"]["userErrors"] == [
        {"field": None, "code": "NOT_FOUND"}
    ]
    # then the transfer is still awaiting its report
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Transfer, _pk(transfer_id))
        assert row is not None
        assert (row.state.value, row.report, row.outcome) == ("signed", None, None)


def _pk(value: str) -> int:
    return parse_global_id(value)[1]


async def test_a_transfer_off_the_deciding_body_or_outside_the_ruleset_is_refused(
    api: Api, setting: TransferSetting
) -> None:
    before = await _transfers(api)
    # the office's admin holds no seat on the five-person group (nmg-2016 §31): casework is
    # the team's, so to the admin the clue does not exist
    by_admin = await api.gql(TRANSFER, {"input": _input(setting)}, user=setting.admin.username)
    assert by_admin["data"]["transfer"]["userErrors"] == [{"field": None, "code": "NOT_FOUND"}]
    # a route of another ruleset, and a receiver the route does not name
    bad = await api.gql(
        TRANSFER,
        {"input": _input(setting, route="transfer.nowhere")},
        user=setting.decider.username,
    )
    assert bad["data"]["transfer"]["userErrors"] == [
        {"field": ["input", "route"], "code": "TRANSFER_ROUTE_NOT_IN_RULESET"}
    ]
    wrong = await api.gql(
        TRANSFER,
        {"input": _input(setting, receiver="ORGANISATION_DEPARTMENT", receiverName="某部门")},
        user=setting.decider.username,
    )
    assert wrong["data"]["transfer"]["userErrors"] == [
        {"field": ["input", "receiver"], "code": "TRANSFER_RECEIVER_NOT_ON_ROUTE"},
        {"field": ["input", "receiverOfficeId"], "code": "TRANSFER_RECEIVER_REQUIRED"},
    ]
    assert await _transfers(api) == before


async def test_a_transfer_during_the_inspection_needs_the_leading_groups_approval(
    api: Api,
) -> None:
    # given the team is still on site (nmg-2016 §23)
    setting = await arrange(
        api,
        lambda session, system: make_transfer_setting(session, system, stage=Stage.ON_SITE),
    )
    before = await _transfers(api)
    # when the five-person group transfers along an after-inspection route: refused
    refused = await api.gql(TRANSFER, {"input": _input(setting)}, user=setting.decider.username)
    assert refused["data"]["transfer"]["userErrors"] == [
        {"field": ["input", "route"], "code": "TRANSFER_DURING_INSPECTION_UNAPPROVED"}
    ]
    # and along the on-site route, which the leading group approves: not theirs to decide
    on_site = await api.gql(
        TRANSFER,
        {"input": _input(setting, route="transfer.during_inspection")},
        user=setting.decider.username,
    )
    assert on_site["data"]["transfer"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    assert await _transfers(api) == before
