"""``createdBy``: the account that recorded a node, noted at insert from the unit of work's
actor; null when the system made it or the viewer cannot read the account."""

from __future__ import annotations

from typing import Any

import pytest

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user

CREATE = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id createdBy { id username } } userErrors { code } } }"""
BY = """query($id: ID!) { node(id: $id) { ... on Person { name createdBy { username } } } }"""


@pytest.fixture
async def world(system: Any, api: Api) -> dict[str, Any]:
    session, root = system
    office = await make_office(session, root)
    admin = await make_user(session, root, office, Role.OFFICE_ADMIN)
    member = await make_user(session, root, office, Role.OFFICE_MEMBER)
    made_by_system = await make_person(session, root, office, "钱七")
    await session.commit()
    await api.reload_policy()
    return {
        "office": global_id("Office", office.id),
        "admin": admin.username,
        "admin_id": global_id("UserAccount", admin.id),
        "member": member.username,
        "by_system": global_id("Person", made_by_system.id),
    }


async def _record(api: Api, world: dict[str, Any]) -> dict[str, Any]:
    given = {
        "officeId": world["office"],
        "name": "赵六",
        "unit": "包钢集团",
        "rank": "正处级",
        "homeRegionCode": "150200",
    }
    made = (await api.gql(CREATE, {"input": given}, user=world["admin"]))["data"]["createPerson"]
    assert made["userErrors"] == []
    return made["person"]  # type: ignore[no-any-return]


async def test_a_person_recorded_through_the_api_names_its_recorder(
    api: Api, world: dict[str, Any]
) -> None:
    person = await _record(api, world)
    assert person["createdBy"] == {"id": world["admin_id"], "username": world["admin"]}
    seen = await api.gql(BY, {"id": person["id"]}, user=world["admin"])
    assert seen["data"]["node"] == {"name": "赵六", "createdBy": {"username": world["admin"]}}


async def test_a_recorder_the_viewer_cannot_read_is_null(api: Api, world: dict[str, Any]) -> None:
    person = await _record(api, world)
    # A member reads the office's people (base.csv) but not its accounts.
    seen = await api.gql(BY, {"id": person["id"]}, user=world["member"])
    assert seen["data"]["node"] == {"name": "赵六", "createdBy": None}


async def test_a_row_the_system_made_has_no_recorder(api: Api, world: dict[str, Any]) -> None:
    seen = await api.gql(BY, {"id": world["by_system"]}, user=world["admin"])
    assert seen["data"]["node"] == {"name": "钱七", "createdBy": None}
