"""Interviews 个别谈话: scheduled with team members as interviewers, recorded, signed by the
interviewee and each interviewer; every read of the record is audited. Other methods' records
take their kind from the ruleset (nmg-2016 §20, qh-zrzyt §14)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.casework.models import Interview
from inspectnet.ids import global_id
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_interview
from tests.conftest import Api
from tests.factories import make_user

SCHEDULE = """mutation($input: ScheduleInterviewInput!) { scheduleInterview(input: $input) {
  interview { id state interviewers(first: 5) { totalCount } } userErrors { field code } } }"""
RECORD = """mutation($input: RecordInterviewInput!) { recordInterview(input: $input) {
  interview { id state record } userErrors { field code } } }"""
SIGN = """mutation($input: SignInterviewInput!) { signInterview(input: $input) {
  interview { state intervieweeSignedAt interviewers(first: 5) { nodes { signedAt } } }
  userErrors { field code } } }"""
READ = """query($id: ID!) { node(id: $id) { ... on Interview { record
  again: record viewerCan { update sign } } } }"""
ACTIVITY = """mutation($input: RecordActivityInput!) { recordActivity(input: $input) {
  activity { id method material } userErrors { field code } } }"""


def _schedule(team: Team, *interviewers: int) -> dict[str, Any]:
    return {
        "input": {
            "inspectionId": global_id("Inspection", team.inspection.id),
            "scheduledAt": "2026-11-26T10:00:00+08:00",
            "intervieweeName": "周涛",
            "intervieweePost": "办公室主任",
            "intervieweeUnit": "某局",
            "interviewerIds": [global_id("UserAccount", u) for u in interviewers],
        }
    }


async def test_an_interview_is_scheduled_recorded_and_signed_by_all(api: Api, team: Team) -> None:
    outsider = await arrange(api, lambda s, system: make_user(s, system, team.office))
    refused = await api.gql(
        SCHEDULE, _schedule(team, team.leader.id, outsider.id), user=team.leader.username
    )
    assert [e["code"] for e in refused["data"]["scheduleInterview"]["userErrors"]] == [
        "INTERVIEWER_NOT_ON_TEAM"
    ]
    made = await api.gql(
        SCHEDULE, _schedule(team, team.leader.id, team.member.id), user=team.leader.username
    )
    interview = made["data"]["scheduleInterview"]["interview"]
    assert (interview["state"], interview["interviewers"]["totalCount"]) == ("SCHEDULED", 2)

    early = await api.gql(
        SIGN,
        {"input": {"interviewId": interview["id"], "interviewee": True}},
        user=team.member.username,
    )
    assert [e["code"] for e in early["data"]["signInterview"]["userErrors"]] == [
        "INTERVIEW_NOT_RECORDED"
    ]
    recorded = await api.gql(
        RECORD,
        {"input": {"interviewId": interview["id"], "record": "反映公车私用问题。"}},
        user=team.member.username,
    )
    assert recorded["data"]["recordInterview"]["interview"]["state"] == "RECORDED"

    for user, interviewee, state in (
        (team.member.username, True, "RECORDED"),
        (team.member.username, False, "RECORDED"),
        (team.leader.username, False, "SIGNED"),
    ):
        signed = await api.gql(
            SIGN,
            {"input": {"interviewId": interview["id"], "interviewee": interviewee}},
            user=user,
        )
        assert signed["data"]["signInterview"]["userErrors"] == []
        assert signed["data"]["signInterview"]["interview"]["state"] == state
    # Signed: the record no longer changes
    late = await api.gql(
        RECORD,
        {"input": {"interviewId": interview["id"], "record": "改写"}},
        user=team.leader.username,
    )
    assert [e["code"] for e in late["data"]["recordInterview"]["userErrors"]] == [
        "INTERVIEW_SIGNED"
    ]


async def test_every_read_of_a_record_leaves_one_audit_row_per_request(
    api: Api, team: Team
) -> None:
    interview = await arrange(api, lambda s, system: make_interview(s, system, team))
    gid = global_id("Interview", interview.id)
    await api.flush_audit()
    for _ in range(2):
        read = await api.gql(READ, {"id": gid}, user=team.member.username)
        assert read["data"]["node"]["record"] == "谈话对象反映：该局违规发放津贴补贴。"
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        rows = list(
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "interview.read", AuditEntry.object_id == gid
                )
            )
        )
    # Two requests, each reading the record twice: two rows, each of the reader and office
    assert [(r.actor_user_id, r.office_id, r.outcome) for r in rows] == [
        (team.member.id, team.office.id, Outcome.SUCCESS)
    ] * 2


async def test_other_methods_are_the_rulesets_and_have_no_record_of_their_own(
    api: Api, team: Team
) -> None:
    base = {
        "inspectionId": global_id("Inspection", team.inspection.id),
        "heldOn": "2026-11-25",
        "subject": "调阅2025年会议记录",
        "material": "党组会议记录12份。",
    }
    for method, code in (
        ("method.field_visit", "METHOD_NOT_IN_RULESET"),  # nmg-2016 §20(10) only
        ("method.individual_interview", "METHOD_HAS_OWN_RECORD"),
    ):
        refused = await api.gql(
            ACTIVITY, {"input": {**base, "method": method}}, user=team.member.username
        )
        assert [e["code"] for e in refused["data"]["recordActivity"]["userErrors"]] == [code]
    made = await api.gql(
        ACTIVITY,
        {"input": {**base, "method": "method.document_requisition"}},
        user=team.member.username,
    )
    assert made["data"]["recordActivity"]["activity"]["method"] == "method.document_requisition"


async def test_the_factory_makes_a_recorded_interview(api: Api, team: Team) -> None:
    interview = await arrange(api, lambda s, system: make_interview(s, system, team))
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Interview, interview.id)
        assert row is not None and row.record is not None
