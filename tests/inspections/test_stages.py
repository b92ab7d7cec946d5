"""The inspection's life as a state machine: in order, each step recorded under its rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.store import PolicyStore
from inspectnet.concurrency import StaleVersion
from inspectnet.errors import RuleViolation, ValidationFailed
from inspectnet.filings import service as filings
from inspectnet.filings.models import Decision
from inspectnet.ids import global_id
from inspectnet.inspections import service, stages
from inspectnet.inspections.models import Inspection, InspectionTransition, Stage
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from tests.conftest import Api
from tests.factories import make_office, make_staff, make_target
from tests.filings.factories import actor_of, make_filing_line
from tests.inspections.factories import confirm_team, make_inspection, move_to

NMG_STEPS = [
    (Stage.PLANNED, Stage.TEAM_FORMED, "stage.team_formed", "nmg-2016 §9"),
    (Stage.TEAM_FORMED, Stage.NOTIFIED, "stage.notified", "nmg-2016 §25"),
    (Stage.NOTIFIED, Stage.ON_SITE, "stage.on_site", "nmg-2016 §25"),
    (Stage.ON_SITE, Stage.LEFT_SITE, "stage.left_site", "nmg-2016 §26"),
    (Stage.LEFT_SITE, Stage.REPORTED, "stage.reported", "nmg-2016 §26"),
    (Stage.REPORTED, Stage.HEARD, "stage.heard", "nmg-2016 §27"),
    (Stage.HEARD, Stage.FED_BACK, "stage.fed_back", "nmg-2016 §29"),
    (Stage.FED_BACK, Stage.ARCHIVED, "stage.archived", "nmg-2016 §9"),
]


async def _steps(session: Any, inspection_id: int) -> list[InspectionTransition]:
    rows = await session.scalars(
        select(InspectionTransition)
        .where(InspectionTransition.inspection_id == inspection_id)
        .order_by(InspectionTransition.id)
    )
    return list(rows)


async def test_an_inspection_walks_every_stage_each_step_recorded_under_its_rule(
    system: Any,
) -> None:
    session, root = system
    office = await make_office(session, root)
    target = await make_target(session, root, office)
    inspection = await make_inspection(session, root, target.id)

    inspection = await move_to(session, root, inspection, Stage.ARCHIVED)

    assert (inspection.stage, inspection.version) == (Stage.ARCHIVED, 9)
    steps = await _steps(session, inspection.id)
    assert [(s.from_stage, s.to_stage, s.rule_id, s.article) for s in steps] == NMG_STEPS
    assert {(s.actor_name, s.user_id, s.target_id) for s in steps} == {
        (root.username, None, target.id)
    }


async def test_a_move_out_of_order_names_the_allowed_next_stage_and_changes_nothing(
    system: Any,
) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)

    with pytest.raises(stages.StageOutOfOrder) as skipped:
        await stages.advance_inspection(
            session, root, inspection_id=inspection.id, stage=Stage.ON_SITE
        )
    assert (skipped.value.code, skipped.value.field) == ("STAGE_OUT_OF_ORDER", "stage")
    assert skipped.value.allowed == (Stage.TEAM_FORMED,)
    assert "允许的下一阶段：已组建巡视组" in skipped.value.message
    assert skipped.value.extensions()["allowedNext"] == ["team_formed"]
    await session.refresh(inspection)
    assert (inspection.stage, inspection.version) == (Stage.PLANNED, 1)
    assert await _steps(session, inspection.id) == []

    # Backwards is out of order too, and an archived inspection goes nowhere.
    await move_to(session, root, inspection, Stage.ARCHIVED)
    with pytest.raises(stages.StageOutOfOrder) as after:
        await stages.advance_inspection(
            session, root, inspection_id=inspection.id, stage=Stage.FED_BACK
        )
    assert after.value.allowed == ()
    assert "允许的下一阶段：无（已归档）" in after.value.message
    assert len(await _steps(session, inspection.id)) == 8


async def test_a_move_from_a_version_no_longer_current_is_a_conflict(system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    await confirm_team(session, root, inspection)
    await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.TEAM_FORMED, version=1
    )

    with pytest.raises(StaleVersion) as stale:
        await stages.advance_inspection(
            session, root, inspection_id=inspection.id, stage=Stage.NOTIFIED, version=1
        )
    assert (stale.value.code, stale.value.current_version) == ("CONFLICT", 2)
    assert len(await _steps(session, inspection.id)) == 1


async def test_a_departmental_inspection_enters_only_under_its_approved_round_plan(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    group = await actor_of(session, policy, line.group_member)
    bare = await make_inspection(session, dnr, line.target.id)
    await confirm_team(session, root, bare)
    await stages.advance_inspection(session, dnr, inspection_id=bare.id, stage=Stage.TEAM_FORMED)

    # Given no plan named: the written notice is refused under qh-zrzyt §3, nothing written
    with pytest.raises(RuleViolation) as unnamed:
        await stages.advance_inspection(session, dnr, inspection_id=bare.id, stage=Stage.NOTIFIED)
    assert (unnamed.value.code, unnamed.value.article, unnamed.value.field) == (
        "PLAN_NOT_APPROVED",
        "qh-zrzyt §3",
        "planId",
    )
    await session.refresh(bare)
    assert bare.stage is Stage.TEAM_FORMED and len(await _steps(session, bare.id)) == 1

    # Given a plan filed but not yet approved: still refused
    plan = await planning.create_plan(
        session,
        dnr,
        office_id=line.dnr.id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    await planning.set_item(
        session, dnr, plan_id=plan.id, target_id=line.target.id, mode="mode.regular", leader="韩明"
    )
    filed = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id="filing.work_approval")
    planned = await service.create_inspection(
        session, dnr, target_id=line.target.id, name="2027年第一轮巡察", plan_id=plan.id
    )
    await confirm_team(session, root, planned)
    await stages.advance_inspection(session, dnr, inspection_id=planned.id, stage=Stage.TEAM_FORMED)
    with pytest.raises(RuleViolation) as pending:
        await stages.advance_inspection(
            session, dnr, inspection_id=planned.id, stage=Stage.NOTIFIED
        )
    assert (pending.value.code, pending.value.article) == ("PLAN_NOT_APPROVED", "qh-zrzyt §3")

    # When the provincial leading group approves it, the notice and the entry go through
    await filings.decide(session, group, filing_id=filed.id, decision=Decision.APPROVE)
    moved = await move_to(session, dnr, planned, Stage.ON_SITE)
    assert moved.stage is Stage.ON_SITE
    steps = await _steps(session, planned.id)
    assert [(s.to_stage, s.article, s.user_id) for s in steps] == [
        (Stage.TEAM_FORMED, "qh-zrzyt §8(3)", line.dnr_admin.id),
        (Stage.NOTIFIED, "qh-zrzyt §13", line.dnr_admin.id),
        (Stage.ON_SITE, "qh-zrzyt §13", line.dnr_admin.id),
    ]


async def test_a_follow_up_names_a_fed_back_inspection_of_the_same_target(
    system: Any,
) -> None:
    session, root = system
    office = await make_office(session, root)
    target = await make_target(session, root, office)
    other = await make_target(session, root, office)
    first = await make_inspection(session, root, target.id)
    before = await session.scalar(select(func.count()).select_from(Inspection))

    # Too early (the first is only planned) and of another target: refused, nothing written
    for target_id in (target.id, other.id):
        with pytest.raises(ValidationFailed) as refused:
            await service.create_inspection(
                session, root, target_id=target_id, name="回头看", follows_id=first.id
            )
        assert (refused.value.code, refused.value.field) == ("FOLLOW_UP_INVALID", "followsId")
    assert await session.scalar(select(func.count()).select_from(Inspection)) == before

    await move_to(session, root, first, Stage.FED_BACK)
    again = await service.create_inspection(
        session, root, target_id=target.id, name="回头看", follows_id=first.id
    )
    assert (again.follows_id, again.stage) == (first.id, Stage.PLANNED)


ADVANCE = """mutation($input: AdvanceInspectionInput!) { advanceInspection(input: $input) {
  inspection { id stage version allowedNext } allowedNext userErrors { field code message } } }"""
STEPS = """query($id: ID!) { node(id: $id) { ... on Inspection {
  stage transitions(first: 10, orderBy: {field: ID, direction: DESC}) {
    totalCount nodes { fromStage toStage actorName ruleId article user { username }
      createdBy { username } } } } } }"""


async def test_the_office_advances_over_graphql_and_reads_the_steps(api: Api, system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    staff = await make_staff(session, root, office)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    await confirm_team(session, root, inspection)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    moved = await api.gql(
        ADVANCE,
        {"input": {"inspectionId": gid, "stage": "TEAM_FORMED", "version": 1}},
        user=staff.admin,
    )
    assert moved["data"]["advanceInspection"] == {
        "inspection": {
            "id": gid,
            "stage": "TEAM_FORMED",
            "version": 2,
            "allowedNext": ["NOTIFIED"],
        },
        "allowedNext": [],
        "userErrors": [],
    }
    skipped = await api.gql(
        ADVANCE, {"input": {"inspectionId": gid, "stage": "HEARD"}}, user=staff.admin
    )
    payload = skipped["data"]["advanceInspection"]
    assert payload["inspection"] is None and payload["allowedNext"] == ["NOTIFIED"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "stage"], "STAGE_OUT_OF_ORDER")
    ]
    # A member of the office reads the steps but may not move the inspection.
    denied = await api.gql(
        ADVANCE, {"input": {"inspectionId": gid, "stage": "NOTIFIED"}}, user=staff.member
    )
    assert [e["code"] for e in denied["data"]["advanceInspection"]["userErrors"]] == ["FORBIDDEN"]
    read = (await api.gql(STEPS, {"id": gid}, user=staff.member))["data"]["node"]
    assert read["stage"] == "TEAM_FORMED"
    assert read["transitions"] == {
        "totalCount": 1,
        "nodes": [
            {
                "fromStage": "PLANNED",
                "toStage": "TEAM_FORMED",
                "actorName": staff.admin,
                "ruleId": "stage.team_formed",
                "article": "nmg-2016 §9",
                "user": None,  # the member does not read the admin's account
                "createdBy": None,
            }
        ],
    }
    own = (await api.gql(STEPS, {"id": gid}, user=staff.admin))["data"]["node"]
    assert own["transitions"]["nodes"][0]["user"] == {"username": staff.admin}
    assert own["transitions"]["nodes"][0]["createdBy"] == {"username": staff.admin}
