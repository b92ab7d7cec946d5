"""组务会 (nmg-2016 §10): the leader, responsible for the team, records its meetings (date,
attendees from the team, decisions); the team alone reads them, through the inspection's list
and ``node``; the office's admin, off the team, reads none; bad input writes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from inspectnet.inspections.models import Stage, TeamMeeting, TeamRole
from tests.conftest import Api
from tests.factories import make_office, make_target, make_user
from tests.inspections.factories import make_assignment, make_inspection, move_to

RECORD = """mutation($input: RecordTeamMeetingInput!) { recordTeamMeeting(input: $input) {
  meeting { id heldOn decisions attendeeCount attendees { id } }
  userErrors { field code message } } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  teamMeetings(first: 10) { totalCount nodes { id heldOn decisions attendeeCount } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""


async def _meetings(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(TeamMeeting)) or 0)


async def test_the_leader_records_the_teams_meetings_and_only_the_team_reads_them(
    api: Api, system: Any
) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    admin = await make_user(session, root, office, Role.OFFICE_ADMIN)
    leader = await make_user(session, root, office, Role.OFFICE_MEMBER)
    member = await make_user(session, root, office, Role.OFFICE_MEMBER)
    outsider = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await make_assignment(session, root, inspection, leader.id, TeamRole.LEADER)
    await make_assignment(session, root, inspection, member.id, TeamRole.MEMBER)
    await move_to(session, root, inspection, Stage.ON_SITE)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)
    today = clock.today_in_china().isoformat()

    def meeting(*attendees: Any, decisions: str = "研究确定个别谈话名单") -> dict[str, Any]:
        ids = [global_id("UserAccount", a.id) for a in attendees]
        return {
            "input": {
                "inspectionId": gid,
                "heldOn": today,
                "attendeeIds": ids,
                "decisions": decisions,
            }
        }

    # Bad input: an attendee off the team, none at all, no decisions; a member who is not the
    # leader, and the office admin off the team, may not record one. Nothing is written.
    for variables, user, code in (
        (meeting(leader, outsider), leader, "MEETING_ATTENDEE_NOT_ON_TEAM"),
        (meeting(), leader, "REQUIRED"),
        (meeting(leader, decisions=""), leader, "REQUIRED"),
        (meeting(leader, member), member, "FORBIDDEN"),
        (meeting(leader, member), admin, "FORBIDDEN"),
    ):
        refused = await api.gql(RECORD, variables, user=user.username)
        payload = refused["data"]["recordTeamMeeting"]
        assert payload["meeting"] is None
        assert [e["code"] for e in payload["userErrors"]] == [code], (user.username, code)
    assert await _meetings(api) == 0

    done = await api.gql(RECORD, meeting(leader, member), user=leader.username)
    payload = done["data"]["recordTeamMeeting"]
    assert payload["userErrors"] == []
    assert payload["meeting"]["heldOn"] == today
    assert payload["meeting"]["attendeeCount"] == 2
    assert {a["id"] for a in payload["meeting"]["attendees"]} <= {
        global_id("UserAccount", leader.id),
        global_id("UserAccount", member.id),
    }
    meeting_id = payload["meeting"]["id"]

    # The team reads the meeting on the inspection and by node
    for user in (leader, member):
        listed = (await api.gql(LIST, {"id": gid}, user=user.username))["data"]["node"]
        assert listed["teamMeetings"]["totalCount"] == 1
        assert listed["teamMeetings"]["nodes"][0]["decisions"] == "研究确定个别谈话名单"
        assert (await api.gql(NODE, {"id": meeting_id}, user=user.username))["data"]["node"] == {
            "id": meeting_id
        }
    # The office's admin and a member off the team read the inspection, not its meetings
    for user in (admin, outsider):
        listed = (await api.gql(LIST, {"id": gid}, user=user.username))["data"]["node"]
        assert listed["teamMeetings"] == {"totalCount": 0, "nodes": []}
        assert (await api.gql(NODE, {"id": meeting_id}, user=user.username))["data"]["node"] is None
