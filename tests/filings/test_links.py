"""Linked objects in plans, filings and bodies: the office, the office filed to, who decided, the
target of a plan item, a body member's account; null when the viewer cannot read them, in
statements that do not grow with the rows that link."""

from __future__ import annotations

from typing import Any

from inspectnet.db import Database
from tests.conftest import Api
from tests.filings.test_graphql import DECIDE, FILE, ITEM, PLAN, _arrange, _ok
from tests.sqlcount import count_statements

ONE = """query($id: ID!) { node(id: $id) { ... on Filing { office { code } toOffice { code }
  decisions(first: 5) { nodes { decision decidedBy { username } } } } } }"""
RECEIVED = """query($id: ID!) { node(id: $id) { ... on Office {
  filingsReceived(first: 20) { nodes { number office { code } toOffice { code }
    decisions(first: 5) { nodes { decision decidedBy { username } } } } } } } }"""
MADE = """query($id: ID!) { node(id: $id) { ... on Office {
  filingsMade(first: 20) { nodes { number toOffice { code }
    decisions(first: 5) { nodes { decision decidedBy { username } } } } }
  plans(first: 5) { nodes { items(first: 5) { nodes { target { name } } } } } } } }"""
BODIES = """query($id: ID!) { node(id: $id) { ... on Office {
  decisionBodies(first: 5) { nodes { members(first: 5) { nodes { account { username } } } } }
} } }"""


async def _decided_by_a_member(api: Api, ids: dict[str, Any]) -> str:
    """A fresh plan of the line's DNR over its target, filed over the API and returned by a
    provincial group member: the filing's ID."""
    plan = (
        await _ok(
            api,
            PLAN,
            {
                "input": {
                    "officeId": ids["dnr"],
                    "kind": "ANNUAL",
                    "title": "链接测试计划",
                    "startsOn": "2028-01-01",
                    "endsOn": "2028-12-31",
                }
            },
            ids["dnr_admin"],
            "createPlan",
        )
    )["plan"]
    item = {"planId": plan["id"], "targetId": ids["target"], "mode": "mode.regular"}
    await _ok(api, ITEM, {"input": item | {"leader": "韩明"}}, ids["dnr_admin"], "setPlanItem")
    filing = (
        await _ok(
            api,
            FILE,
            {"input": {"planId": plan["id"], "ruleId": "filing.work_approval"}},
            ids["dnr_admin"],
            "filePlan",
        )
    )["filing"]
    back = {"filingId": filing["id"], "decision": "RETURN", "reason": "请补充"}
    await _ok(api, DECIDE, {"input": back}, ids["member"], "decideFiling")
    return str(filing["id"])


async def test_a_filing_links_its_offices_and_its_decider_where_readable(
    api: Api, db: Database
) -> None:
    ids = await _arrange(api, db)
    filing = await _decided_by_a_member(api, ids)
    # the province reads its own member's account ...
    province = await api.gql(ONE, {"id": filing}, user=ids["province_admin"])
    assert province["data"]["node"] == {
        "office": {"code": ids["dnr_code"]},
        "toOffice": {"code": ids["province_code"]},
        "decisions": {"nodes": [{"decision": "RETURN", "decidedBy": {"username": ids["member"]}}]},
    }
    # ... the DNR sees the decision on its filing, but not the province's account behind it
    dnr = await api.gql(ONE, {"id": filing}, user=ids["dnr_admin"])
    assert dnr["data"]["node"]["decisions"]["nodes"] == [{"decision": "RETURN", "decidedBy": None}]
    assert dnr["data"]["node"]["toOffice"] == {"code": ids["province_code"]}


async def test_the_dnr_sees_its_superior_and_its_plan_targets(api: Api, db: Database) -> None:
    ids = await _arrange(api, db)
    await _decided_by_a_member(api, ids)
    seen = await api.gql(MADE, {"id": ids["dnr"]}, user=ids["dnr_admin"])
    node = seen["data"]["node"]
    assert [n["toOffice"]["code"] for n in node["filingsMade"]["nodes"]] == [ids["province_code"]]
    items = [i for p in node["plans"]["nodes"] for i in p["items"]["nodes"]]
    assert items == [{"target": {"name": ids["target_name"]}}]


async def test_a_body_members_account_is_linked_and_hidden_from_a_subordinate(
    api: Api, db: Database
) -> None:
    ids = await _arrange(api, db)
    own = await api.gql(BODIES, {"id": ids["province"]}, user=ids["province_admin"])
    members = [
        m for b in own["data"]["node"]["decisionBodies"]["nodes"] for m in b["members"]["nodes"]
    ]
    assert members == [{"account": {"username": ids["member"]}}]


async def test_links_cost_the_same_statements_however_many_filings_link(
    api: Api, db: Database
) -> None:
    ids = await _arrange(api, db)
    engine = api.app.state.graphql.database.sync_engine

    async def measure() -> tuple[int, int]:
        with count_statements(engine) as statements:
            result = await api.gql(RECEIVED, {"id": ids["province"]}, user=ids["province_admin"])
        assert "errors" not in result, result
        return statements.count, len(result["data"]["node"]["filingsReceived"]["nodes"])

    await _decided_by_a_member(api, ids)
    fewer = await measure()
    await _decided_by_a_member(api, ids)
    more = await measure()
    assert (fewer[1], more[1]) == (1, 2)
    # sign-in 1 · node 1 · filings page 1 · offices 1 · decisions page 1 · accounts 1
    assert fewer[0] == more[0] == 6
