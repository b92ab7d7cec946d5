"""Correcting a person's record and its parts, archiving it, removing a part entered by mistake."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id, parse_global_id
from inspectnet.people.models import EmploymentRecord, Person, PoolMembership
from tests.conftest import Api, office_id

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


async def _data(api: Api, query: str, variables: dict[str, Any], user: str = "baotou_admin") -> Any:
    result = await api.gql(query, variables, user=user)
    assert "errors" not in result, result
    return result["data"]


async def _world(api: Api) -> dict[str, Any]:
    office = global_id("Office", await office_id(api.app.state.graphql.database, "nmg.baotou"))
    person = (
        await _data(
            api,
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
    await _data(api, POOL, {"input": {"personId": person, "pool": "TALENT", "since": "2025-01-01"}})
    parts = (await _data(api, READ, {"id": person}))["node"]
    return {
        "office": office,
        "person": person,
        "career": parts["employment"]["nodes"][0]["id"],
        "pool": parts["pools"]["nodes"][0]["id"],
    }


async def _get(api: Api, model: type, gid: str) -> Any:
    async with api.app.state.graphql.database.session() as session:
        return await session.get(model, parse_global_id(gid)[1])


async def test_a_renamed_person_is_found_by_the_new_name_in_pinyin(api: Api) -> None:
    world = await _world(api)
    payload = (
        await _data(
            api,
            UPDATE,
            {"input": {"personId": world["person"], "name": "钱七", "expertise": ["POLICY_LAW"]}},
        )
    )["updatePerson"]
    assert payload == {
        "person": {"name": "钱七", "unit": "包钢集团", "expertise": ["POLICY_LAW"]},
        "userErrors": [],
    }
    found = (await _data(api, SEARCH, {"q": "qianqi"}))["search"]["hits"]
    assert {"node": {"id": world["person"]}} in found
    assert (await _data(api, SEARCH, {"q": "zhaoliu"}))["search"]["hits"] == []


async def test_bad_fields_are_refused_together_and_a_stranger_sees_not_found(api: Api) -> None:
    world = await _world(api)
    bad = (
        await _data(api, UPDATE, {"input": {"personId": world["person"], "name": "", "unit": None}})
    )["updatePerson"]
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        (["input", "name"], "REQUIRED"),
        (["input", "unit"], "REQUIRED"),
    ]
    stranger = (
        await _data(
            api, UPDATE, {"input": {"personId": world["person"], "name": "x"}}, "chifeng_admin"
        )
    )["updatePerson"]
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]
    row = await _get(api, Person, world["person"])
    assert (row.name, row.unit) == ("赵六", "包钢集团")


async def test_a_career_post_is_ended_and_a_pool_clash_is_refused(api: Api) -> None:
    world = await _world(api)
    ended = (
        await _data(
            api,
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
            api, UPDATE_POOL, {"input": {"poolMembershipId": world["pool"], "pool": "LEADER"}}
        )
    )["updatePoolMembership"]
    assert moved == {"poolMembership": {"pool": "LEADER", "since": "2025-01-01"}, "userErrors": []}


async def test_an_archived_person_leaves_the_list_and_a_removed_part_is_audited(api: Api) -> None:
    world = await _world(api)
    before = (await _data(api, PEOPLE, {"id": world["office"]}))["office"]["people"]["totalCount"]
    archived = (await _data(api, ARCHIVE, {"input": {"personId": world["person"]}}))[
        "archivePerson"
    ]
    assert archived["userErrors"] == [] and archived["person"]["archivedAt"]
    after = (await _data(api, PEOPLE, {"id": world["office"]}))["office"]["people"]["totalCount"]
    assert after == before - 1
    assert (await _data(api, SEARCH, {"q": "zhaoliu"}))["search"]["hits"] == []

    wrong_kind = (await _data(api, REMOVE, {"input": {"id": world["person"]}}))[
        "removePersonRecord"
    ]
    assert [(e["field"], e["code"]) for e in wrong_kind["userErrors"]] == [
        (["input", "id"], "INVALID_ID")
    ]
    assert await _get(api, Person, world["person"]) is not None

    removed = (await _data(api, REMOVE, {"input": {"id": world["pool"]}}))["removePersonRecord"]
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
