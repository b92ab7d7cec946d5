"""The filing line over the API: file, return with a reason, refile, compare, approve."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.filings.models import FilingDecision
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_filing_line, make_office, make_user

PLAN = """mutation($input: CreatePlanInput!) { createPlan(input: $input) {
  plan { id version } userErrors { field code message } } }"""
ITEM = """mutation($input: SetPlanItemInput!) { setPlanItem(input: $input) {
  plan { id version } userErrors { field code message } } }"""
FILE = """mutation($input: FilePlanInput!) { filePlan(input: $input) {
  filing { id number state mode recipient } userErrors { field code message } } }"""
DECIDE = """mutation($input: DecideFilingInput!) { decideFiling(input: $input) {
  decision { decision reason } userErrors { field code message } } }"""
INBOX = """query($id: ID!) { node(id: $id) { ... on Office {
  filingsReceived(first: 10) { totalCount nodes { id number state title } } } } }"""
COMPARE = """query($a: ID!, $b: ID!) { compareFilings(olderId: $a, newerId: $b) {
  path before after } }"""


async def _arrange(api: Api, db: Database) -> dict[str, Any]:
    policy = api.app.state.graphql.policy
    async with db.transaction() as session:
        root = Actor.system(policy.compiled, name="test")
        line = await make_filing_line(session, root)
        member = line.group_member.username
        other = (await make_user(session, root, line.province, Role.OFFICE_MEMBER)).username
        stranger = (await make_user(session, root, await make_office(session, root))).username
        ids = {
            "dnr": global_id("Office", line.dnr.id),
            "province": global_id("Office", line.province.id),
            "target": global_id("Target", line.target.id),
            "target_name": line.target.name,
            "dnr_code": line.dnr.code,
            "province_code": line.province.code,
        }
    await api.reload_policy()
    users = {"dnr_admin": line.dnr_admin.username, "province_admin": line.province_admin.username}
    return ids | users | {"member": member, "plain_member": other, "stranger": stranger}


async def _ok(api: Api, query: str, variables: dict[str, Any], user: str, name: str) -> Any:
    result = await api.gql(query, variables, user=user)
    assert "errors" not in result, result
    payload = result["data"][name]
    assert payload["userErrors"] == [], payload
    return payload


async def _decisions(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(FilingDecision)) or 0)


async def test_the_dnr_files_its_annual_plan_over_the_api(api: Api, db: Database) -> None:
    ids = await _arrange(api, db)
    before = await _decisions(db)
    plan = (
        await _ok(
            api,
            PLAN,
            {
                "input": {
                    "officeId": ids["dnr"],
                    "kind": "ANNUAL",
                    "title": "2027年度巡察工作计划",
                    "startsOn": "2027-01-01",
                    "endsOn": "2027-12-31",
                }
            },
            ids["dnr_admin"],
            "createPlan",
        )
    )["plan"]
    item = {"planId": plan["id"], "targetId": ids["target"], "mode": "mode.regular"}
    await _ok(api, ITEM, {"input": item | {"leader": "韩明"}}, ids["dnr_admin"], "setPlanItem")
    filing = {"planId": plan["id"], "ruleId": "filing.work_approval"}
    first = (await _ok(api, FILE, {"input": filing}, ids["dnr_admin"], "filePlan"))["filing"]
    assert {k: first[k] for k in ("number", "state", "mode", "recipient")} == {
        "number": 1,
        "state": "SUBMITTED",
        "mode": "approval",
        "recipient": "superior_leading_group",
    }

    # An office outside the line and the province's plain staff cannot decide it
    refused = await api.gql(
        DECIDE, {"input": {"filingId": first["id"], "decision": "APPROVE"}}, user=ids["stranger"]
    )
    assert [e["code"] for e in refused["data"]["decideFiling"]["userErrors"]] == ["NOT_FOUND"]
    refused = await api.gql(
        DECIDE,
        {"input": {"filingId": first["id"], "decision": "APPROVE"}},
        user=ids["plain_member"],
    )  # reads what is filed to its office, but is not of the leading group
    assert [e["code"] for e in refused["data"]["decideFiling"]["userErrors"]] == ["FORBIDDEN"]
    assert await _decisions(db) == before

    returned = await _ok(
        api,
        DECIDE,
        {"input": {"filingId": first["id"], "decision": "RETURN", "reason": "请明确责任领导"}},
        ids["member"],
        "decideFiling",
    )
    assert returned["decision"] == {"decision": "RETURN", "reason": "请明确责任领导"}
    again = await api.gql(FILE, {"input": filing}, user=ids["dnr_admin"])
    assert [e["code"] for e in again["data"]["filePlan"]["userErrors"]] == ["ALREADY_FILED"]

    await _ok(
        api, ITEM, {"input": item | {"leader": "韩明、赵文静"}}, ids["dnr_admin"], "setPlanItem"
    )
    second = (await _ok(api, FILE, {"input": filing}, ids["dnr_admin"], "filePlan"))["filing"]
    assert second["number"] == 2
    changes = await api.gql(
        COMPARE, {"a": first["id"], "b": second["id"]}, user=ids["province_admin"]
    )
    assert changes["data"]["compareFilings"] == [
        {"path": f"items.{ids['target_name']}.leader", "before": "韩明", "after": "韩明、赵文静"}
    ]
    await _ok(
        api,
        DECIDE,
        {"input": {"filingId": second["id"], "decision": "APPROVE"}},
        ids["member"],
        "decideFiling",
    )
    inbox = await api.gql(INBOX, {"id": ids["province"]}, user=ids["province_admin"])
    received = inbox["data"]["node"]["filingsReceived"]
    assert received["totalCount"] == 2
    assert {n["id"] for n in received["nodes"]} == {first["id"], second["id"]}
    assert sorted((n["number"], n["state"]) for n in received["nodes"]) == [
        (1, "RETURNED"),
        (2, "APPROVED"),
    ]
    # An office outside the line sees none of it
    hidden = await api.gql(INBOX, {"id": ids["province"]}, user=ids["stranger"])
    assert hidden["data"]["node"] is None
