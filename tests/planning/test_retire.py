"""Retiring a plan (停用计划; issue 20: what is made can be ended): archived, never deleted, so
what was filed of it stays; once retired it leaves the lists, covers no target, and is changed
and filed no more. An office member, who reads the plan, cannot retire it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from inspectnet.planning.models import Plan
from tests.conftest import Api
from tests.factories import make_filing_line, make_plan, make_user

RETIRE = """mutation($input: RetirePlanInput!) { retirePlan(input: $input) {
  plan { id version archivedAt } userErrors { field code } } }"""
SET_ITEM = """mutation($input: SetPlanItemInput!) { setPlanItem(input: $input) {
  plan { id } userErrors { field code } } }"""
FILE = (
    """mutation($input: FilePlanInput!) { filePlan(input: $input) { userErrors { field code } } }"""
)
PLANS = """query($office: ID!, $archived: Boolean) { node(id: $office) { ... on Office {
  plans(first: 10, filter: {archived: $archived}) { totalCount nodes { id } }
  coverageGaps(startsOn: "2027-01-01", endsOn: "2027-12-31", first: 10) { totalCount } } } }"""
CAN = "query($id: ID!) { node(id: $id) { ... on Plan { viewerCan { retire } } } }"


@pytest.fixture
async def line(api: Api, system: Any) -> dict[str, Any]:
    """A department's office on a filing line with its annual plan over its one target, its
    admin and a member."""
    session, root = system
    made = await make_filing_line(session, root)
    plan = await make_plan(session, root, made)
    member = await make_user(session, root, made.dnr, Role.OFFICE_MEMBER)
    await session.commit()
    await api.reload_policy()
    return {
        "plan_pk": plan.id,
        "plan": global_id("Plan", plan.id),
        "version": plan.version,
        "office": global_id("Office", made.dnr.id),
        "target": global_id("Target", made.target.id),
        "admin": made.dnr_admin.username,
        "member": member.username,
    }


async def _stored(api: Api, pk: int) -> tuple[int, bool]:
    async with api.app.state.graphql.database.session() as session:
        version, archived_at = (
            await session.execute(select(Plan.version, Plan.archived_at).where(Plan.id == pk))
        ).one()
    return version, archived_at is not None


async def test_the_admin_retires_the_plan_and_it_is_changed_and_filed_no_more(
    api: Api, line: dict[str, Any]
) -> None:
    admin, plan = line["admin"], line["plan"]
    listed = (await api.gql(PLANS, {"office": line["office"]}, user=admin))["data"]["node"]
    assert (listed["plans"]["totalCount"], listed["coverageGaps"]["totalCount"]) == (1, 0)
    stale = await api.gql(
        RETIRE, {"input": {"planId": plan, "version": line["version"] - 1}}, user=admin
    )
    assert [e["code"] for e in stale["data"]["retirePlan"]["userErrors"]] == ["CONFLICT"]

    retired = await api.gql(
        RETIRE, {"input": {"planId": plan, "version": line["version"]}}, user=admin
    )

    payload = retired["data"]["retirePlan"]
    assert payload["userErrors"] == [] and payload["plan"]["archivedAt"] is not None
    assert payload["plan"]["version"] == line["version"] + 1
    assert await _stored(api, line["plan_pk"]) == (line["version"] + 1, True)
    current = (await api.gql(PLANS, {"office": line["office"]}, user=admin))["data"]["node"]
    # Out of the list, and its target is no longer covered for the term.
    assert (current["plans"]["totalCount"], current["coverageGaps"]["totalCount"]) == (0, 1)
    shelved = await api.gql(PLANS, {"office": line["office"], "archived": True}, user=admin)
    assert shelved["data"]["node"]["plans"]["nodes"] == [{"id": plan}]
    item = {"planId": plan, "targetId": line["target"], "mode": "mode.special", "leader": "李强"}
    for query, input, name in (
        (SET_ITEM, item, "setPlanItem"),
        (FILE, {"planId": plan, "ruleId": "filing.annual_plan"}, "filePlan"),
        (RETIRE, {"planId": plan}, "retirePlan"),
    ):
        answer = (await api.gql(query, {"input": input}, user=admin))["data"][name]
        assert answer["userErrors"] == [{"field": ["input", "planId"], "code": "PLAN_RETIRED"}]
    assert await _stored(api, line["plan_pk"]) == (line["version"] + 1, True)


async def test_a_member_reads_the_plan_but_cannot_retire_it_and_nothing_changes(
    api: Api, line: dict[str, Any]
) -> None:
    hints = {
        user: (await api.gql(CAN, {"id": line["plan"]}, user=line[user]))["data"]["node"]
        for user in ("admin", "member")
    }
    assert hints == {
        "admin": {"viewerCan": {"retire": True}},
        "member": {"viewerCan": {"retire": False}},
    }
    refused = await api.gql(RETIRE, {"input": {"planId": line["plan"]}}, user=line["member"])
    assert refused["data"]["retirePlan"] == {
        "plan": None,
        "userErrors": [{"field": None, "code": "FORBIDDEN"}],  # the door names no field
    }
    assert await _stored(api, line["plan_pk"]) == (line["version"], False)
