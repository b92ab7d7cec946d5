"""A person's fields of expertise are ``expertise.*`` rules of the office's ruleset (qh-zrzyt
§9; nmg-2016 §11(4)): a field the ruleset does not list is refused with nothing written, the
fields read back with the ruleset's names and articles, and the draw counts only the listed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id, parse_global_id
from inspectnet.inspections.positions import counted
from inspectnet.inspections.repository import Pooled
from inspectnet.people.models import Person
from inspectnet.rules.format import ExpertiseRule, PoolKind
from inspectnet.rules.registry import get_ruleset
from tests.conftest import Api
from tests.factories import make_office, make_user

CREATE = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id expertise expertiseRules { id name article } }
  userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdatePersonInput!) { updatePerson(input: $input) {
  person { expertise } userErrors { field code message } } }"""


def _person(office: int, expertise: list[str]) -> dict[str, Any]:
    return {
        "input": {
            "officeId": global_id("Office", office),
            "name": "才让",
            "unit": "青海省自然资源厅",
            "rank": "正科级",
            "homeRegionCode": "630100",
            "expertise": expertise,
        }
    }


async def _admin(api: Api, system: Any, ruleset_id: str) -> tuple[int, str]:
    session, actor = system
    office = await make_office(session, actor, ruleset_id=ruleset_id)
    user = (await make_user(session, actor, office, Role.OFFICE_ADMIN)).username
    await session.commit()
    await api.reload_policy()
    return office.id, user


async def _persons(api: Api, office: int) -> list[list[str]]:
    async with api.app.state.graphql.database.session() as session:
        rows = await session.scalars(
            select(Person.expertise).where(Person.office_id == office).order_by(Person.id)
        )
        return [list(row) for row in rows]


def test_each_ruleset_lists_its_fields_with_the_article_that_names_them() -> None:
    qh = get_ruleset("qh-zrzyt").of_type(ExpertiseRule)
    assert [(r.id, r.name) for r in qh] == [
        ("expertise.party_building", "基层党建"),
        ("expertise.discipline", "纪检监察"),
        ("expertise.personnel", "组织人事"),
        ("expertise.finance_audit", "财务审计"),
        ("expertise.natural_resources", "自然资源管理"),
        ("expertise.policy_law", "相关政策法规"),
    ]
    assert {r.article for r in qh} == {"qh-zrzyt §9"}
    nmg = get_ruleset("nmg-2016").of_type(ExpertiseRule)
    assert [(r.id, r.name, r.article) for r in nmg] == [
        ("expertise.party_affairs", "党务工作", "nmg-2016 §11(4)"),
        ("expertise.policy_law", "相关政策法规", "nmg-2016 §11(4)"),
    ]


async def test_fields_read_back_with_the_ruleset_s_names_in_its_order(
    api: Api, system: Any
) -> None:
    office, user = await _admin(api, system, "qh-zrzyt")
    result = await api.gql(
        CREATE, _person(office, ["expertise.natural_resources", "expertise.discipline"]), user=user
    )
    assert "errors" not in result, result
    payload = result["data"]["createPerson"]
    assert payload["userErrors"] == []
    assert payload["person"]["expertise"] == ["expertise.discipline", "expertise.natural_resources"]
    assert payload["person"]["expertiseRules"] == [
        {"id": "expertise.discipline", "name": "纪检监察", "article": "qh-zrzyt §9"},
        {"id": "expertise.natural_resources", "name": "自然资源管理", "article": "qh-zrzyt §9"},
    ]


async def test_a_field_the_ruleset_does_not_list_is_refused_and_nothing_is_written(
    api: Api, system: Any
) -> None:
    office, user = await _admin(api, system, "nmg-2016")
    before = await _persons(api, office)  # the admin's own record
    # 财务审计 is a field of qh-zrzyt §9, not of nmg-2016 (§11(4) names two others).
    refused = await api.gql(CREATE, _person(office, ["expertise.finance_audit"]), user=user)
    payload = refused["data"]["createPerson"]
    assert payload["person"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "expertise"], "EXPERTISE_NOT_IN_RULESET")
    ]
    assert "expertise.finance_audit" in payload["userErrors"][0]["message"]
    assert "党务工作" in payload["userErrors"][0]["message"]  # what the ruleset does list
    assert await _persons(api, office) == before
    # an enum value of old is no field either
    old = await api.gql(CREATE, _person(office, ["DISCIPLINE"]), user=user)
    assert old["data"]["createPerson"]["userErrors"][0]["code"] == "EXPERTISE_NOT_IN_RULESET"
    assert await _persons(api, office) == before

    made = await api.gql(CREATE, _person(office, ["expertise.party_affairs"]), user=user)
    person = made["data"]["createPerson"]["person"]["id"]
    changed = await api.gql(
        UPDATE,
        {
            "input": {
                "personId": person,
                "expertise": ["expertise.policy_law", "expertise.personnel"],
            }
        },
        user=user,
    )
    assert changed["data"]["updatePerson"]["person"] is None
    assert [(e["field"], e["code"]) for e in changed["data"]["updatePerson"]["userErrors"]] == [
        (["input", "expertise"], "EXPERTISE_NOT_IN_RULESET")
    ]
    assert await _persons(api, office) == [*before, ["expertise.party_affairs"]]
    assert parse_global_id(person)[0] == "Person"

    kept = await api.gql(
        UPDATE,
        {
            "input": {
                "personId": person,
                "expertise": ["expertise.policy_law", "expertise.policy_law"],
            }
        },
        user=user,
    )
    assert kept["data"]["updatePerson"] == {
        "person": {"expertise": ["expertise.policy_law"]},
        "userErrors": [],
    }


def test_the_draw_counts_only_the_fields_the_ruleset_lists() -> None:
    stale = Pooled(
        1, "甲", PoolKind.TALENT, ("expertise.finance_audit", "expertise.policy_law"), None
    )
    assert counted(get_ruleset("nmg-2016"), [stale])[0].expertise == ("expertise.policy_law",)
    assert counted(get_ruleset("qh-zrzyt"), [stale])[0].expertise == stale.expertise
