"""A policy row names a type and an id: each protected model has its own type, and a child row
(a person's career, ties and pools; a target's roster) follows its parent's decision."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from sqlalchemy import ForeignKey, select

import inspectnet.models  # noqa: F401 - every mapper on the registry
from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor, Denial, office_domain, user_subject
from inspectnet.authz.checks import require
from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.explain import explain_access
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.resources import parent_of, type_of
from inspectnet.authz.rows import add_row
from inspectnet.authz.scopes import readable_filter
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Base, Database
from inspectnet.errors import Forbidden, NotFound
from inspectnet.ids import global_id, parse_global_id
from inspectnet.inspections import preparation
from inspectnet.inspections.models import PreparationBody, Stage
from inspectnet.network.models import Office
from inspectnet.people import service as people
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolKind,
    PoolMembership,
    TieKind,
)
from inspectnet.targets import service as targets
from inspectnet.targets.models import Target
from tests.audit.hidden_rows import add_casework_rows, add_fed_back_rows
from tests.conftest import Api
from tests.factories import (
    make_person,
    make_person_with_record,
    make_rotation,
    make_training,
    make_user,
)
from tests.inspections.factories import (
    make_assignment,
    make_inspection,
    make_workflow_rows,
    move_to,
)

NODE = "query($id: ID!) { node(id: $id) { id } }"
TIES = "query($id: ID!) { node(id: $id) { ... on Person { ties { nodes { id } } } } }"


def _mapped_models() -> list[type[Any]]:
    return [mapper.class_ for mapper in Base.registry.mappers]


def test_no_two_mapped_models_share_an_authorization_type() -> None:
    types = Counter(
        m.__authz_type__ for m in _mapped_models() if getattr(m, "__authz_type__", None)
    )
    assert [t for t, n in types.items() if n > 1] == []
    # The four person-record models of the reproduction are four types now.
    assert {type_of(m) for m in (Person, EmploymentRecord, InterestTie, PoolMembership)} == {
        "person",
        "employment_record",
        "interest_tie",
        "pool_membership",
    }


def test_every_declared_parent_is_a_protected_model_reached_by_a_foreign_key() -> None:
    children = [m for m in _mapped_models() if parent_of(m) is not None]
    assert {m.__name__ for m in children} >= {
        "EmploymentRecord",
        "InterestTie",
        "PoolMembership",
        "LeadershipPost",
    }
    for child in children:
        column, parent = parent_of(child)  # type: ignore[misc]
        type_of(parent)  # raises if the parent is not protected
        [key] = child.__table__.c[column].foreign_keys
        assert isinstance(key, ForeignKey) and key.column.table is parent.__table__, child
        assert not child.__table__.c[column].nullable, f"{child.__name__}: a child needs a parent"


@pytest.fixture
async def denied(api: Api, system: Any, policy: PolicyStore) -> dict[str, Any]:
    """In a department's office on a filing line of the test's own, with a decided filing so
    that every child model has rows: person A with a career, a tie and a pool membership,
    denied to the office's member by one policy row; person B with an interest tie whose row
    id equals A's. The office's admin is not named by the row."""
    session, system_actor = system
    # A department's patrol fed back, its item closed, disclosed and archived: the office's
    # rows of every after-site child model; its round plan's filing decided on the way.
    case = await add_fed_back_rows(session, system_actor)
    member = await make_user(session, system_actor, case.office, Role.OFFICE_MEMBER)
    # The member on other offices' teams reads their casework, petitions and reports.
    await add_casework_rows(session, system_actor, member)
    # A career, a training and a rotation not denied.
    undenied = await make_person_with_record(session, system_actor, case.office)
    await make_training(session, system_actor, undenied)
    await make_rotation(session, system_actor, undenied)
    # Its party group (厅党组), seated by the line, gives the body-member rows.
    ids = await _deny_a(session, system_actor, case.office, case.target, member)
    await session.commit()
    await api.reload_policy()
    return ids | {
        "admin": case.admin.username,
        "member": member.username,
        "member_id": member.id,
    }


async def _deny_a(
    session: Any, system: Actor, office: Office, target: Target, member: UserAccount
) -> dict[str, Any]:
    """Person A's record denied to ``member`` by one row; person B's tie numbered as A."""
    a = await make_person(session, system, office, name="甲")
    b = await make_person(session, system, office, name="乙")
    career = await people.add_employment(
        session,
        system,
        person_id=a.id,
        organisation="包头市某局",
        post="科长",
        started_on=date(2020, 1, 1),
        ended_on=None,
        region_code="150200",
        target_id=None,
    )
    a_tie = await people.add_interest_tie(
        session,
        system,
        person_id=a.id,
        kind=TieKind.KIN,
        organisation="某公司",
        relation="配偶",
        target_id=None,
    )
    pool = await people.add_to_pool(
        session, system, person_id=a.id, pool=PoolKind.TALENT, since=date(2024, 1, 1)
    )
    await targets.add_leadership_post(
        session,
        system,
        target_id=target.id,
        person_id=b.id,
        post="书记",
        started_on=date(2021, 1, 1),
        ended_on=None,
    )
    # A team with a need-to-know contact row, so every child model has rows to compare.
    inspection = await make_inspection(session, system, target.id)
    await make_assignment(session, system, inspection, member.id, phone="0472-5550100")
    await move_to(session, system, inspection, Stage.TEAM_FORMED)  # a recorded step
    await make_workflow_rows(session, system, inspection, member.person_id)
    await preparation.add_preparation_item(
        session,
        system,
        inspection_id=inspection.id,
        body=PreparationBody.AUDIT,
        question="近三年审计发现问题",
        due_on=date(2026, 12, 31),
    )
    # The reproduction's collision: a row of another type with the denied person's number.
    b_tie = InterestTie(
        id=a.id,
        office_id=office.id,
        person_id=b.id,
        kind=TieKind.INTEREST,
        organisation="另一公司",
        relation="股东",
        target_id=None,
    )
    session.add(b_tie)
    await session.flush()
    row = PolicyLine(
        "p",
        (
            user_subject(member.id),
            office_domain(office.id),
            "self",
            "person",
            str(a.id),
            "read",
            "deny",
        ),
    )
    await add_row(session, system, row, "回避")
    return {
        "a": global_id("Person", a.id),
        "b": global_id("Person", b.id),
        "career": global_id("EmploymentRecord", career.id),
        "a_tie": global_id("InterestTie", a_tie.id),
        "pool": global_id("PoolMembership", pool.id),
        "b_tie": global_id("InterestTie", b_tie.id),
    }


async def _node(api: Api, gid: str, user: str) -> dict[str, Any]:
    return await api.gql(NODE, {"id": gid}, user=user)


async def test_a_deny_on_a_person_hides_the_persons_whole_record(
    api: Api, denied: dict[str, Any]
) -> None:
    for key in ("a", "career", "a_tie", "pool"):
        result = await _node(api, denied[key], denied["member"])
        assert result["data"] == {"node": None}, key
        assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"], key
    # The office's admin, whom the row does not name, still reads all of it.
    for key in ("a", "career", "a_tie", "pool"):
        assert (await _node(api, denied[key], denied["admin"]))["data"] == {
            "node": {"id": denied[key]}
        }


async def test_a_deny_on_a_person_leaves_another_type_with_the_same_number_readable(
    api: Api, denied: dict[str, Any]
) -> None:
    assert (await _node(api, denied["b_tie"], denied["member"]))["data"] == {
        "node": {"id": denied["b_tie"]}
    }
    ties = await api.gql(TIES, {"id": denied["b"]}, user=denied["member"])
    assert ties["data"]["node"]["ties"]["nodes"] == [{"id": denied["b_tie"]}]


@pytest.fixture
async def member_actor(denied: dict[str, Any], db: Database, policy: PolicyStore) -> Actor:
    """The office's member as the door sees it, with the policy as the test's rows leave it plus the
    right to change its office's people and their ties, except person B."""
    async with db.session() as session:
        await policy.reload(session)
        account = await session.get(UserAccount, denied["member_id"])
    assert account is not None
    extra = [
        PolicyLine("p", ("office_member", "*", "self", "person", "*", "update", "allow")),
        PolicyLine("p", ("office_member", "*", "self", "interest_tie", "*", "update", "allow")),
        PolicyLine("p", ("office_member", "*", "self", "team_contact", "*", "read", "allow")),
    ]
    return Actor(
        username=account.username,
        policy=CompiledPolicy.compile([*policy.snapshot.lines, *extra]),
        user_id=account.id,
        person_id=account.person_id,
        home_office_id=account.office_id,
        network=policy.snapshot.network,  # relations beyond self, as a signed-in actor has
    )


