"""Roles held in one inspection: granted per mission, weighed by phase, bounded in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment, TeamRole
from tests.conftest import Api
from tests.factories import make_region, make_target, make_user
from tests.inspections.factories import make_assignment, make_inspection, move_to

TEAM = """query($inspection: ID!) {
  inspection: node(id: $inspection) {
    ... on Inspection { id stage team(first: 50) { totalCount nodes { id role contactPhone } } }
  }
}"""
ASSIGN = """mutation($input: AssignTeamRoleInput!) { assignTeamRole(input: $input) {
  assignment { id role createdBy { username } } userErrors { field code message } } }"""
CREATE = """mutation($input: CreateInspectionInput!) { createInspection(input: $input) {
  inspection { id name stage createdBy { username } } userErrors { field code message } } }"""
END = """mutation($input: EndTeamRoleInput!) { endTeamRole(input: $input) {
  assignment { id validUntil } userErrors { field code message } } }"""


@pytest.fixture
async def world(api: Api, system: Any) -> dict[str, Any]:
    """An office's inspection of one target (the office has an admin and a member): a leader
    and a member from its sibling office, which holds no standing in it, and that office's admin."""
    session, actor = system
    region = await make_region(session, actor, subordinates=2)
    mine, sibling = region.subordinates
    admin = await make_user(session, actor, mine, Role.OFFICE_ADMIN)
    staff = await make_user(session, actor, mine, Role.OFFICE_MEMBER)
    outsider = await make_user(session, actor, sibling, Role.OFFICE_ADMIN)
    target = await make_target(session, actor, mine, "某局党组领导班子")
    inspection = await make_inspection(session, actor, target.id)
    leader = await make_user(session, actor, sibling, Role.OFFICE_MEMBER)
    member = await make_user(session, actor, sibling, Role.OFFICE_MEMBER)
    lead = await make_assignment(
        session, actor, inspection, leader.id, TeamRole.LEADER, phone="0471-5550001"
    )
    mem = await make_assignment(
        session, actor, inspection, member.id, TeamRole.MEMBER, phone="0471-5550002"
    )
    await session.commit()
    await api.reload_policy()
    return {
        "target": target.id,
        "inspection": inspection.id,
        "admin": admin.username,
        "staff": staff.username,
        "staff_id": staff.id,
        "outsider": outsider.username,
        "leader": leader,
        "member": member,
        "lead": lead.id,
        "mem": mem.id,
    }


async def _team(api: Api, world: dict[str, Any], user: str) -> Any:
    gid = global_id("Inspection", world["inspection"])
    return (await api.gql(TEAM, {"inspection": gid}, user=user))["data"]["inspection"]


async def test_the_leader_reads_the_team_and_its_phones_a_member_the_team_without(
    api: Api, world: dict[str, Any]
) -> None:
    lead = await _team(api, world, world["leader"].username)
    assert lead["stage"] == "PLANNED" and lead["team"]["totalCount"] == 2
    assert sorted(n["contactPhone"] for n in lead["team"]["nodes"]) == [
        "0471-5550001",
        "0471-5550002",
    ]
    member = await _team(api, world, world["member"].username)
    assert member["team"]["totalCount"] == 2
    # Need to know: the phone lives in its own table and type; no row for a member, so null.
    assert [n["contactPhone"] for n in member["team"]["nodes"]] == [None, None]
    admin = await _team(api, world, world["admin"])
    assert {n["contactPhone"] for n in admin["team"]["nodes"]} == {"0471-5550001", "0471-5550002"}
    # The office's member reads the office's inspections and team, not the phones.
    staff = await _team(api, world, world["staff"])
    assert [n["contactPhone"] for n in staff["team"]["nodes"]] == [None, None]
    # The sibling office's admin holds no role in the inspection: nothing at all.
    assert await _team(api, world, world["outsider"]) is None


