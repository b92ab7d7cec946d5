"""回避 overrides every role, inspection roles included (nmg-2016 §12, qh-zrzyt §27)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts import service as accounts_service
from inspectnet.accounts.models import UserAccount
from inspectnet.authz import recusals
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, TeamAssignment, TeamContact, TeamRole
from inspectnet.network.models import Office
from inspectnet.targets import service as targets
from tests.conftest import Api, office_id
from tests.factories import make_person, make_user
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


async def _account(session: Any, username: str) -> UserAccount:
    found = await session.scalar(select(UserAccount).where(UserAccount.username == username))
    assert found is not None
    return found  # type: ignore[no-any-return]


@pytest.fixture
async def world(api: Api) -> dict[str, Any]:
    """包头's admin leads the inspection of one target and is then recused from that target."""
    service = api.app.state.graphql
    baotou = await office_id(service.database, "nmg.baotou")
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        recused_target = await targets.create_target(
            session, system, office_id=baotou, name="某局党组领导班子", region_code="150200"
        )
        other_target = await targets.create_target(
            session, system, office_id=baotou, name="某旗委领导班子", region_code="150200"
        )
        recused = await make_inspection(session, system, recused_target.id)
        kept = await make_inspection(session, system, other_target.id)
        admin = await _account(session, "baotou_admin")
        lead = await make_assignment(
            session, system, recused, admin.id, TeamRole.LEADER, phone="0472-5550001"
        )
        await make_assignment(session, system, kept, admin.id, TeamRole.LEADER)
        office = await session.get(Office, baotou)
        assert office is not None
        await make_user(session, system, office, username="second_admin")
        await recusals.record_recusal(
            session, system, person_id=admin.person_id, target_id=recused_target.id, reason="曾任职"
        )
    await api.reload_policy()
    return {
        "office": baotou,
        "recused": recused.id,
        "kept": kept.id,
        "lead": lead.id,
        "admin": admin.id,
        "admin_person": admin.person_id,
    }


async def test_a_recused_admin_and_team_leader_reads_nothing_of_the_targets_inspection(
    api: Api, world: dict[str, Any]
) -> None:
    ids = {
        "inspection": global_id("Inspection", world["recused"]),
        "assignment": global_id("TeamAssignment", world["lead"]),
        "office": global_id("Office", world["office"]),
    }
    data = (await api.gql(QUERY, ids, user="baotou_admin"))["data"]
    assert data["inspection"] is None and data["assignment"] is None
    listed = data["office"]["inspections"]
    assert [n["id"] for n in listed["nodes"]] == [global_id("Inspection", world["kept"])]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["team"]["totalCount"] == 1
    # Counts through the door, with every role the admin holds (office admin, team leader).
    service = api.app.state.graphql
    async with service.database.session() as session:
        admin = await _account(session, "baotou_admin")
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
    other = (await api.gql(QUERY, ids, user="baotou_member"))["data"]
    assert other["inspection"] == {"id": ids["inspection"]}
    assert other["office"]["inspections"]["totalCount"] == 2


async def test_a_person_record_linked_after_the_recusal_is_covered_too(
    api: Api, world: dict[str, Any]
) -> None:
    """A new record (and account) of the same human, made later in another office."""
    service = api.app.state.graphql
    chifeng_id = await office_id(service.database, "nmg.chifeng")
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        chifeng = await session.get(Office, chifeng_id)
        assert chifeng is not None
        person = await make_person(session, system, chifeng)
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
            user="second_admin",
        )
    )["data"]["assignTeamRole"]
    assert payload["assignment"] is None
    assert payload["userErrors"] == [{"field": ["input", "userId"], "code": "RECUSED"}]
    async with service.database.session() as session:
        after = await session.scalar(select(func.count()).select_from(TeamAssignment))
    assert after == before


def _target_of(world: dict[str, Any], session: Any) -> Any:
    return select(Inspection.target_id).where(Inspection.id == world["recused"]).scalar_subquery()