async def test_require_on_a_child_follows_its_parent(
    denied: dict[str, Any], db: Database, member_actor: Actor
) -> None:
    async with db.session() as session:
        career = await session.get(EmploymentRecord, parse_global_id(denied["career"])[1])
        a_tie = await session.get(InterestTie, parse_global_id(denied["a_tie"])[1])
        b_tie = await session.get(InterestTie, parse_global_id(denied["b_tie"])[1])
        assert career is not None and a_tie is not None and b_tie is not None
        await require(session, member_actor, "read", b_tie)
        await require(session, member_actor, "update", b_tie)
        with pytest.raises(NotFound):
            await require(session, member_actor, "read", career)
        # The tie's own type allows the change; its hidden parent decides: not found.
        with pytest.raises(NotFound):
            await require(session, member_actor, "update", a_tie)
        # Person B readable but not to be changed by this user: its tie neither.
        b = b_tie.person_id
        member_actor.policy = CompiledPolicy.compile(
            [
                *member_actor.policy.lines,
                PolicyLine(
                    "p",
                    (
                        member_actor.subject,
                        office_domain(b_tie.office_id),
                        "self",
                        "person",
                        str(b),
                        "update",
                        "deny",
                    ),
                ),
            ]
        )
        await require(session, member_actor, "read", b_tie)
        with pytest.raises(Forbidden):
            await require(session, member_actor, "update", b_tie)
    office = career.office_id
    assert member_actor.denials == [
        Denial("read", "employment_record", denied["career"], office, "NOT_FOUND"),
        Denial("update", "interest_tie", denied["a_tie"], office, "NOT_FOUND"),
        Denial("update", "interest_tie", denied["b_tie"], office, "FORBIDDEN"),
    ]


