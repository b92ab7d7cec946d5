"""Roll-ups a superior sees without any row behind them, and coverage of the term (全覆盖)."""

from __future__ import annotations

from typing import Any

from inspectnet.db import Database
from inspectnet.ids import global_id
from tests.conftest import Api, office_id

PLAN = """mutation($input: CreatePlanInput!) { createPlan(input: $input) {
  plan { id } userErrors { code } } }"""
ITEM = """mutation($input: SetPlanItemInput!) { setPlanItem(input: $input) {
  plan { id } userErrors { code } } }"""
ROLLUPS = """query($id: ID!) { node(id: $id) { ... on Office {
  rollups { office { id } statistics { key name value } } } } }"""
PLANS = (
    """query($id: ID!) { node(id: $id) { ... on Office { plans(first: 10) { totalCount } } } }"""
)
NODE = """query($id: ID!) { node(id: $id) { id } }"""
GAPS = """query($id: ID!) { node(id: $id) { ... on Office {
  coverageGaps(startsOn: "2027-01-01", endsOn: "2027-12-31", first: 100) {
    totalCount nodes { id name } } } } }"""
TARGETS = """query($id: ID!) { node(id: $id) { ... on Office {
  targets(first: 50) { nodes { id name } } } } }"""


async def _baotou_plan(api: Api, baotou: str) -> tuple[str, list[dict[str, Any]]]:
    created = await api.gql(
        PLAN,
        {
            "input": {
                "officeId": baotou,
                "kind": "ANNUAL",
                "title": "2027年度巡察工作计划",
                "startsOn": "2027-01-01",
                "endsOn": "2027-12-31",
            }
        },
        user="baotou_admin",
    )
    plan = created["data"]["createPlan"]["plan"]["id"]
    targets = (await api.gql(TARGETS, {"id": baotou}, user="baotou_admin"))["data"]["node"][
        "targets"
    ]["nodes"]
    item = {
        "planId": plan,
        "targetId": targets[0]["id"],
        "mode": "mode.regular",
        "leader": "李志强",
    }
    result = await api.gql(ITEM, {"input": item}, user="baotou_admin")
    assert result["data"]["setPlanItem"]["userErrors"] == []
    return plan, targets


async def test_the_region_counts_a_leagues_plans_and_cannot_open_one(
    api: Api, db: Database
) -> None:
    region = global_id("Office", await office_id(db, "nmg.region"))
    baotou = global_id("Office", await office_id(db, "nmg.baotou"))

    async def counted() -> dict[str, dict[str, int]]:
        rollups = (await api.gql(ROLLUPS, {"id": region}, user="region_admin"))["data"]["node"][
            "rollups"
        ]
        return {r["office"]["id"]: {s["key"]: s["value"] for s in r["statistics"]} for r in rollups}

    before = (await counted())[baotou]  # the demo's plan and late report
    plan, _ = await _baotou_plan(api, baotou)
    after = (await counted())[baotou]
    assert {k: after[k] - before[k] for k in after} == {
        "plans": 1,
        "plans_filed": 0,
        "plans_approved": 0,
        "filings_late": 0,
    }
    # ... and not one row behind the count opens for the region
    assert (await api.gql(NODE, {"id": plan}, user="region_admin"))["data"]["node"] is None
    plans = await api.gql(PLANS, {"id": baotou}, user="region_admin")
    assert plans["data"]["node"]["plans"]["totalCount"] == 0
    # A sibling league counts nothing of Baotou's
    chifeng = global_id("Office", await office_id(db, "nmg.chifeng"))
    sibling = await api.gql(ROLLUPS, {"id": chifeng}, user="chifeng_admin")
    assert sibling["data"]["node"]["rollups"] == []


async def test_coverage_lists_the_targets_no_plan_of_the_term_covers(
    api: Api, db: Database
) -> None:
    baotou = global_id("Office", await office_id(db, "nmg.baotou"))
    _, targets = await _baotou_plan(api, baotou)
    found = (await api.gql(GAPS, {"id": baotou}, user="baotou_admin"))["data"]["node"][
        "coverageGaps"
    ]
    gaps = found["nodes"]
    assert found["totalCount"] == len(gaps)
    # Baotou's own targets less the one planned (its counties' targets are theirs to cover)
    own = {t["id"] for t in targets}
    assert own - {t["id"] for t in gaps} == {targets[0]["id"]}
    assert targets[0]["id"] not in {t["id"] for t in gaps}
