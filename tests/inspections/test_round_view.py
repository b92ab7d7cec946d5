"""The planner's view of a round (issue 13 item 9): per inspection its stage, team, recusal
cases, next deadline and its colour, and viewerCan, in a number of statements that does not
grow with the number of inspections."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from inspectnet.inspections import service
from inspectnet.inspections.models import Stage, TeamRole
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from tests.conftest import Api
from tests.factories import make_office, make_target, make_user
from tests.inspections.factories import make_assignment, make_workflow_rows, move_to
from tests.sqlcount import count_statements

# sign-in 1 · the plan 1 · its inspections page and count 2 · viewerCan's rows 1 · their
# teams page and count 2 · their recusal cases page and count 2 · steps, offices and calendar
# of the next deadlines 3
STATEMENTS = 12
ROUND = """query($id: ID!) { node(id: $id) { ... on Plan {
  inspections(first: 50) { totalCount nodes {
    name stage viewerCan { update }
    team(first: 20) { totalCount nodes { role } }
    recusalCases(first: 20) { totalCount nodes { status } }
    nextDeadline { ruleId article dueOn colour daysLeft } } } } } }"""


async def _round(api: Api, system: Any, size: int) -> dict[str, Any]:
    """An nmg office's plan with ``size`` inspections, the first fed back, each with a leader
    and a recusal case; a member of the office reads, its admin changes."""
    session, actor = system
    office = await make_office(session, actor)
    admin = await make_user(session, actor, office)
    member = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    plan = await planning.create_plan(
        session,
        actor,
        office_id=office.id,
        kind=PlanKind.ANNUAL,
        title="2026年度巡视工作计划",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    for n in range(size):
        target = await make_target(session, actor, office)
        inspection = await service.create_inspection(
            session, actor, target_id=target.id, name=f"第{n + 1}组巡视", plan_id=plan.id
        )
        leader = await make_user(session, actor, office, Role.OFFICE_MEMBER)
        await make_assignment(session, actor, inspection, leader.id, TeamRole.LEADER)
        await make_workflow_rows(session, actor, inspection, leader.person_id)
        if n == 0:
            await move_to(session, actor, inspection, Stage.FED_BACK)
    await session.commit()
    await api.reload_policy()
    return {"plan": global_id("Plan", plan.id), "admin": admin.username, "member": member.username}


@pytest.mark.parametrize("size", [2, 5])
async def test_the_round_view_costs_the_same_statements_however_many_inspections(
    api: Api, system: Any, size: int
) -> None:
    world = await _round(api, system, size)
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        answer = await api.gql(ROUND, {"id": world["plan"]}, user=world["admin"])
    listed = answer["data"]["node"]["inspections"]
    assert listed["totalCount"] == size
    first, *rest = listed["nodes"]
    assert (first["name"], first["stage"], first["viewerCan"]) == (
        "第1组巡视",
        "FED_BACK",
        {"update": True},
    )
    assert first["team"] == {"totalCount": 1, "nodes": [{"role": "LEADER"}]}
    assert first["recusalCases"] == {"totalCount": 1, "nodes": [{"status": "PENDING"}]}
    # nmg-2016 §30: the rectification report within 2 months of feedback (2026-11-25)
    assert first["nextDeadline"] == {
        "ruleId": "deadline.rectification_report",
        "article": "nmg-2016 §30",
        "dueOn": "2027-01-25",
        "colour": "GREEN",
        "daysLeft": 61,
    }
    assert all(n["stage"] == "PLANNED" and n["nextDeadline"] is None for n in rest)
    # the same statements for 2 inspections as for 5: nothing is read per inspection
    assert statements.count == STATEMENTS


async def test_a_member_reads_the_round_without_the_buttons_or_the_cases(
    api: Api, system: Any
) -> None:
    world = await _round(api, system, 2)
    answer = await api.gql(ROUND, {"id": world["plan"]}, user=world["member"])
    nodes = answer["data"]["node"]["inspections"]["nodes"]
    assert [n["viewerCan"] for n in nodes] == [{"update": False}, {"update": False}]
    # recusal cases are read by the office's admin, the team's leader and the bodies only
    assert [n["recusalCases"]["totalCount"] for n in nodes] == [0, 0]
    assert [n["team"]["totalCount"] for n in nodes] == [1, 1]
