"""What a person's inputs may hold: bounded, normalised, every bad field reported at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from inspectnet.people.models import EmploymentRecord, Person
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.inputs import post_ascii

CREATE = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id name unit rank homeRegionCode } userErrors { field code message } } }"""
EMPLOY = """mutation($input: AddEmploymentRecordInput!) { addEmploymentRecord(input: $input) {
  record { id organisation post startedOn endedOn regionCode } userErrors { field code message } } }"""


@dataclass(frozen=True)
class Desk:
    """An office (its global ID) and its admin, who records its people."""

    office: str
    admin: str


@pytest.fixture
async def desk(api: Api, system: Any) -> Desk:
    session, actor = system
    office = await make_office(session, actor)
    admin = await make_user(session, actor, office, Role.OFFICE_ADMIN)
    await session.commit()
    await api.reload_policy()
    return Desk(global_id("Office", office.id), admin.username)


def _person(office: str, **changes: Any) -> dict[str, Any]:
    values = {
        "officeId": office,
        "name": "张三",
        "unit": "包头市自然资源局",
        "rank": "正处级",
        "homeRegionCode": "150200",
    }
    return {"input": values | changes}


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _refused(
    api: Api, desk: Desk, document: str, variables: dict[str, Any], name: str
) -> list[dict]:
    result = await post_ascii(api, document, variables, user=desk.admin)
    assert "errors" not in result, result
    payload = result["data"][name]
    assert payload[next(k for k in payload if k != "userErrors")] is None
    return payload["userErrors"]  # type: ignore[no-any-return]


async def test_a_name_longer_than_its_column_is_refused_and_nothing_is_written(
    api: Api, desk: Desk
) -> None:
    before = await _count(api, Person)
    errors = await _refused(
        api, desk, CREATE, _person(desk.office, name="张" * 101), "createPerson"
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "name"], "TOO_LONG")]
    assert errors[0]["message"] == "不能超过100个字符"
    assert await _count(api, Person) == before


async def test_a_name_of_exactly_the_column_length_is_stored(api: Api, desk: Desk) -> None:
    result = await api.gql(CREATE, _person(desk.office, name="张" * 100), user=desk.admin)
    assert result["data"]["createPerson"]["userErrors"] == []
    assert result["data"]["createPerson"]["person"]["name"] == "张" * 100


async def test_a_nul_byte_is_refused_and_nothing_is_written(api: Api, desk: Desk) -> None:
    before = await _count(api, Person)
    errors = await _refused(
        api, desk, CREATE, _person(desk.office, unit="包头\x00市"), "createPerson"
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "unit"], "INVALID_CHARACTERS")]
    assert await _count(api, Person) == before


async def test_a_lone_surrogate_is_refused_and_nothing_is_written(api: Api, desk: Desk) -> None:
    before = await _count(api, Person)
    errors = await _refused(
        api, desk, CREATE, _person(desk.office, rank="正\ud800处"), "createPerson"
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "rank"], "INVALID_CHARACTERS")]
    assert await _count(api, Person) == before


async def test_bidi_overrides_and_zero_width_characters_are_refused_in_names(
    api: Api, desk: Desk
) -> None:
    office = desk.office
    for bad in ("张\u202e三", "张\u2066三", "张\u200b三", "张\ufeff三", "张\n三", "张\x85三"):
        errors = await _refused(api, desk, CREATE, _person(office, name=bad), "createPerson")
        assert [(e["field"], e["code"]) for e in errors] == [
            (["input", "name"], "INVALID_CHARACTERS")
        ]


async def test_names_are_stored_nfkc_normalised_and_trimmed(api: Api, desk: Desk) -> None:
    result = await api.gql(
        CREATE,
        _person(desk.office, name="\u3000张三\u3000", unit="ＡＢＣ公司", rank="正处级\u00a0"),
        user=desk.admin,
    )
    person = result["data"]["createPerson"]["person"]
    assert (person["name"], person["unit"], person["rank"]) == ("张三", "ABC公司", "正处级")


async def test_length_is_counted_after_normalisation(api: Api, desk: Desk) -> None:
    # U+337F (㍿) is four characters under NFKC: 25 of them are 100, 26 are 104.
    office = desk.office
    accepted = await api.gql(CREATE, _person(office, name="\u337f" * 25), user=desk.admin)
    assert accepted["data"]["createPerson"]["person"]["name"] == "株式会社" * 25
    errors = await _refused(api, desk, CREATE, _person(office, name="\u337f" * 26), "createPerson")
    assert [e["code"] for e in errors] == ["TOO_LONG"]


