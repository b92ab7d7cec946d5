"""The flush guard: whatever a service forgets, no row is written that its column cannot hold.

``createOffice`` (network/service.py) has no length or character checks of its own: the guard
alone turns what was a PostgreSQL 500, or silent storage on SQLite, into a userError.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.errors import ValidationFailed
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.people.models import EmploymentRecord, Person
from tests.conftest import Api
from tests.factories import make_office, make_person, make_region, make_user
from tests.inputs import post_ascii

CREATE_OFFICE = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
  office { code name } userErrors { field code message } } }"""
UPDATE_OFFICE = """mutation($input: UpdateOfficeInput!) { updateOffice(input: $input) {
  office { name } userErrors { field code } } }"""


@pytest.fixture
async def mine(api: Api, system: Any) -> tuple[Office, str]:
    """A liaison body of a region of the test's own, and its admin, committed."""
    session, actor = system
    office = (await make_region(session, actor, subordinates=1)).subordinates[0]
    admin = await make_user(session, actor, office)
    await session.commit()
    await api.reload_policy()
    return office, admin.username


async def _offices(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Office)) or 0)


async def _create_office(api: Api, mine: tuple[Office, str], **changes: str) -> dict[str, Any]:
    office, admin = mine
    values = {
        "superiorId": global_id("Office", office.id),
        "code": f"{office.code}.qingshan",
        "name": "青山区委巡察办",
        "kind": "PATROL_OFFICE",
        "regionCode": "150204",
        "rulesetId": "nmg-2016",
    }
    result = await post_ascii(api, CREATE_OFFICE, {"input": values | changes}, user=admin)
    assert "errors" not in result, result
    return result["data"]["createOffice"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("巡" * 300, "TOO_LONG"),
        ("青山区\x00巡察办", "INVALID_CHARACTERS"),
        ("青山区\ud800巡察办", "INVALID_CHARACTERS"),
        ("青山区\u202e巡察办", "INVALID_CHARACTERS"),
    ],
)
async def test_create_office_with_a_name_its_column_cannot_hold_is_a_user_error(
    api: Api, mine: tuple[Office, str], name: str, code: str
) -> None:
    before = await _offices(api)
    payload = await _create_office(api, mine, name=name)
    assert payload["office"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "name"], code)]
    assert await _offices(api) == before


async def test_create_office_with_a_name_of_exactly_its_column_length_is_stored(
    api: Api, mine: tuple[Office, str]
) -> None:
    payload = await _create_office(api, mine, name="巡" * 200)
    assert payload == {
        "office": {"code": f"{mine[0].code}.qingshan", "name": "巡" * 200},
        "userErrors": [],
    }


async def test_update_office_with_an_overlong_name_changes_nothing(
    api: Api, mine: tuple[Office, str]
) -> None:
    office, admin = mine
    result = await api.gql(
        UPDATE_OFFICE,
        {"input": {"officeId": global_id("Office", office.id), "name": "包" * 201}},
        user=admin,
    )
    assert result["data"]["updateOffice"] == {
        "office": None,
        "userErrors": [{"field": ["input", "name"], "code": "TOO_LONG"}],
    }
    async with api.app.state.graphql.database.session() as session:
        assert (await session.get(Office, office.id)).name == office.name  # type: ignore[union-attr]


async def test_a_session_flush_names_every_bad_field_and_writes_nothing(system: Any) -> None:
    session, actor = system
    office = await make_office(session, actor)
    person = await make_person(session, actor, office)
    before = await session.scalar(select(func.count()).select_from(EmploymentRecord))
    session.add(
        EmploymentRecord(
            office_id=office.id,
            person_id=person.id,
            organisation="单" * 201,
            post="科\x00长",
            region_code="１５０２００",
            started_on=date(1066, 10, 14),
            ended_on=None,
        )
    )
    with pytest.raises(ValidationFailed) as refused:
        await session.flush()
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("organisation", "TOO_LONG"),
        ("regionCode", "INVALID_REGION_CODE"),
        ("post", "INVALID_CHARACTERS"),
        ("startedOn", "DATE_OUT_OF_RANGE"),
    ]
    session.expunge_all()
    assert await session.scalar(select(func.count()).select_from(EmploymentRecord)) == before


async def test_a_changed_column_is_checked_on_update_too(system: Any) -> None:
    session, actor = system
    office = await make_office(session, actor)
    person = await make_person(session, actor, office)
    person.rank = "级" * 41
    with pytest.raises(ValidationFailed) as refused:
        await session.flush()
    assert (refused.value.field, refused.value.code) == ("rank", "TOO_LONG")
    session.expunge_all()  # the fixture commits at the end: leave nothing for it to flush


async def test_nul_inside_a_json_value_is_refused(system: Any) -> None:
    session, actor = system
    office = await make_office(session, actor)
    person = await make_person(session, actor, office)
    person.expertise = ["FINANCE\x00AUDIT"]
    with pytest.raises(ValidationFailed) as refused:
        await session.flush()
    assert (refused.value.field, refused.value.code) == ("expertise", "INVALID_CHARACTERS")
    session.expunge_all()  # the fixture commits at the end: leave nothing for it to flush


async def test_a_valid_row_passes_the_guard_unchanged(system: Any) -> None:
    session, actor = system
    office = await make_office(session, actor)
    person = await make_person(session, actor, office, name="阿卜杜拉·买买提")
    await session.flush()
    assert (await session.get(Person, person.id)).name == "阿卜杜拉·买买提"  # type: ignore[union-attr]
