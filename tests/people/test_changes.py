"""Correcting a person's record and its parts, archiving it, removing a part entered by mistake."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id, parse_global_id
from inspectnet.people.models import EmploymentRecord, Person, PoolMembership
from tests.conftest import Api
from tests.factories import make_office, make_user

PERSON = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id } userErrors { code } } }"""
CAREER = """mutation($input: AddEmploymentRecordInput!) { addEmploymentRecord(input: $input) {
  userErrors { code } } }"""
POOL = """mutation($input: AddToPoolInput!) { addToPool(input: $input) { userErrors { code } } }"""
READ = """query($id: ID!) { node(id: $id) { ... on Person {
  employment(first: 10) { nodes { id post endedOn } }
  pools(first: 10) { nodes { id pool } } } } }"""
UPDATE = """mutation($input: UpdatePersonInput!) { updatePerson(input: $input) {
  person { name unit expertise } userErrors { field code } } }"""
ARCHIVE = """mutation($input: ArchivePersonInput!) { archivePerson(input: $input) {
  person { archivedAt } userErrors { code } } }"""
UPDATE_CAREER = """mutation($input: UpdateEmploymentRecordInput!) {
  updateEmploymentRecord(input: $input) {
    employmentRecord { post endedOn regionCode } userErrors { field code } } }"""
UPDATE_POOL = """mutation($input: UpdatePoolMembershipInput!) {
  updatePoolMembership(input: $input) { poolMembership { pool since } userErrors { field code } } }"""
REMOVE = """mutation($input: RemovePersonRecordInput!) { removePersonRecord(input: $input) {
  removed person { name } userErrors { field code } } }"""
SEARCH = """query($q: String!) { search(query: $q, types: [PERSON]) { hits { node { id } } } }"""
PEOPLE = """query($id: ID!) { office(id: $id) { people(first: 100) { totalCount } } }"""


async def _data(api: Api, user: str, query: str, variables: dict[str, Any]) -> Any:
    result = await api.gql(query, variables, user=user)
    assert "errors" not in result, result
    return result["data"]


async def _world(api: Api, system: Any) -> dict[str, Any]:
    """A person of an office of the test's own, with a career post and a place in a pool, made
    over the API by the office's admin (``admin``); and another office's admin (``stranger``)."""
    session, actor = system
    mine, other = await make_office(session, actor), await make_office(session, actor)
    user = (await make_user(session, actor, mine, Role.OFFICE_ADMIN)).username
    stranger = (await make_user(session, actor, other, Role.OFFICE_ADMIN)).username
    await session.commit()
    await api.reload_policy()
    office = global_id("Office", mine.id)
    person = (
        await _data(
            api,
            user,
            PERSON,
            {
                "input": {
                    "officeId": office,
                    "name": "赵六",
                    "unit": "包钢集团",
                    "rank": "正处级",
                    "homeRegionCode": "150200",
                }
            },
        )
    )["createPerson"]["person"]["id"]
    await _data(
        api,
        user,
        CAREER,
        {
            "input": {
                "personId": person,
                "organisation": "包钢集团",
                "post": "副总经理",
                "startedOn": "2020-01-01",
            }
        },
    )
    await _data(
        api, user, POOL, {"input": {"personId": person, "pool": "TALENT", "since": "2025-01-01"}}
    )
    parts = (await _data(api, user, READ, {"id": person}))["node"]
    return {
        "admin": user,
        "stranger": stranger,
        "office": office,
        "person": person,
        "career": parts["employment"]["nodes"][0]["id"],
        "pool": parts["pools"]["nodes"][0]["id"],
    }


async def _get(api: Api, model: type, gid: str) -> Any:
    async with api.app.state.graphql.database.session() as session:
        return await session.get(model, parse_global_id(gid)[1])


