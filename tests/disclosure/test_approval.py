"""Approval by whom the ruleset names: a disclosure point naming a body (``approved_by``) is
approved by that body's seats only (authz.checks.require_body), the office's admin refused."""

from __future__ import annotations

from sqlalchemy import select

from inspectnet.authz.actor import Actor
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.db import Database
from inspectnet.disclosure.models import Disclosure, DisclosureState
from inspectnet.ids import global_id
from tests.bodies.factories import make_body
from tests.conftest import Api
from tests.disclosure.factories import make_disclosure, make_inspected_office

APPROVE = """mutation($input: DisclosureStepInput!) { approveDisclosure(input: $input) {
  disclosure { state approval { decidedAs } } userErrors { code } } }"""
CAN = "query($id: ID!) { disclosure(id: $id) { approver viewerCan { approve } } }"


async def test_a_point_naming_the_leading_group_is_approved_by_its_seats_only(
    api: Api, db: Database
) -> None:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        world = await make_inspected_office(session, root)
        group = await make_body(
            session, root, world.office, BodyKind.LEADING_GROUP, (Position.MEMBER,)
        )
        draft = await make_disclosure(session, root, world.inspection)
        # as drafted under a point with ``approved_by: leading_group`` (neither seed names one)
        draft.approver = "leading_group"
        await session.flush()
    await api.reload_policy()
    gid, member = global_id("Disclosure", draft.id), group.members[0].username

    hints = {
        user: (await api.gql(CAN, {"id": gid}, user=user))["data"]["disclosure"]
        for user in (world.staff.admin, member)
    }
    refused = await api.gql(APPROVE, {"input": {"disclosureId": gid}}, user=world.staff.admin)
    async with db.session() as session:
        state = await session.scalar(select(Disclosure.state).where(Disclosure.id == draft.id))
    approved = await api.gql(APPROVE, {"input": {"disclosureId": gid}}, user=member)

    assert hints == {
        world.staff.admin: {"approver": "leading_group", "viewerCan": {"approve": False}},
        member: {"approver": "leading_group", "viewerCan": {"approve": True}},
    }
    assert refused["data"]["approveDisclosure"] == {
        "disclosure": None,
        "userErrors": [{"code": "FORBIDDEN"}],
    }
    assert state is DisclosureState.DRAFT
    assert approved["data"]["approveDisclosure"] == {
        "disclosure": {"state": "APPROVED", "approval": {"decidedAs": "leading_group"}},
        "userErrors": [],
    }


def test_the_door_action_follows_the_approver() -> None:
    from inspectnet.disclosure.service import OFFICE_ADMIN, approve_action

    assert approve_action(Disclosure(approver=OFFICE_ADMIN)) == "approve"
    assert approve_action(Disclosure(approver="party_group")) == "approve_as_party_group"
