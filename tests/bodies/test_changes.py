"""A body renamed, a seat taken away, a body dissolved over GraphQL (issue 20: what is made can
be ended): the roles go with the seats, each change is audited, and an office member, who reads
the bodies, changes none of it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.audit.models import AuditEntry
from inspectnet.bodies.models import BodyKind, BodyMember, DecisionBody, Position
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_body, make_office, make_staff

RENAME = """mutation($input: RenameDecisionBodyInput!) { renameDecisionBody(input: $input) {
  body { id name } userErrors { field code } } }"""
UNSEAT = """mutation($input: UnseatBodyMemberInput!) { unseatBodyMember(input: $input) {
  unseatedMemberId userErrors { field code } } }"""
DISSOLVE = """mutation($input: DissolveDecisionBodyInput!) { dissolveDecisionBody(input: $input) {
  dissolvedBodyId userErrors { field code } } }"""
CREATE = """mutation($input: CreateDecisionBodyInput!) { createDecisionBody(input: $input) {
  body { kind name } userErrors { code } } }"""
CAN = """query($body: ID!, $seat: ID!) {
  body: node(id: $body) { ... on DecisionBody { viewerCan { rename dissolve } } }
  seat: node(id: $seat) { ... on BodyMember { viewerCan { unseat } } } }"""


@pytest.fixture
async def group(api: Api, system: Any) -> dict[str, Any]:
    """An office's leading group with a head and a member seated; the office's admin and a
    member of the office who holds no seat."""
    session, root = system
    office = await make_office(session, root)
    staff = await make_staff(session, root, office)
    seated = await make_body(
        session, root, office, BodyKind.LEADING_GROUP, (Position.HEAD, Position.MEMBER)
    )
    await session.commit()
    await api.reload_policy()
    return {
        "office": office,
        "staff": staff,
        "body_pk": seated.body.id,
        "body": global_id("DecisionBody", seated.body.id),
        "seats": [global_id("BodyMember", s.id) for s in seated.seats],
        "members": [m.id for m in seated.members],
    }


async def _state(api: Api, group: dict[str, Any]) -> tuple[str | None, int, list[str]]:
    """The body's name, its seats, and the body roles held in the office's policy lines."""
    service = api.app.state.graphql
    async with service.database.session() as session:
        name = await session.scalar(
            select(DecisionBody.name).where(DecisionBody.id == group["body_pk"])
        )
        seats = await session.scalar(
            select(func.count())
            .select_from(BodyMember)
            .where(BodyMember.body_id == group["body_pk"])
        )
        snapshot = await service.policy.reload(session)
    domain = f"office:{group['office'].id}"
    roles = sorted(
        f"{line.values[0]} {line.values[1]}"
        for line in snapshot.lines
        if line.ptype == "g" and line.values[2] == domain and "group" in line.values[1]
    )
    return name, int(seats or 0), roles


async def _audited(api: Api, action: str) -> int:
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
            )
            or 0
        )


async def test_the_admin_renames_unseats_and_dissolves_and_the_roles_go_with_the_seats(
    api: Api, group: dict[str, Any]
) -> None:
    admin = group["staff"].admin
    head, member = group["members"]
    assert (await _state(api, group))[1:] == (
        2,
        sorted([f"user:{head} leading_group_head", f"user:{member} leading_group_member"]),
    )
    hints = await api.gql(CAN, {"body": group["body"], "seat": group["seats"][1]}, user=admin)
    assert hints["data"] == {
        "body": {"viewerCan": {"rename": True, "dissolve": True}},
        "seat": {"viewerCan": {"unseat": True}},
    }
    renames_before = await _audited(api, "body.rename")

    renamed = await api.gql(
        RENAME, {"input": {"bodyId": group["body"], "name": "巡察工作领导小组"}}, user=admin
    )
    assert renamed["data"]["renameDecisionBody"] == {
        "body": {"id": group["body"], "name": "巡察工作领导小组"},
        "userErrors": [],
    }
    assert await _audited(api, "body.rename") == renames_before + 1

    unseated = await api.gql(UNSEAT, {"input": {"memberId": group["seats"][1]}}, user=admin)
    assert unseated["data"]["unseatBodyMember"] == {
        "unseatedMemberId": group["seats"][1],
        "userErrors": [],
    }
    assert await _state(api, group) == ("巡察工作领导小组", 1, [f"user:{head} leading_group_head"])

    dissolved = await api.gql(DISSOLVE, {"input": {"bodyId": group["body"]}}, user=admin)
    assert dissolved["data"]["dissolveDecisionBody"] == {
        "dissolvedBodyId": group["body"],
        "userErrors": [],
    }
    assert await _state(api, group) == (None, 0, [])
    # The office may set up a leading group again.
    again = {
        "officeId": global_id("Office", group["office"].id),
        "kind": "LEADING_GROUP",
        "name": "巡察工作领导小组",
    }
    created = (await api.gql(CREATE, {"input": again}, user=admin))["data"]["createDecisionBody"]
    assert created == {
        "body": {"kind": "LEADING_GROUP", "name": "巡察工作领导小组"},
        "userErrors": [],
    }


async def test_a_member_of_the_office_reads_the_body_and_changes_nothing(
    api: Api, group: dict[str, Any]
) -> None:
    member = group["staff"].member
    before = await _state(api, group)
    hints = await api.gql(CAN, {"body": group["body"], "seat": group["seats"][0]}, user=member)
    assert hints["data"] == {
        "body": {"viewerCan": {"rename": False, "dissolve": False}},
        "seat": {"viewerCan": {"unseat": False}},
    }
    for query, input, name in (
        (RENAME, {"bodyId": group["body"], "name": "改名"}, "renameDecisionBody"),
        (UNSEAT, {"memberId": group["seats"][0]}, "unseatBodyMember"),
        (DISSOLVE, {"bodyId": group["body"]}, "dissolveDecisionBody"),
    ):
        answer = (await api.gql(query, {"input": input}, user=member))["data"][name]
        assert [e["code"] for e in answer["userErrors"]] == ["FORBIDDEN"], name
    assert await _state(api, group) == before