async def test_a_renamed_person_is_found_by_the_new_name_in_pinyin(api: Api, system: Any) -> None:
    world = await _world(api, system)
    user = world["admin"]
    payload = (
        await _data(
            api,
            user,
            UPDATE,
            {
                "input": {
                    "personId": world["person"],
                    "name": "钱七",
                    "expertise": ["expertise.policy_law"],
                }
            },
        )
    )["updatePerson"]
    assert payload == {
        "person": {"name": "钱七", "unit": "包钢集团", "expertise": ["expertise.policy_law"]},
        "userErrors": [],
    }
    found = (await _data(api, user, SEARCH, {"q": "qianqi"}))["search"]["hits"]
    assert {"node": {"id": world["person"]}} in found
    assert (await _data(api, user, SEARCH, {"q": "zhaoliu"}))["search"]["hits"] == []


async def test_bad_fields_are_refused_together_and_a_stranger_sees_not_found(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    user = world["admin"]
    bad = (
        await _data(
            api, user, UPDATE, {"input": {"personId": world["person"], "name": "", "unit": None}}
        )
    )["updatePerson"]
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        (["input", "name"], "REQUIRED"),
        (["input", "unit"], "REQUIRED"),
    ]
    stranger = (
        await _data(
            api, world["stranger"], UPDATE, {"input": {"personId": world["person"], "name": "x"}}
        )
    )["updatePerson"]
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]
    row = await _get(api, Person, world["person"])
    assert (row.name, row.unit) == ("赵六", "包钢集团")


async def test_a_career_post_is_ended_and_a_pool_clash_is_refused(api: Api, system: Any) -> None:
    world = await _world(api, system)
    user = world["admin"]
    ended = (
        await _data(
            api,
            user,
            UPDATE_CAREER,
            {"input": {"employmentRecordId": world["career"], "endedOn": "2023-12-31"}},
        )
    )["updateEmploymentRecord"]
    assert ended == {
        "employmentRecord": {"post": "副总经理", "endedOn": "2023-12-31", "regionCode": None},
        "userErrors": [],
    }
    moved = (
        await _data(
            api, user, UPDATE_POOL, {"input": {"poolMembershipId": world["pool"], "pool": "LEADER"}}
        )
    )["updatePoolMembership"]
    assert moved == {"poolMembership": {"pool": "LEADER", "since": "2025-01-01"}, "userErrors": []}


async def test_an_archived_person_leaves_the_list_and_a_removed_part_is_audited(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    user = world["admin"]
    before = (await _data(api, user, PEOPLE, {"id": world["office"]}))["office"]["people"][
        "totalCount"
    ]
    archived = (await _data(api, user, ARCHIVE, {"input": {"personId": world["person"]}}))[
        "archivePerson"
    ]
    assert archived["userErrors"] == [] and archived["person"]["archivedAt"]
    after = (await _data(api, user, PEOPLE, {"id": world["office"]}))["office"]["people"][
        "totalCount"
    ]
    assert after == before - 1
    assert (await _data(api, user, SEARCH, {"q": "zhaoliu"}))["search"]["hits"] == []

    wrong_kind = (await _data(api, user, REMOVE, {"input": {"id": world["person"]}}))[
        "removePersonRecord"
    ]
    assert [(e["field"], e["code"]) for e in wrong_kind["userErrors"]] == [
        (["input", "id"], "INVALID_ID")
    ]
    assert await _get(api, Person, world["person"]) is not None

    removed = (await _data(api, user, REMOVE, {"input": {"id": world["pool"]}}))[
        "removePersonRecord"
    ]
    assert removed == {"removed": world["pool"], "person": {"name": "赵六"}, "userErrors": []}
    assert await _get(api, PoolMembership, world["pool"]) is None
    assert await _get(api, EmploymentRecord, world["career"]) is not None
    async with api.app.state.graphql.database.session() as session:
        entry = (
            await session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "person.pool.remove")
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
        ).scalar_one()
    assert (entry.detail["removed"]["pool"], entry.detail["removed"]["since"]) == (
        "TALENT",
        "2025-01-01",
    )
