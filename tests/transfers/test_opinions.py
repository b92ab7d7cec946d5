"""On a transfer's answer (qh-zrzyt §22): 巡察办 proposes handling or accountability and the body
the ruleset names (厅党组) decides, through require_body; refused before the answer, without a
proposal, by anyone off the body, and where the ruleset names no such step; nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.bodies.models import BodyKind
from inspectnet.ids import global_id
from inspectnet.transfers import service
from inspectnet.transfers.models import Transfer
from tests.bodies.factories import make_body
from tests.casework.conftest import arrange
from tests.casework.factories import make_clue
from tests.conftest import Api
from tests.network.factories import make_office
from tests.rectification.factories import hear_and_consent, make_reported_inspection

SUBMIT = """mutation($input: SubmitTransferOpinionInput!) { submitTransferOpinion(input: $input) {
  transfer { opinion { kind text ruleId article decision decidedAs } }
  userErrors { field code message } } }"""
DECIDE = """mutation($input: DecideTransferOpinionInput!) { decideTransferOpinion(input: $input) {
  transfer { opinion { kind decision decidedAs article } } userErrors { field code message } } }"""


@dataclass(frozen=True)
class Answered:
    """A transfer answered (or not yet) and who acts on it."""

    transfer: Transfer
    admin: UserAccount  # the sending office's admin (巡视办/巡察办)
    decider: UserAccount  # a seat of the body that decided the transfer itself
    party_seat: UserAccount  # a seat of the party group (厅党组)


async def _build(
    session: Any, system: Actor, ruleset_id: str, *, answered: bool = True
) -> Answered:
    # A department's patrol under qh-zrzyt needs its approved plan (qh-zrzyt §3): the
    # rectification factory builds it and reaches the report; the hearing comes next.
    case = await make_reported_inspection(session, system, ruleset_id=ruleset_id)
    clue = await make_clue(session, system, case.inspection, person_name="王建国")
    await hear_and_consent(session, system, case)
    # The factory seats the body deciding the use of results: the five-person group under
    # nmg-2016 (which also decides transfers, §31), the party group under qh-zrzyt (§22).
    if ruleset_id == "nmg-2016":
        decider = case.results_member
        party_seat = (await make_body(session, system, case.office, BodyKind.PARTY_GROUP)).members[
            0
        ]
    else:
        leading = await make_body(session, system, case.office, BodyKind.LEADING_GROUP)
        decider, party_seat = leading.members[0], case.results_member
    receiver = await make_office(session, system, ruleset_id=ruleset_id)
    row = await service.transfer(
        session,
        system,
        clue_id=clue.id,
        route="transfer.discipline",
        receiver="discipline_body",
        reason="涉嫌违规收受礼金，移交核查",
        receiver_office_id=receiver.id,
    )
    if answered:
        await service.sign_transfer(session, system, transfer_id=row.id)
        await service.report_handling(
            session, system, transfer_id=row.id, outcome=_outcome(ruleset_id), report="已初核"
        )
    return Answered(row, case.admin, decider, party_seat)


def _outcome(ruleset_id: str) -> str:
    return "handling.four_forms" if ruleset_id == "qh-zrzyt" else "handling.initial_verification"


async def _opinion(api: Api, pk: int) -> tuple[Any, ...]:
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Transfer, pk)
        assert row is not None
        return (row.opinion, row.opinion_decision, row.version)


async def test_the_office_proposes_on_the_answer_and_the_party_group_decides(api: Api) -> None:
    built = await arrange(api, lambda session, system: _build(session, system, "qh-zrzyt"))
    row, seat, admin = built.transfer, built.party_seat.username, built.admin.username
    gid = global_id("Transfer", row.id)
    opinion = {"transferId": gid, "kind": "ACCOUNTABILITY", "opinion": "建议对办理迟缓问题问责"}

    # only the party group decides, and only on an opinion 巡察办 has submitted
    early = await api.gql(DECIDE, {"input": {"transferId": gid, "decision": "同意"}}, user=seat)
    assert [
        (e["code"], e["message"]) for e in early["data"]["decideTransferOpinion"]["userErrors"]
    ] == [("TRANSFER_OPINION_MISSING", "巡察办尚未提出处理意见，无从决定（qh-zrzyt §22）")]
    # the deciding body of the transfer itself (the leading group) does not submit the opinion
    denied = await api.gql(SUBMIT, {"input": opinion}, user=built.decider.username)
    assert [e["code"] for e in denied["data"]["submitTransferOpinion"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    assert (await _opinion(api, row.id))[:2] == (None, None)

    submitted = await api.gql(SUBMIT, {"input": opinion}, user=admin)
    out = submitted["data"]["submitTransferOpinion"]
    assert out["userErrors"] == []
    assert out["transfer"]["opinion"] == {
        "kind": "ACCOUNTABILITY",
        "text": "建议对办理迟缓问题问责",
        "ruleId": "decision.transfer_answer",
        "article": "qh-zrzyt §22",
        "decision": None,
        "decidedAs": None,
    }
    twice = await api.gql(SUBMIT, {"input": opinion}, user=admin)
    assert [e["code"] for e in twice["data"]["submitTransferOpinion"]["userErrors"]] == [
        "TRANSFER_OPINION_ALREADY_SUBMITTED"
    ]

    decide = {"transferId": gid, "decision": "同意问责意见，责成有关部门落实"}
    # the office's admin, off the party group, is refused however broad its roles
    off_body = await api.gql(DECIDE, {"input": decide}, user=admin)
    assert [e["code"] for e in off_body["data"]["decideTransferOpinion"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    assert (await _opinion(api, row.id))[1] is None

    decided = await api.gql(DECIDE, {"input": decide}, user=seat)
    out = decided["data"]["decideTransferOpinion"]
    assert out["userErrors"] == []
    assert out["transfer"]["opinion"] == {
        "kind": "ACCOUNTABILITY",
        "decision": "同意问责意见，责成有关部门落实",
        "decidedAs": "party_group",
        "article": "qh-zrzyt §22",
    }
    again = await api.gql(DECIDE, {"input": decide}, user=seat)
    assert [e["code"] for e in again["data"]["decideTransferOpinion"]["userErrors"]] == [
        "DECISION_ALREADY_RECORDED"
    ]


async def test_no_opinion_before_the_answer_nor_where_the_ruleset_names_no_such_step(
    api: Api,
) -> None:
    qh = await arrange(
        api, lambda session, system: _build(session, system, "qh-zrzyt", answered=False)
    )
    nmg = await arrange(api, lambda session, system: _build(session, system, "nmg-2016"))
    unanswered, answered = qh.transfer, nmg.transfer

    early = await api.gql(
        SUBMIT,
        {
            "input": {
                "transferId": global_id("Transfer", unanswered.id),
                "kind": "HANDLING",
                "opinion": "建议给予诫勉谈话",
            }
        },
        user=qh.admin.username,
    )
    assert early["data"]["submitTransferOpinion"]["userErrors"] == [
        {
            "field": ["input", "transferId"],
            "code": "TRANSFER_NOT_ANSWERED",
            "message": "须在接收单位反馈办理情况后提出处理意见（qh-zrzyt §22）",
        }
    ]
    nmg_refused = await api.gql(
        SUBMIT,
        {
            "input": {
                "transferId": global_id("Transfer", answered.id),
                "kind": "HANDLING",
                "opinion": "建议给予诫勉谈话",
            }
        },
        user=nmg.admin.username,
    )
    assert [
        (e["field"], e["code"]) for e in nmg_refused["data"]["submitTransferOpinion"]["userErrors"]
    ] == [(["input", "transferId"], "TRANSFER_OPINION_NOT_IN_RULESET")]
    async with api.app.state.graphql.database.session() as session:
        opinions = set(
            await session.scalars(
                select(Transfer.opinion).where(Transfer.id.in_([unanswered.id, answered.id]))
            )
        )
    assert opinions == {None}
