"""Accounts are named within their office: no office learns another's usernames."""

from __future__ import annotations

from sqlalchemy import func, select

from inspectnet.accounts.models import UserAccount
from inspectnet.demo import DEMO_USERS
from inspectnet.ids import global_id
from inspectnet.people.models import Person
from tests.conftest import Api, office_id

CREATE = (
    "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) "
    "{ account { id username } userErrors { field code message } } }"
)
VIEWER = "{ viewer { username account { id } } }"


async def _person_without_account(api: Api, code: str) -> str:
    database = api.app.state.graphql.database
    office = await office_id(database, code)
    async with database.session() as session:
        pk = await session.scalar(
            select(func.min(Person.id)).where(
                Person.office_id == office,
                Person.id.not_in(select(UserAccount.person_id)),
            )
        )
    assert pk is not None
    return global_id("Person", pk)


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


async def test_another_provinces_username_is_free_and_reveals_nothing(api: Api) -> None:
    # baotou_admin exists in 内蒙古's 包头市 office; 青海's 自然资源厅 may use the name too.
    person = await _person_without_account(api, "qh.dnr")
    result = await api.gql(
        CREATE, {"input": {"personId": person, "username": "baotou_admin"}}, user="qh_dnr_admin"
    )
    payload = result["data"]["createUserAccount"]
    assert payload["userErrors"] == []
    assert payload["account"]["username"] == "baotou_admin"
    assert await _accounts_named(api, "baotou_admin") == 2


async def test_a_username_taken_in_the_same_office_is_refused_and_nothing_is_written(
    api: Api,
) -> None:
    person = await _person_without_account(api, "qh.dnr")
    result = await api.gql(
        CREATE, {"input": {"personId": person, "username": "qh_dnr_admin"}}, user="qh_dnr_admin"
    )
    assert result["data"]["createUserAccount"] == {
        "account": None,
        "userErrors": [
            {
                "field": ["input", "username"],
                "code": "USERNAME_TAKEN",
                "message": "本办公室已有用户名 qh_dnr_admin",
            }
        ],
    }
    assert await _accounts_named(api, "qh_dnr_admin") == 1


async def test_two_offices_accounts_of_one_name_sign_in_as_themselves(api: Api) -> None:
    person = await _person_without_account(api, "qh.dnr")
    created = await api.gql(
        CREATE, {"input": {"personId": person, "username": "baotou_admin"}}, user="qh_dnr_admin"
    )
    qh_account = created["data"]["createUserAccount"]["account"]["id"]
    in_qh = await api.gql(VIEWER, user="qh.dnr/baotou_admin")
    in_baotou = await api.gql(VIEWER, user="nmg.baotou/baotou_admin")
    assert in_qh["data"]["viewer"] == {"username": "baotou_admin", "account": {"id": qh_account}}
    assert in_baotou["data"]["viewer"]["username"] == "baotou_admin"
    assert in_baotou["data"]["viewer"]["account"]["id"] != qh_account


async def test_every_demo_user_signs_in_by_its_office_code(api: Api) -> None:
    for user in DEMO_USERS:
        result = await api.gql(VIEWER, user=user.sign_in_name)
        assert result["data"]["viewer"]["username"] == user.username, user
