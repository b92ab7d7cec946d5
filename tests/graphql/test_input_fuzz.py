"""Any Unicode text in any string input of the people, targets and createOffice mutations.

NUL, lone surrogates, bidi controls, zero-width and compatibility characters, very long text:
never a 500 or a masked error; a refusal is a userError on that field and writes nothing; what
is stored is the normalised input, re-read from the database. The expectation is written out
here on its own (NFKC, refuse control/format/surrogate/separator characters, trim, count), not
taken from the code it checks.

Both databases; 20 examples per field (300 under CI, or ``INSPECTNET_INPUT_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inspectnet.db import Database
from inspectnet.ids import global_id, parse_global_id
from inspectnet.network.models import Office
from inspectnet.people.models import EmploymentRecord, InterestTie, Person
from inspectnet.targets.models import LeadershipPost, Target
from tests.conftest import Api
from tests.factories import make_region, make_user
from tests.inputs import post_ascii
from tests.support import services_required

EXAMPLES = (
    300 if services_required() else int(os.environ.get("INSPECTNET_INPUT_FUZZ_EXAMPLES", "20"))
)
_serial = itertools.count(1)

# Pieces an attacker or a careless paste would bring.
NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\n",
    "\t",
    "\r",
    "\x85",
    "\x1f",
    "\x7f",
    "\u3000",
    "\u00a0",
    " ",
    "１",
    "٣",
    "0",
    "9",
    "㍿",
    "ﷺ",
    "ﬁ",
    "张",
    "A",
    "（",
    "\u0301",
    "e\u0301",
    "\ue000",
]
TEXT = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(NASTY),
        st.characters(categories=["Cs", "Cc", "Cf", "Zs", "Zl", "Zp"]),
        st.text(alphabet="张王李巡察办", min_size=30, max_size=120),
        st.from_regex(r"[0-9]{6}", fullmatch=True),
    ),
    max_size=6,
).map("".join)

_NAME_REFUSED = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def expected_name(value: str, limit: int) -> str | tuple[str]:
    """What a name column stores, or ``(code,)`` when it refuses the value."""
    normal = unicodedata.normalize("NFKC", value)
    if any(unicodedata.category(c) in _NAME_REFUSED for c in normal):
        return ("INVALID_CHARACTERS",)
    normal = normal.strip()
    if not normal:
        return ("REQUIRED",)
    return ("TOO_LONG",) if len(normal) > limit else normal


def expected_region(value: str, nullable: bool) -> str | tuple[str] | None:
    """What a region code column stores (six ASCII digits), or ``(code,)``."""
    trimmed = value.strip()
    if not trimmed:
        return None if nullable else ("REQUIRED",)
    return trimmed if re.fullmatch(r"[0-9]{6}", trimmed, re.ASCII) else ("INVALID_REGION_CODE",)


@dataclass(frozen=True)
class Case:
    mutation: str
    input_type: str
    result: str
    model: type
    field: str  # GraphQL input field
    attribute: str  # model attribute it is stored in
    expect: Callable[[str], Any]
    valid: Callable[[dict[str, str]], dict[str, Any]]


def _person_input(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "officeId": ids["office"],
        "name": "张三",
        "unit": "包头市自然资源局",
        "rank": "正处级",
        "homeRegionCode": "150200",
    }


def _employment_input(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "personId": ids["person"],
        "organisation": "包头市国土资源局",
        "post": "副局长",
        "startedOn": "2015-03-01",
        "regionCode": "150200",
    }


def _tie_input(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "personId": ids["person"],
        "kind": "KIN",
        "organisation": "包钢集团",
        "relation": "配偶",
    }


def _target_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"officeId": ids["office"], "name": "包钢集团党委", "regionCode": "150200"}


def _post_input(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "targetId": ids["target"],
        "personId": ids["person"],
        "post": "党委书记",
        "startedOn": "2020-01-01",
    }


def _office_input(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "superiorId": ids["office"],
        "code": f"test.fuzz{next(_serial)}",
        "name": "青山区委巡察办",
        "kind": "PATROL_OFFICE",
        "regionCode": "150204",
        "rulesetId": "nmg-2016",
    }


def _name(limit: int) -> Callable[[str], Any]:
    return lambda value: expected_name(value, limit)


def _region(nullable: bool) -> Callable[[str], Any]:
    return lambda value: expected_region(value, nullable)


CASES = [
    Case("createPerson", "CreatePersonInput", "person", Person, "name", "name", _name(100), _person_input),
    Case("createPerson", "CreatePersonInput", "person", Person, "unit", "unit", _name(200), _person_input),
    Case("createPerson", "CreatePersonInput", "person", Person, "rank", "rank", _name(40), _person_input),
    Case("createPerson", "CreatePersonInput", "person", Person, "homeRegionCode", "home_region_code", _region(False), _person_input),
    Case("addEmploymentRecord", "AddEmploymentRecordInput", "record", EmploymentRecord, "organisation", "organisation", _name(200), _employment_input),
    Case("addEmploymentRecord", "AddEmploymentRecordInput", "record", EmploymentRecord, "post", "post", _name(100), _employment_input),
    Case("addEmploymentRecord", "AddEmploymentRecordInput", "record", EmploymentRecord, "regionCode", "region_code", _region(True), _employment_input),
    Case("addInterestTie", "AddInterestTieInput", "tie", InterestTie, "organisation", "organisation", _name(200), _tie_input),
    Case("addInterestTie", "AddInterestTieInput", "tie", InterestTie, "relation", "relation", _name(100), _tie_input),
    Case("createTarget", "CreateTargetInput", "target", Target, "name", "name", _name(200), _target_input),
    Case("createTarget", "CreateTargetInput", "target", Target, "regionCode", "region_code", _region(False), _target_input),
    Case("addLeadershipPost", "AddLeadershipPostInput", "post", LeadershipPost, "post", "post", _name(100), _post_input),
]  # fmt: skip


async def _count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _stored(db: Database, model: type, node_id: str, attribute: str) -> Any:
    _, pk = parse_global_id(node_id)
    async with db.session() as session:
        row = await session.get(model, pk)
        assert row is not None
        return getattr(row, attribute)


def _document(case: Case) -> str:
    return (
        f"mutation($input: {case.input_type}!) {{ {case.mutation}(input: $input) {{ "
        f"{case.result} {{ id }} userErrors {{ field code message }} }} }}"
    )


async def _send(api: Api, case: Case, ids: dict[str, str], value: str) -> dict[str, Any]:
    variables = {"input": case.valid(ids) | {case.field: value}}
    result = await post_ascii(api, _document(case), variables, user=ids["user"])
    assert "errors" not in result, (value, result)  # no masked error, no 500
    return result["data"][case.mutation]  # type: ignore[no-any-return]


@pytest.fixture
async def ids(api: Api, system: Any) -> dict[str, str]:
    """A liaison body of the test's own, its admin (who sends every mutation), a person and a
    target made through the API."""
    session, root = system
    region = await make_region(session, root, subordinates=1)
    admin = await make_user(session, root, region.subordinates[0])
    await session.commit()
    await api.reload_policy()
    made = {"office": global_id("Office", region.subordinates[0].id), "user": admin.username}
    person = await _send(api, CASES[0], made, "张三")
    target = await _send(api, CASES[9], made, "包钢集团党委")
    return made | {"person": person["person"]["id"], "target": target["target"]["id"]}


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.mutation}.{c.field}")
@FUZZ
@given(value=TEXT)
async def test_any_text_is_stored_normalised_or_refused_on_its_field(
    api: Api, ids: dict[str, str], case: Case, value: str
) -> None:
    db = api.app.state.graphql.database
    before = await _count(db, case.model)
    payload = await _send(api, case, ids, value)
    # What the server receives: JSON joins a high and a low surrogate escape into one character.
    expected = case.expect(json.loads(json.dumps(value)))
    if isinstance(expected, tuple):
        assert payload[case.result] is None, (value, payload)
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", case.field], expected[0])
        ], value
        assert all(e["message"] for e in payload["userErrors"])
        assert await _count(db, case.model) == before
    else:
        assert payload["userErrors"] == [], (value, payload)
        stored = await _stored(db, case.model, payload[case.result]["id"], case.attribute)
        assert stored == expected, value


@pytest.mark.parametrize("field", ["name", "code", "regionCode", "rulesetId"])
@FUZZ
@given(value=TEXT)
async def test_any_text_in_create_office_is_stored_or_a_user_error(
    api: Api, ids: dict[str, str], field: str, value: str
) -> None:
    db = api.app.state.graphql.database
    before = await _count(db, Office)
    variables = {"input": _office_input(ids) | {field: value}}
    document = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
      office { id name code regionCode } userErrors { field code message } } }"""
    result = await post_ascii(api, document, variables, user=ids["user"])
    assert "errors" not in result, (value, result)
    payload = result["data"]["createOffice"]
    if payload["office"] is None:
        assert payload["userErrors"], value
        assert all(e["field"] == ["input", field] for e in payload["userErrors"]), payload
        assert await _count(db, Office) == before
        return
    assert payload["userErrors"] == []
    stored = await _stored(db, Office, payload["office"]["id"], validation_key(field))
    received = json.loads(json.dumps(value))  # what the server got: JSON joins surrogate pairs
    if field == "name":
        assert stored == expected_name(received, 200), value
        assert len(stored) <= 200
        assert not any(unicodedata.category(c) in _NAME_REFUSED for c in stored), value
    elif field == "regionCode":
        assert stored == expected_region(received, nullable=False), value
    else:
        assert stored == value, value


def validation_key(field: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), field)
