"""The oversight view: a superior sees where the filings deeper in its network stand (status only,
never the content); a sibling or an office below sees none of them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import insert

from inspectnet.filings.models import Filing, FilingState
from inspectnet.ids import global_id
from inspectnet.schema import build_schema
from tests.conftest import FROZEN_AT, Api
from tests.factories import make_office, make_user

TODAY = FROZEN_AT.date()
OVERSIGHT = """query($id: ID!) { node(id: $id) { ... on Office {
  oversight(first: 20) { totalCount nodes {
    ruleId number state status colour dueOn submittedOn office { code } toOffice { code } } }
} } }"""


def _filing(n: int, office: Any, to: Any, state: FilingState, due_days: int) -> dict[str, Any]:
    due = TODAY + timedelta(days=due_days)
    return {
        "office_id": office.id,
        "to_office_id": to.id,
        "rule_id": "filing.liaison_report",
        "ruleset_id": "nmg-2016",
        "mode": "record",
        "recipient": "superior_office",
        "subject_type": "report",
        "subject_id": n,
        "subject_version": 1,
        "series_key": f"oversight:{office.id}:{n}",
        "number": 1,
        "title": f"机密标题{n}",
        "snapshot": {"body": f"机密内容{n}"} if state is not FilingState.DUE else None,
        "state": state,
        "submitted_on": TODAY if state is not FilingState.DUE else None,
        "due_on": due,
        "warn_on": due - timedelta(days=5),
        "created_at": FROZEN_AT,
        "updated_at": FROZEN_AT,
        "version": 1,
    }


async def _world(system: Any) -> dict[str, Any]:
    """region → league → two counties; one county files to the league (one overdue, one met)."""
    session, actor = system
    region = await make_office(session, actor)
    league = await make_office(session, actor, superior=region)
    county = await make_office(session, actor, superior=league)
    sibling = await make_office(session, actor, superior=league)
    await session.execute(
        insert(Filing),
        [
            _filing(1, county, league, FilingState.DUE, -3),
            _filing(2, county, league, FilingState.ACKNOWLEDGED, 10),
            _filing(3, league, region, FilingState.DUE, 10),  # the region's own inbox
        ],
    )
    users = {
        name: (await make_user(session, actor, office)).username
        for name, office in [("region", region), ("league", league), ("sibling", sibling)]
    }
    codes = {"league": league.code, "county": county.code}
    ids = {name: global_id("Office", o.id) for name, o in [("region", region), ("league", league)]}
    await session.commit()
    return {"users": users, "codes": codes, "ids": ids}


async def test_the_region_sees_the_status_of_what_a_county_filed_to_its_league(
    api: Api, system: Any
) -> None:
    world = await _world(system)
    await api.reload_policy()
    seen = await api.gql(OVERSIGHT, {"id": world["ids"]["region"]}, user=world["users"]["region"])
    assert "errors" not in seen, seen
    view = seen["data"]["node"]["oversight"]
    league, county = world["codes"]["league"], world["codes"]["county"]
    # the county's two filings to the league, not the league's own filing to the region
    assert view["totalCount"] == 2
    assert sorted(
        (n["status"], n["colour"], n["state"], n["office"]["code"], n["toOffice"]["code"])
        for n in view["nodes"]
    ) == [
        ("MET_ON_TIME", None, "ACKNOWLEDGED", county, league),
        ("OVERDUE", "RED", "DUE", county, league),
    ]


async def test_a_sibling_and_the_league_itself_see_no_oversight_of_the_county(
    api: Api, system: Any
) -> None:
    world = await _world(system)
    await api.reload_policy()
    # the league's own subordinates' filings are its inbox, not oversight
    league = await api.gql(OVERSIGHT, {"id": world["ids"]["league"]}, user=world["users"]["league"])
    assert league["data"]["node"]["oversight"]["totalCount"] == 0
    # a sibling county reads no node of its league's oversight
    sibling = await api.gql(
        OVERSIGHT, {"id": world["ids"]["region"]}, user=world["users"]["sibling"]
    )
    node = sibling["data"]["node"]
    assert node is None or node["oversight"]["totalCount"] == 0


def test_an_oversight_item_has_no_field_that_carries_content() -> None:
    schema = build_schema()._schema
    item = schema.get_type("OversightItem")
    assert isinstance(item, GraphQLObjectType)
    assert set(item.fields) == {
        "ruleId",
        "number",
        "state",
        "status",
        "colour",
        "dueOn",
        "submittedOn",
        "office",
        "toOffice",
    }
    # no id to reach the filing by node(id), and the linked offices are offices, not filings
    assert {get_named_type(f.type).name for f in item.fields.values()} <= {
        "String",
        "Int",
        "Date",
        "FilingState",
        "InboxStatus",
        "FilingColour",
        "Office",
    }
