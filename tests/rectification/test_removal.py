"""removeRectificationItem, the undo of addRectificationItem: only while the plan is a draft,
only by whoever may add a line (the target's side); refused otherwise with nothing removed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from inspectnet.audit.models import AuditEntry
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from inspectnet.rectification import plans
from inspectnet.rectification.models import FedBackProblem, RectificationItem, RectificationPlan
from tests.conftest import Api
from tests.rectification.factories import make_fed_back_inspection

REMOVE = """mutation($input: RemoveRectificationItemInput!) {
  removeRectificationItem(input: $input) {
    removed plan { state items(first: 10) { totalCount } } userErrors { field code message } } }"""
SUBMIT = """mutation($input: RectificationPlanInput!) { submitRectificationPlan(input: $input) {
  plan { state } userErrors { code } } }"""


async def _build(api: Api) -> dict[str, Any]:
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        root = Actor.system(service.policy.compiled, name="test")
        case, feedback = await make_fed_back_inspection(session, root, problems=["问题一"])
        plan = await session.scalar(
            select(RectificationPlan).where(RectificationPlan.feedback_id == feedback.id)
        )
        problem = await session.scalar(
            select(FedBackProblem.id).where(FedBackProblem.feedback_id == feedback.id)
        )
        assert plan is not None and problem is not None
        items = [
            await plans.add_item(
                session,
                root,
                plan_id=plan.id,
                problem_id=problem,
                measure=measure,
                owner_name="责任人",
                supervisor_name="督办领导",
                due_on=date(2026, 12, 20),
            )
            for measure in ("整改措施", "误录的措施")
        ]
    await api.reload_policy()
    return {
        "plan": global_id("RectificationPlan", plan.id),
        "kept": global_id("RectificationItem", items[0].id),
        "mistake": global_id("RectificationItem", items[1].id),
        "admin": case.admin.username,
        "target": case.target_user.username,
    }


async def _items(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count(RectificationItem.id))) or 0)


async def test_a_line_leaves_a_draft_plan_and_not_a_submitted_one(api: Api) -> None:
    ids = await _build(api)
    before = await _items(api)

    # the inspecting office reads the plan but does not write the target's lists
    denied = await api.gql(REMOVE, {"input": {"itemId": ids["mistake"]}}, user=ids["admin"])
    out = denied["data"]["removeRectificationItem"]
    assert out["removed"] is None and [e["code"] for e in out["userErrors"]] == ["FORBIDDEN"]
    assert await _items(api) == before

    done = await api.gql(REMOVE, {"input": {"itemId": ids["mistake"]}}, user=ids["target"])
    out = done["data"]["removeRectificationItem"]
    assert out["userErrors"] == [] and out["removed"] == ids["mistake"]
    assert out["plan"] == {"state": "DRAFT", "items": {"totalCount": 1}}
    assert await _items(api) == before - 1
    async with api.app.state.graphql.database.session() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "rectification.item.remove")
        )
    assert entry is not None and entry.object_id == ids["mistake"]
    assert entry.detail["removed"]["measure"] == "误录的措施"
    assert entry.detail["plan"] == ids["plan"]

    again = await api.gql(REMOVE, {"input": {"itemId": ids["mistake"]}}, user=ids["target"])
    assert [e["code"] for e in again["data"]["removeRectificationItem"]["userErrors"]] == [
        "NOT_FOUND"
    ]

    # once submitted, the plan's lists stand
    submitted = await api.gql(SUBMIT, {"input": {"planId": ids["plan"]}}, user=ids["target"])
    assert submitted["data"]["submitRectificationPlan"]["userErrors"] == []
    late = await api.gql(REMOVE, {"input": {"itemId": ids["kept"]}}, user=ids["target"])
    out = late["data"]["removeRectificationItem"]
    assert out["removed"] is None and out["userErrors"] == [
        {
            "field": ["input", "itemId"],
            "code": "PLAN_NOT_DRAFT",
            "message": "整改方案已报审，不能再修改",
        }
    ]
    assert await _items(api) == before - 1
