"""Rectification over GraphQL: the record read from the inspection, the mutations' userErrors,
and every ``viewerCan`` field held to the outcome of its mutation, role by role."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.rectification.models import (
    FedBackProblem,
    RectificationDuty,
    RectificationReport,
)
from tests.conftest import Api
from tests.graphql.test_viewer_can import _allowed, _viewer_can
from tests.rectification.factories import QH, make_fed_back_inspection, make_items

READ = """query($id: ID!) { node(id: $id) { ... on Inspection {
  stage
  hearing { heldOn heardBy article }
  postSiteDecisions(first: 10) { totalCount nodes { matter decidedBy article } }
  feedback { signedOn article
    problems(first: 10) { totalCount nodes { position summary } }
    parties(first: 10) { totalCount }
    duties(first: 10, orderBy: {field: DUE_ON}) {
      nodes { ruleId dueOn colour metOn reports(first: 10) { totalCount } } } }
  rectificationPlan { state items(first: 10) { nodes { state colour problem { position } } } }
} } }"""
SUBMIT = """mutation($input: RectificationPlanInput!) { submitRectificationPlan(input: $input) {
  plan { state } userErrors { field code message } } }"""
FILE = """mutation($input: FileRectificationReportInput!) { fileRectificationReport(input: $input) {
  report { filedOn } userErrors { field code message } } }"""


async def _build(api: Api) -> dict[str, Any]:
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        root = Actor.system(service.policy.compiled, name="test")
        case, feedback = await make_fed_back_inspection(session, root, ruleset_id=QH)
        items = await make_items(session, root, feedback)
        duties = {
            d.rule_id: d.id for d in (await session.execute(select(RectificationDuty))).scalars()
        }
        report = await session.scalar(
            select(RectificationReport.id).order_by(RectificationReport.id).limit(1)
        )
        problem = await session.scalar(
            select(FedBackProblem.id).where(FedBackProblem.feedback_id == feedback.id).limit(1)
        )
        users = {
            "admin": case.admin.username,
            "member": case.results_member.username,
            "leader": case.team_leader.username,
            "target": case.target_user.username,
        }
    await api.reload_policy()
    plan_id = items[0].plan_id
    return {
        "users": users,
        "inspection": global_id("Inspection", case.inspection.id),
        "plan": global_id("RectificationPlan", plan_id),
        "item": global_id("RectificationItem", items[0].id),
        "meeting": global_id("RectificationDuty", duties["deadline.special_meeting"]),
        "reports": global_id("RectificationDuty", duties["deadline.rectification_report"]),
        "report": global_id("RectificationReport", report),
        "problem": global_id("FedBackProblem", problem),
    }


async def test_the_office_and_the_target_read_the_record_each_its_part(api: Api) -> None:
    ids = await _build(api)
    seen = await api.gql(READ, {"id": ids["inspection"]}, user=ids["users"]["admin"])
    node = seen["data"]["node"]
    assert node["stage"] == "FED_BACK"
    assert node["hearing"] == {
        "heldOn": "2026-11-25",
        "heardBy": "LEADING_GROUP",
        "article": "qh-zrzyt §17",
    }
    assert node["postSiteDecisions"]["nodes"] == [
        {"matter": "FEEDBACK_CONSENT", "decidedBy": "PARTY_GROUP", "article": "qh-zrzyt §18"}
    ]
    assert node["feedback"]["parties"]["totalCount"] == 3
    assert [
        (d["ruleId"], d["dueOn"], d["colour"], d["reports"]["totalCount"])
        for d in node["feedback"]["duties"]["nodes"]
    ] == [
        ("deadline.special_meeting", "2026-12-10", "GREEN", 0),
        ("deadline.rectification_plan", "2026-12-25", None, 0),  # met: the plan was submitted
        ("deadline.rectification_report", "2027-01-25", "GREEN", 6),
    ]
    assert node["rectificationPlan"]["state"] == "SUBMITTED"
    assert [i["problem"]["position"] for i in node["rectificationPlan"]["items"]["nodes"]] == [1, 2]

    # The target reads what it was told and its rectification; not the hearing, the decisions
    # or who attended
    side = await api.gql(READ, {"id": ids["inspection"]}, user=ids["users"]["target"])
    mine = side["data"]["node"]
    assert (mine["hearing"], mine["postSiteDecisions"]["totalCount"]) == (None, 0)
    assert mine["feedback"]["parties"]["totalCount"] == 0
    assert mine["feedback"]["problems"]["totalCount"] == 2
    assert len(mine["rectificationPlan"]["items"]["nodes"]) == 2


async def test_refusals_come_back_as_user_errors_with_their_article(api: Api) -> None:
    ids = await _build(api)
    again = await api.gql(SUBMIT, {"input": {"planId": ids["plan"]}}, user=ids["users"]["target"])
    assert again["data"]["submitRectificationPlan"]["userErrors"] == [
        {
            "field": ["input", "planId"],
            "code": "PLAN_NOT_DRAFT",
            "message": "整改方案已报审，不能再修改",
        }
    ]
    wrong = await api.gql(
        FILE,
        {
            "input": {
                "dutyId": ids["reports"],
                "kind": "PRINCIPAL",
                "recipient": "INSPECTING_OFFICE",
                "body": "主要负责人组织落实情况报告",
            }
        },
        user=ids["users"]["target"],
    )
    (error,) = wrong["data"]["fileRectificationReport"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "kind"], "REPORT_NOT_DUE")
    assert error["message"].endswith("（qh-zrzyt §19）")


# (viewerCan type, object key, field, mutation, input)
CASES: list[tuple[str, str, str, str, Any]] = [
    (
        "RectificationPlan",
        "plan",
        "update",
        "addRectificationItem",
        lambda i: {
            "planId": i["plan"],
            "problemId": i["problem"],
            "measure": "补充措施",
            "ownerName": "责任人",
            "supervisorName": "督办领导",
            "dueOn": "2026-12-20",
        },
    ),
    (
        "RectificationPlan",
        "plan",
        "approve",
        "approveRectificationPlan",
        lambda i: {"planId": i["plan"]},
    ),
    (
        "RectificationItem",
        "item",
        "update",
        "completeRectificationItem",
        lambda i: {"itemId": i["item"], "evidence": "佐证材料"},
    ),
    (
        "RectificationItem",
        "item",
        "close",
        "closeRectificationItem",
        lambda i: {"itemId": i["item"], "note": "核对"},
    ),
    (
        "RectificationItem",
        "item",
        "reopen",
        "reopenRectificationItem",
        lambda i: {"itemId": i["item"], "basis": "SPECIAL_CHECK", "note": "专项检查"},
    ),
    (
        "RectificationDuty",
        "meeting",
        "recordMeeting",
        "recordRectificationMeeting",
        lambda i: {"dutyId": i["meeting"], "heldOn": str(date(2026, 11, 25))},
    ),
    (
        "RectificationReport",
        "report",
        "file",
        "fileRectificationReport",
        lambda i: {
            "dutyId": i["reports"],
            "kind": "PARTY_ORGANISATION",
            "recipient": "DISCIPLINE_BODY",
            "body": "党组织落实情况报告",
        },
    ),
]


async def test_viewer_can_is_the_outcome_of_the_mutation_for_every_role(
    api: Api, db: Database
) -> None:
    ids = await _build(api)
    seen: dict[tuple[str, str, str], tuple[bool, bool]] = {}
    for type_name, key, field, mutation, make_input in CASES:
        for role, user in ids["users"].items():
            hint = await _viewer_can(api, user, type_name, field, ids[key])
            outcome = await _allowed(api, db, user, mutation, make_input(ids))
            seen[(role, key, field)] = (hint, outcome)
    assert {case: pair for case, pair in seen.items() if pair[0] != pair[1]} == {}
    answers = {
        (key, field): {role for role in ids["users"] if seen[(role, key, field)][0]}
        for _t, key, field, _m, _i in CASES
    }
    assert answers == {
        ("plan", "update"): {"target"},
        ("plan", "approve"): {"leader"},
        ("item", "update"): {"target"},
        ("item", "close"): {"admin"},
        ("item", "reopen"): {"admin"},
        ("meeting", "recordMeeting"): {"target"},
        ("report", "file"): {"target"},
    }