async def test_after_feedback_the_team_reads_and_at_archive_its_grants_end(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        inspection = await session.get(Inspection, world["inspection"])
        await move_to(session, system, inspection, Stage.FED_BACK)
    await api.reload_policy()
    member = await _team(api, world, world["member"].username)
    # Read-only after feedback: the inspection, not the team's record (policy.csv).
    assert member["stage"] == "FED_BACK" and member["team"]["totalCount"] == 0
    lead = await _team(api, world, world["leader"].username)
    assert lead["team"]["totalCount"] == 2
    assert [n["contactPhone"] for n in lead["team"]["nodes"]] == [None, None]
    async with service.database.transaction() as session:
        inspection = await session.get(Inspection, world["inspection"])
        await move_to(session, system, inspection, Stage.ARCHIVED)
    await api.reload_policy()
    assert await _team(api, world, world["leader"].username) is None
    assert await _team(api, world, world["member"].username) is None
    assert (await _team(api, world, world["admin"]))["stage"] == "ARCHIVED"


async def test_a_grant_counts_only_in_its_period_and_the_snapshot_expires_with_it(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    start = datetime(2031, 3, 1, 8, tzinfo=UTC)
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        inspection = await session.get(Inspection, world["inspection"])
        await make_assignment(
            session,
            system,
            inspection,
            world["leader"].id,
            TeamRole.DEPUTY,
            valid_from=start,
            valid_until=start + timedelta(days=10),
        )
    store = service.policy

    def deputies(snapshot: Any) -> list[str]:
        return [
            str(line)
            for line in snapshot.lines
            if line.ptype == "g" and line.values[1] == "team_deputy"
        ]

    with clock.frozen(start - timedelta(hours=1)):
        async with service.database.session() as session:
            snapshot = await store.reload(session)
        assert deputies(snapshot) == [] and snapshot.expires_at == start
    with clock.frozen(start + timedelta(hours=1)):
        async with service.database.session() as session:
            snapshot = await store.current(session, snapshot.version)  # expired: reloads
        assert deputies(snapshot) == [
            f"g, user:{world['leader'].id}, team_deputy, inspection:{world['inspection']}"
        ]
        assert snapshot.expires_at == start + timedelta(days=10)
    with clock.frozen(start + timedelta(days=11)):
        async with service.database.session() as session:
            snapshot = await store.current(session, snapshot.version)
        assert deputies(snapshot) == []


async def test_the_admin_forms_the_team_over_graphql_and_ends_a_role(
    api: Api, world: dict[str, Any]
) -> None:
    created = (
        await api.gql(
            CREATE,
            {"input": {"targetId": global_id("Target", world["target"]), "name": "专项巡察"}},
            user=world["admin"],
        )
    )["data"]["createInspection"]
    assert created["userErrors"] == [] and created["inspection"]["stage"] == "PLANNED"
    assert created["inspection"]["createdBy"] == {"username": world["admin"]}
    assigned = (
        await api.gql(
            ASSIGN,
            {
                "input": {
                    "inspectionId": created["inspection"]["id"],
                    "userId": global_id("UserAccount", world["staff_id"]),
                    "role": "LIAISON",
                }
            },
            user=world["admin"],
        )
    )["data"]["assignTeamRole"]
    assert assigned["userErrors"] == [] and assigned["assignment"]["role"] == "LIAISON"
    assert assigned["assignment"]["createdBy"] == {"username": world["admin"]}
    ended = (
        await api.gql(
            END, {"input": {"assignmentId": assigned["assignment"]["id"]}}, user=world["admin"]
        )
    )["data"]["endTeamRole"]
    assert ended["userErrors"] == [] and ended["assignment"]["validUntil"] is not None
    again = (
        await api.gql(
            END, {"input": {"assignmentId": assigned["assignment"]["id"]}}, user=world["admin"]
        )
    )["data"]["endTeamRole"]
    assert [e["code"] for e in again["userErrors"]] == ["ASSIGNMENT_ENDED"]


async def test_a_bad_period_and_a_member_forming_the_team_are_refused_and_nothing_changes(
    api: Api, world: dict[str, Any]
) -> None:
    before = await _count(api)
    payload = (
        await api.gql(
            ASSIGN,
            {
                "input": {
                    "inspectionId": global_id("Inspection", world["inspection"]),
                    "userId": global_id("UserAccount", world["staff_id"]),
                    "role": "MEMBER",
                    "validFrom": "2027-01-02T00:00:00+08:00",
                    "validUntil": "2027-01-01T00:00:00+08:00",
                }
            },
            user=world["admin"],
        )
    )["data"]["assignTeamRole"]
    assert payload["assignment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "validUntil"], "PERIOD_INVALID")
    ]
    refused = (
        await api.gql(
            ASSIGN,
            {
                "input": {
                    "inspectionId": global_id("Inspection", world["inspection"]),
                    "userId": global_id("UserAccount", world["staff_id"]),
                    "role": "MEMBER",
                }
            },
            user=world["staff"],
        )
    )["data"]["assignTeamRole"]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    assert await _count(api) == before


async def _count(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(TeamAssignment)) or 0)


CAN = """query($inspection: ID!, $assignment: ID!, $target: ID!) {
  inspection: node(id: $inspection) { ... on Inspection { viewerCan { update delete } } }
  assignment: node(id: $assignment) { ... on TeamAssignment { viewerCan { update delete } } }
  target: node(id: $target) { ... on Target { viewerCan { update delete } } }
}"""


async def test_viewer_can_answers_as_the_door_decides(api: Api, world: dict[str, Any]) -> None:
    ids = {
        "inspection": global_id("Inspection", world["inspection"]),
        "assignment": global_id("TeamAssignment", world["lead"]),
        "target": global_id("Target", world["target"]),
    }
    admin = (await api.gql(CAN, ids, user=world["admin"]))["data"]
    assert admin == {
        "inspection": {"viewerCan": {"update": True, "delete": False}},
        "assignment": {"viewerCan": {"update": True, "delete": False}},
        "target": {"viewerCan": {"update": True, "delete": False}},
    }
    # The leader reads the inspection and its team but changes neither; the target is hidden.
    lead = (await api.gql(CAN, ids, user=world["leader"].username))["data"]
    assert lead == {
        "inspection": {"viewerCan": {"update": False, "delete": False}},
        "assignment": {"viewerCan": {"update": False, "delete": False}},
        "target": None,
    }
