"""回避 overrides every role, inspection roles included (nmg-2016 §12, qh-zrzyt §27)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts import service as accounts_service
from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz import recusals
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, TeamAssignment, TeamContact, TeamRole
from tests.conftest import Api
from tests.factories import make_person, make_region, make_target, make_user
from tests.inspections.factories import make_assignment, make_inspection

QUERY = """query($inspection: ID!, $assignment: ID!, $office: ID!) {
  inspection: node(id: $inspection) { id }
  assignment: node(id: $assignment) { id }
  office: node(id: $office) {
    ... on Office { inspections(first: 50) { totalCount nodes { id team { totalCount } } } }
  }
}"""
ASSIGN = """mutation($input: AssignTeamRoleInput!) { assignTeamRole(input: $input) {
  assignment { id } userErrors { field code } } }"""


@pytest.fixture
async def world(api: Api, system: Any) -> dict[str, Any]:
    """An office's admin leads the inspection of one of its two targets and is then recused
    from that target; the office also has a member and a second admin, and a sibling office."""
    session, root = system
    region = await make_region(session, root, subordinates=2)
    office, sibling = region.subordinates
    admin = await make_user(session, root, office, Role.OFFICE_ADMIN)
    member = await make_user(session, root, office, Role.OFFICE_MEMBER)
    second = await make_user(session, root, office, Role.OFFICE_ADMIN)
    recused_target = await make_target(session, root, office, "某局党组领导班子")
    other_target = await make_target(session, root, office, "某旗委领导班子")
    recused = await make_inspection(session, root, recused_target.id)
    kept = await make_inspection(session, root, other_target.id)
    lead = await make_assignment(
        session, root, recused, admin.id, TeamRole.LEADER, phone="0472-5550001"
    )
    await make_assignment(session, root, kept, admin.id, TeamRole.LEADER)
    await recusals.record_recusal(
        session, root, person_id=admin.person_id, target_id=recused_target.id, reason="曾任职"
    )
    await session.commit()
    await api.reload_policy()
    return {
        "office": office.id,
        "sibling": sibling,
        "recused": recused.id,
        "kept": kept.id,
        "lead": lead.id,
        "admin": admin.id,
        "admin_name": admin.username,
        "admin_person": admin.person_id,
        "member_name": member.username,
        "second_name": second.username,
    }


async def test_a_recused_admin_and_team_leader_reads_nothing_of_the_targets_inspection(
    api: Api, world: dict[str, Any]
) -> None:
    ids = {
        "inspection": global_id("Inspection", world["recused"]),
        "assignment": global_id("TeamAssignment", world["lead"]),
        "office": global_id("Office", world["office"]),
    }
    data = (await api.gql(QUERY, ids, user=world["admin_name"]))["data"]
    assert data["inspection"] is None and data["assignment"] is None
    listed = data["office"]["inspections"]
    assert [n["id"] for n in listed["nodes"]] == [global_id("Inspection", world["kept"])]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["team"]["totalCount"] == 1
    # Counts through the door, with every role the admin holds (office admin, team leader).
    service = api.app.state.graphql
    async with service.database.session() as session:
        admin = await session.get(UserAccount, world["admin"])
        assert admin is not None
        actor = Actor(
            username=admin.username,
            policy=service.policy.compiled,
            user_id=admin.id,
            person_id=admin.person_id,
            network=service.policy.snapshot.network,
        )
        for model in (Inspection, TeamAssignment, TeamContact):
            rows = readable(actor, model).where(model.target_id == _target_of(world, session))
            count = await session.scalar(select(func.count()).select_from(rows.subquery()))
            assert count == 0, model.__name__
    # The office's member, not recused, reads it.
    other = (await api.gql(QUERY, ids, user=world["member_name"]))["data"]
    assert other["inspection"] == {"id": ids["inspection"]}
    assert other["office"]["inspections"]["totalCount"] == 2


async def test_a_person_record_linked_after_the_recusal_is_covered_too(
    api: Api, world: dict[str, Any]
) -> None:
    """A new record (and account) of the same human, made later in another office."""
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        person = await make_person(session, system, world["sibling"])
        account = await accounts_service.create_account(
            session, system, person_id=person.id, username="later_self"
        )
        inspection = await session.get(Inspection, world["recused"])
        assert inspection is not None
        # Assigned before the link: the human is not yet known to be recused.
        late = await make_assignment(session, system, inspection, account.id, TeamRole.MEMBER)
        await recusals.link_identity(
            session, system, person_id=person.id, same_as=world["admin_person"]
        )
    await api.reload_policy()
    async with service.database.session() as session:
        actor = Actor(
            username="later_self",
            policy=service.policy.compiled,
            user_id=account.id,
            person_id=person.id,
            network=service.policy.snapshot.network,
        )
        for model, pk in ((Inspection, world["recused"]), (TeamAssignment, late.id)):
            found = await session.scalar(readable(actor, model).where(model.id == pk))
            assert found is None, model.__name__


async def test_a_recused_person_cannot_be_assigned_and_nothing_changes(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    async with service.database.session() as session:
        before = await session.scalar(select(func.count()).select_from(TeamAssignment))
    payload = (
        await api.gql(
            ASSIGN,
            {
                "input": {
                    "inspectionId": global_id("Inspection", world["recused"]),
                    "userId": global_id("UserAccount", world["admin"]),
                    "role": "MEMBER",
                }
            },
            user=world["second_name"],
        )
    )["data"]["assignTeamRole"]
    assert payload["assignment"] is None
    assert payload["userErrors"] == [{"field": ["input", "userId"], "code": "RECUSED"}]
    async with service.database.session() as session:
        after = await session.scalar(select(func.count()).select_from(TeamAssignment))
    assert after == before


def _target_of(world: dict[str, Any], session: Any) -> Any:
    return select(Inspection.target_id).where(Inspection.id == world["recused"]).scalar_subquery()
