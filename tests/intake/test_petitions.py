"""The team's intake (nmg-2016 §20(3)): recording, replying, the need-to-know petitioner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id
from inspectnet.intake.models import Petition, PetitionerIdentity, PetitionReply
from tests.conftest import Api
from tests.factories import make_intake_team, make_petition

MARKER = "张标记七"
RECORD = """mutation($input: RecordPetitionInput!) { recordPetition(input: $input) {
  petition { id channel state summary petitioner { name contact } }
  userErrors { field code message } } }"""
REPLY = """mutation($input: ReplyToPetitionInput!) { replyToPetition(input: $input) {
  reply { body } userErrors { field code } } }"""
STATE = """mutation($input: UpdatePetitionInput!) { updatePetition(input: $input) {
  petition { state version } userErrors { field code } } }"""
READ = """query($id: ID!) { petition(id: $id) {
  summary state petitioner { name contact } viewerCan { update reply }
  replies(first: 10) { totalCount nodes { body } } } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  petitions(first: 10) { totalCount nodes { summary petitioner { name } } } } } }"""


def _input(team: Any, **extra: Any) -> dict[str, Any]:
    return {
        "inspectionId": global_id("Inspection", team.inspection.id),
        "channel": "VISIT",
        "receivedOn": "2026-11-24",
        "subject": "TARGET_LEADERSHIP",
        "summary": "反映局长违规插手工程招投标",
        **extra,
    }


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_intake_handler_records_a_petition_and_alone_reads_who_sent_it(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()

    made = await api.gql(
        RECORD,
        {"input": _input(team, petitionerName=MARKER, petitionerContact="13900000000")},
        user=team.handler,
    )
    payload = made["data"]["recordPetition"]
    assert payload["userErrors"] == []
    assert payload["petition"]["petitioner"] == {"name": MARKER, "contact": "13900000000"}
    assert (payload["petition"]["channel"], payload["petition"]["state"]) == ("VISIT", "RECEIVED")
    gid = payload["petition"]["id"]

    # The leader and a member read the petition, redacted of who sent it; so does the office.
    for user in (team.leader, team.member, team.admin):
        found = (await api.gql(READ, {"id": gid}, user=user))["data"]["petition"]
        assert found["summary"] == "反映局长违规插手工程招投标", user
        assert found["petitioner"] is None, user
    listed = await api.gql(
        LIST, {"id": global_id("Inspection", team.inspection.id)}, user=team.member
    )
    assert listed["data"]["node"]["petitions"] == {
        "totalCount": 1,
        "nodes": [{"summary": "反映局长违规插手工程招投标", "petitioner": None}],
    }
    handler = (await api.gql(READ, {"id": gid}, user=team.handler))["data"]["petition"]
    assert handler["petitioner"]["name"] == MARKER
    assert handler["viewerCan"] == {"update": True, "reply": True}
    member = (await api.gql(READ, {"id": gid}, user=team.member))["data"]["petition"]
    assert member["viewerCan"] == {"update": False, "reply": False}


async def test_each_read_of_an_identity_is_audited_once_per_request_never_the_name(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    for n in range(3):
        await make_petition(session, root, team.inspection, petitioner_name=f"{MARKER}{n}")
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", team.inspection.id)

    listed = await api.gql(LIST, {"id": gid}, user=team.handler)
    names = [n["petitioner"]["name"] for n in listed["data"]["node"]["petitions"]["nodes"]]
    assert names == [f"{MARKER}0", f"{MARKER}1", f"{MARKER}2"]
    await api.flush_audit()
    await api.gql(LIST, {"id": gid}, user=team.member)  # reads no identity: no entry
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as reader:
        entries = (
            (
                await reader.execute(
                    select(AuditEntry).where(AuditEntry.action == "petitioner_identity.read")
                )
            )
            .scalars()
            .all()
        )
    assert len(entries) == 1
    assert entries[0].office_id == team.office.id and len(entries[0].detail["objects"]) == 3
    assert MARKER not in str(entries[0].detail)


async def test_the_team_replies_and_moves_the_state_others_are_refused_and_nothing_changes(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    petition = await make_petition(session, root, team.inspection)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Petition", petition.id)
    replies = await _count(api, PetitionReply)

    refused = await api.gql(REPLY, {"input": {"petitionId": gid, "body": "已转"}}, user=team.member)
    assert [e["code"] for e in refused["data"]["replyToPetition"]["userErrors"]] == ["FORBIDDEN"]
    hidden = await api.gql(REPLY, {"input": {"petitionId": gid, "body": "已转"}}, user=team.sibling)
    assert [e["code"] for e in hidden["data"]["replyToPetition"]["userErrors"]] == ["NOT_FOUND"]
    assert await _count(api, PetitionReply) == replies

    replied = await api.gql(
        REPLY, {"input": {"petitionId": gid, "body": "已受理，正在核实"}}, user=team.leader
    )
    assert replied["data"]["replyToPetition"] == {
        "reply": {"body": "已受理，正在核实"},
        "userErrors": [],
    }
    stale = await api.gql(
        STATE, {"input": {"petitionId": gid, "state": "CLOSED", "version": 1}}, user=team.handler
    )
    assert [e["code"] for e in stale["data"]["updatePetition"]["userErrors"]] == ["CONFLICT"]
    closed = await api.gql(
        STATE, {"input": {"petitionId": gid, "state": "CLOSED", "version": 2}}, user=team.handler
    )
    assert closed["data"]["updatePetition"]["petition"] == {"state": "CLOSED", "version": 3}
    read = (await api.gql(READ, {"id": gid}, user=team.member))["data"]["petition"]
    assert read["replies"] == {"totalCount": 1, "nodes": [{"body": "已受理，正在核实"}]}


async def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    before = (await _count(api, Petition), await _count(api, PetitionerIdentity))

    bad = await api.gql(
        RECORD,
        {
            "input": _input(
                team,
                channel="ONLINE",
                receivedOn="2026-12-30",
                summary="  ",
                petitionerContact="13900000000",
            )
        },
        user=team.handler,
    )
    errors = bad["data"]["recordPetition"]["userErrors"]
    assert sorted((e["field"][-1], e["code"]) for e in errors) == [
        ("channel", "INTAKE_CHANNEL_ONLINE"),
        ("petitionerName", "REQUIRED"),
        ("receivedOn", "DATE_OUT_OF_RANGE"),
        ("summary", "REQUIRED"),
    ]
    member = await api.gql(RECORD, {"input": _input(team)}, user=team.member)
    assert [e["code"] for e in member["data"]["recordPetition"]["userErrors"]] == ["FORBIDDEN"]
    assert (await _count(api, Petition), await _count(api, PetitionerIdentity)) == before
