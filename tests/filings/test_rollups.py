"""Roll-ups a superior sees without any row behind them, and coverage of the term (全覆盖)."""

from __future__ import annotations

from typing import Any

from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import StaffedRegion, make_staffed_region, make_target, make_user

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


async def _league(api: Api, system: Any) -> tuple[StaffedRegion, str, str, str]:
    """A staffed region whose league (``mine``) covers two targets and its county one, and
    an admin of the sibling league; committed. The league's and the region's IDs, and the
    sibling's admin."""
    session, actor = system
    net = await make_staffed_region(session, actor, counties=1)
    for _ in range(2):
        await make_target(session, actor, net.mine)
    await make_target(session, actor, net.region.counties(net.mine)[0])
    sibling = await make_user(session, actor, net.sibling)
    await session.commit()
    await api.reload_policy()
    league, region = global_id("Office", net.mine.id), global_id("Office", net.top.id)
    return net, league, region, sibling.username


async def _league_plan(api: Api, league: str, admin: str) -> tuple[str, list[dict[str, Any]]]:
    created = await api.gql(
        PLAN,
        {
            "input": {
                "officeId": league,
                "kind": "ANNUAL",
                "title": "2027年度巡察工作计划",
                "startsOn": "2027-01-01",
                "endsOn": "2027-12-31",
            }
        },
        user=admin,
    )
    plan = created["data"]["createPlan"]["plan"]["id"]
    targets = (await api.gql(TARGETS, {"id": league}, user=admin))["data"]["node"]["targets"][
        "nodes"
    ]
    item = {
        "planId": plan,
        "targetId": targets[0]["id"],
        "mode": "mode.regular",
        "leader": "李志强",
    }
    result = await api.gql(ITEM, {"input": item}, user=admin)
    assert result["data"]["setPlanItem"]["userErrors"] == []
    return plan, targets


async def test_the_region_counts_a_leagues_plans_and_cannot_open_one(api: Api, system: Any) -> None:
    net, league, region, sibling_admin = await _league(api, system)

    async def counted() -> dict[str, dict[str, int]]:
        rollups = (await api.gql(ROLLUPS, {"id": region}, user=net.top_admin))["data"]["node"][
            "rollups"
        ]
        return {r["office"]["id"]: {s["key"]: s["value"] for s in r["statistics"]} for r in rollups}

    assert league not in await counted()  # nothing to count yet
    plan, _ = await _league_plan(api, league, net.staff.admin)
    assert (await counted())[league] == {
        "plans": 1,
        "plans_filed": 0,
        "plans_approved": 0,
        "filings_late": 0,
        # rectification's statistics join the registry (rectification/plugins.py)
        "rectification_done": 0,
        "rectification_due": 0,
        "rectification_overdue": 0,
    }
    # ... and not one row behind the count opens for the region
    assert (await api.gql(NODE, {"id": plan}, user=net.top_admin))["data"]["node"] is None
    plans = await api.gql(PLANS, {"id": league}, user=net.top_admin)
    assert plans["data"]["node"]["plans"]["totalCount"] == 0
    # A sibling league counts nothing of Baotou's
    sibling_id = global_id("Office", net.sibling.id)
    sibling = await api.gql(ROLLUPS, {"id": sibling_id}, user=sibling_admin)
    assert sibling["data"]["node"]["rollups"] == []


async def test_coverage_lists_the_targets_no_plan_of_the_term_covers(api: Api, system: Any) -> None:
    net, league, _, _ = await _league(api, system)
    _, targets = await _league_plan(api, league, net.staff.admin)
    found = (await api.gql(GAPS, {"id": league}, user=net.staff.admin))["data"]["node"][
        "coverageGaps"
    ]
    gaps = found["nodes"]
    assert found["totalCount"] == len(gaps)
    # Baotou's own targets less the one planned (its counties' targets are theirs to cover)
    own = {t["id"] for t in targets}
    assert len(own) == 2
    assert own - {t["id"] for t in gaps} == {targets[0]["id"]}
    assert targets[0]["id"] not in {t["id"] for t in gaps}
