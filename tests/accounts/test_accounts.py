"""Accounts are named within their office: no office learns another's usernames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.demo import DEMO_USERS
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user

CREATE = (
    "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) "
    "{ account { id username } userErrors { field code message } } }"
)
VIEWER = "{ viewer { username account { id } } }"


@dataclass(frozen=True)
class Two:
    """Two provinces' offices, each with its admin, and a person of the second with no account."""

    first: Office
    second: Office
    first_admin: str
    second_admin: str
    person: str  # the person's global ID


@pytest.fixture
async def two(api: Api, system: Any) -> Two:
    session, actor = system
    first, second = await make_office(session, actor), await make_office(session, actor)
    first_admin = await make_user(session, actor, first, Role.OFFICE_ADMIN)
    second_admin = await make_user(session, actor, second, Role.OFFICE_ADMIN)
    person = await make_person(session, actor, second)
    await session.commit()
    await api.reload_policy()
    return Two(
        first, second, first_admin.username, second_admin.username, global_id("Person", person.id)
    )


async def _accounts_named(api: Api, username: str) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(UserAccount)
                .where(UserAccount.username == username)
            )
            or 0
        )


async def test_another_provinces_username_is_free_and_reveals_nothing(api: Api, two: Two) -> None:
    # The first province's admin has its name; the second province may use the name too.
    result = await api.gql(
        CREATE,
        {"input": {"personId": two.person, "username": two.first_admin}},
        user=two.second_admin,
    )
    payload = result["data"]["createUserAccount"]
    assert payload["userErrors"] == []
    assert payload["account"]["username"] == two.first_admin
    assert await _accounts_named(api, two.first_admin) == 2


async def test_a_username_taken_in_the_same_office_is_refused_and_nothing_is_written(
    api: Api, two: Two
) -> None:
    result = await api.gql(
        CREATE,
        {"input": {"personId": two.person, "username": two.second_admin}},
        user=two.second_admin,
    )
    assert result["data"]["createUserAccount"] == {
        "account": None,
        "userErrors": [
            {
                "field": ["input", "username"],
                "code": "USERNAME_TAKEN",
                "message": f"本办公室已有用户名 {two.second_admin}",
            }
        ],
    }
    assert await _accounts_named(api, two.second_admin) == 1


async def test_two_offices_accounts_of_one_name_sign_in_as_themselves(api: Api, two: Two) -> None:
    name = two.first_admin
    created = await api.gql(
        CREATE, {"input": {"personId": two.person, "username": name}}, user=two.second_admin
    )
    second_account = created["data"]["createUserAccount"]["account"]["id"]
    in_second = await api.gql(VIEWER, user=f"{two.second.code}/{name}")
    in_first = await api.gql(VIEWER, user=f"{two.first.code}/{name}")
    assert in_second["data"]["viewer"] == {"username": name, "account": {"id": second_account}}
    assert in_first["data"]["viewer"]["username"] == name
    assert in_first["data"]["viewer"]["account"]["id"] != second_account


# About the demo itself (make run's accounts), so on the demo.
async def test_every_demo_user_signs_in_by_its_office_code(api: Api) -> None:
    for user in DEMO_USERS:
        result = await api.gql(VIEWER, user=user.sign_in_name)
        assert result["data"]["viewer"]["username"] == user.username, user