async def test_region_codes_are_six_ascii_digits(api: Api, desk: Desk) -> None:
    office = desk.office
    for bad in ("１５０２００", "١٥٠٢٠٠", "15020", "1502000", "15020a"):
        errors = await _refused(
            api, desk, CREATE, _person(office, homeRegionCode=bad), "createPerson"
        )
        assert [(e["field"], e["code"]) for e in errors] == [
            (["input", "homeRegionCode"], "INVALID_REGION_CODE")
        ]


async def test_three_bad_fields_give_three_user_errors_at_once(api: Api, desk: Desk) -> None:
    before = await _count(api, Person)
    variables = _person(desk.office, name="", unit="单位\x00", homeRegionCode="１５０２００")
    errors = await _refused(api, desk, CREATE, variables, "createPerson")
    assert errors == [
        {"field": ["input", "name"], "code": "REQUIRED", "message": "此项不能为空"},
        {"field": ["input", "unit"], "code": "INVALID_CHARACTERS", "message": errors[1]["message"]},
        {
            "field": ["input", "homeRegionCode"],
            "code": "INVALID_REGION_CODE",
            "message": "行政区划代码应为6位半角数字",
        },
    ]
    assert "字符" in errors[1]["message"]
    assert await _count(api, Person) == before


async def _a_person(api: Api, desk: Desk) -> str:
    result = await api.gql(CREATE, _person(desk.office), user=desk.admin)
    return result["data"]["createPerson"]["person"]["id"]  # type: ignore[no-any-return]


def _employment(person: str, **changes: Any) -> dict[str, Any]:
    values = {
        "personId": person,
        "organisation": "包头市国土资源局",
        "post": "副局长",
        "startedOn": "2015-03-01",
        "endedOn": "2019-06-30",
        "regionCode": "150200",
    }
    return {"input": values | changes}


async def test_an_employment_record_reports_every_bad_field_at_once(api: Api, desk: Desk) -> None:
    person = await _a_person(api, desk)
    before = await _count(api, EmploymentRecord)
    variables = _employment(
        person, organisation="局" * 201, post=" ", endedOn="2014-01-01", regionCode="15"
    )
    errors = await _refused(api, desk, EMPLOY, variables, "addEmploymentRecord")
    assert [(e["field"][-1], e["code"]) for e in errors] == [
        ("organisation", "TOO_LONG"),
        ("post", "REQUIRED"),
        ("regionCode", "INVALID_REGION_CODE"),
        ("endedOn", "INVALID_PERIOD"),
    ]
    assert await _count(api, EmploymentRecord) == before


async def test_far_past_and_far_future_dates_are_refused(api: Api, desk: Desk) -> None:
    person = await _a_person(api, desk)
    before = await _count(api, EmploymentRecord)
    variables = _employment(person, startedOn="1800-01-01", endedOn="9999-12-31")
    errors = await _refused(api, desk, EMPLOY, variables, "addEmploymentRecord")
    assert [(e["field"][-1], e["code"]) for e in errors] == [
        ("startedOn", "DATE_OUT_OF_RANGE"),
        ("endedOn", "DATE_OUT_OF_RANGE"),
    ]
    assert await _count(api, EmploymentRecord) == before


TIE = """mutation($input: AddInterestTieInput!) { addInterestTie(input: $input) {
  tie { id organisation relation } userErrors { field code } } }"""
POOL = """mutation($input: AddToPoolInput!) { addToPool(input: $input) {
  membership { id since } userErrors { field code } } }"""


async def test_an_interest_tie_reports_both_bad_fields_at_once(api: Api, desk: Desk) -> None:
    person = await _a_person(api, desk)
    variables = {
        "input": {
            "personId": person,
            "kind": "KIN",
            "organisation": "\u200b",
            "relation": "配偶" * 51,
        }
    }
    errors = await _refused(api, desk, TIE, variables, "addInterestTie")
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "organisation"], "INVALID_CHARACTERS"),
        (["input", "relation"], "TOO_LONG"),
    ]


async def test_a_pool_membership_from_year_9999_is_refused(api: Api, desk: Desk) -> None:
    person = await _a_person(api, desk)
    variables = {"input": {"personId": person, "pool": "TALENT", "since": "9999-01-01"}}
    errors = await _refused(api, desk, POOL, variables, "addToPool")
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "since"], "DATE_OUT_OF_RANGE")]
