"""The oversight view: a superior sees where the filings deeper in its network stand (status only,
never the content); a sibling or an office below sees none of them. The content is read only by
the office a filing is addressed to (the relation ``recipient``), never by the one above it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import insert, select

from inspectnet.filings.models import Filing, FilingState
from inspectnet.ids import MAX_PK, global_id
from inspectnet.schema import build_schema
from tests.conftest import FROZEN_AT, Api
from tests.factories import make_office, make_user

TODAY = FROZEN_AT.date()
NODE = """query($id: ID!) { node(id: $id) { ... on Filing { title } } }"""
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
        for name, office in [
            ("region", region),
            ("league", league),
            ("county", county),
            ("sibling", sibling),
        ]
    }
    # test arrangement: the filings just inserted, by filer
    found = await session.execute(
        select(Filing.title, Filing.id).where(Filing.office_id.in_([county.id, league.id]))
    )
    filed = {title: pk for title, pk in found}
    codes = {"league": league.code, "county": county.code}
    ids = {name: global_id("Office", o.id) for name, o in [("region", region), ("league", league)]}
    await session.commit()
    filings = {title: global_id("Filing", pk) for title, pk in filed.items()}
    return {"users": users, "codes": codes, "ids": ids, "filings": filings}


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


async def test_only_the_office_filed_to_reads_a_filing_the_one_above_it_sees_its_status(
    api: Api, system: Any
) -> None:
    world = await _world(system)
    await api.reload_policy()
    users, filings = world["users"], world["filings"]
    to_league = filings["机密标题2"]  # county → league
    # The league (filed to) and the county (filer) read it.
    for reader in ("league", "county"):
        read = await api.gql(NODE, {"id": to_league}, user=users[reader])
        assert read["data"] == {"node": {"title": "机密标题2"}}, (reader, read)
    # The region, two levels up, gets what a missing id gets: NOT_FOUND, word for word.
    hidden = await api.gql(NODE, {"id": to_league}, user=users["region"])
    missing = await api.gql(NODE, {"id": global_id("Filing", MAX_PK)}, user=users["region"])
    assert hidden["data"] == missing["data"] == {"node": None}
    assert hidden["errors"] == missing["errors"]
    assert [e["extensions"]["code"] for e in hidden["errors"]] == ["NOT_FOUND"]
    # ... yet sees where it stands in its oversight view, and reads what was filed to it.
    seen = await api.gql(OVERSIGHT, {"id": world["ids"]["region"]}, user=users["region"])
    assert {n["state"] for n in seen["data"]["node"]["oversight"]["nodes"]} == {
        "DUE",
        "ACKNOWLEDGED",
    }
    own = await api.gql(NODE, {"id": filings["机密标题3"]}, user=users["region"])
    assert own["data"] == {"node": {"title": "机密标题3"}}
    # A sibling of the filer reads none of it.
    sibling = await api.gql(NODE, {"id": to_league}, user=users["sibling"])
    assert sibling["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in sibling["errors"]] == ["NOT_FOUND"]


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