async def test_policy_explain_names_the_parent_that_decides(
    denied: dict[str, Any], db: Database, policy: PolicyStore, member_actor: Actor
) -> None:
    async with db.session() as session:
        await policy.reload(session)
        career = await session.get(EmploymentRecord, parse_global_id(denied["career"])[1])
        assert career is not None and member_actor.user_id is not None
        result = await explain_access(session, policy, member_actor.user_id, "read", career)
    assert result.request[1:] == ("employment_record", str(career.id), "read")
    assert any(p.explanation.allowed for p in result.paths)  # its own type allows it
    [(parent, why)] = result.parent
    assert isinstance(parent, Person) and parent.id == career.person_id
    assert not why.allowed and not result.allowed
    assert any(
        line.startswith("denied by p, user:")
        for p in why.paths
        for line in p.explanation.describe()
    )


async def test_readable_and_require_agree_on_every_child_row(
    denied: dict[str, Any], db: Database, member_actor: Actor
) -> None:
    """The list predicate and the single-object check give one answer per row, children too."""
    children = [m for m in _mapped_models() if parent_of(m) is not None]
    async with db.session() as session:
        for model in children:
            listed = set(
                await session.scalars(select(model.id).where(readable_filter(member_actor, model)))
            )
            for row in (await session.scalars(select(model))).all():
                try:
                    await require(session, member_actor, "read", row)
                    allowed = True
                except NotFound:
                    allowed = False
                assert allowed == (row.id in listed), (model.__name__, row.id)
            assert listed, f"{model.__name__}: nothing readable, the comparison proves nothing"
    assert {(d.object_type, d.object_id) for d in member_actor.denials} >= {
        ("employment_record", denied["career"]),
        ("interest_tie", denied["a_tie"]),
        ("pool_membership", denied["pool"]),
    }
