"""The inspection's life as a state machine: one step at a time, each under a rule of its
office's ruleset, each step recorded (who, when, which rule) and decided by one conditional
UPDATE, so of any number of concurrent moves exactly one wins and the rest get CONFLICT.

Entering the site (the written notice and the entry itself) of an office whose ruleset makes a
round wait for its plan's approval calls that gate (厅党组巡察工作报请…批准后方可开展,
qh-zrzyt §3): the inspection must name its round plan and the plan must be approved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require
from inspectnet.concurrency import expect_version, transition
from inspectnet.errors import Conflict, RuleViolation
from inspectnet.filings.service import require_plan_approved, round_gates
from inspectnet.ids import global_id_of
from inspectnet.inspections import repository
from inspectnet.inspections.models import STAGES, Inspection, InspectionTransition, Stage
from inspectnet.inspections.site_clock import clock_of
from inspectnet.network.models import Office
from inspectnet.rules.format import STAGE_ZH, Ruleset, StageRule
from inspectnet.rules.registry import get_ruleset
from inspectnet.rules.service import calendar_from_db

# The one order of the stages (DOMAIN.md "The life of one inspection"); a follow-up 回头看 is a
# new inspection naming the first, never a way back.
NEXT: dict[Stage, tuple[Stage, ...]] = {
    stage: STAGES[at + 1 : at + 2] for at, stage in enumerate(STAGES)
}
PREVIOUS: dict[Stage, Stage] = {after: stage for stage, nexts in NEXT.items() for after in nexts}
# The written notice and the entry: the work has started at the target.
ENTRY = (Stage.NOTIFIED, Stage.ON_SITE)


class StageOutOfOrder(Conflict):
    """The stage asked for is not one the inspection may enter from where it is."""

    default_code = "STAGE_OUT_OF_ORDER"

    def __init__(self, current: Stage, wanted: Stage) -> None:
        allowed = NEXT[current]
        shown = "、".join(STAGE_ZH[s] for s in allowed) or "无（已归档）"
        super().__init__(
            f"巡视（巡察）当前阶段为“{STAGE_ZH[current]}”，不能进入“{STAGE_ZH[wanted]}”；"
            f"允许的下一阶段：{shown}",
            field="stage",
        )
        self.allowed = allowed

    def extensions(self) -> dict[str, Any]:  # type: ignore[override]
        return super().extensions() | {"allowedNext": [s.value for s in self.allowed]}


def ruleset_of(office: Office) -> Ruleset:
    """The ruleset an office is bound to."""
    return get_ruleset(office.ruleset_id)


def stage_rule(ruleset: Ruleset, stage: Stage) -> StageRule:
    """The rule under which an inspection of this ruleset enters ``stage``."""
    rule = ruleset.stage_rule(stage)
    if rule is None:  # tests/rules hold every ruleset to a rule per stage
        raise RuleViolation(
            f"规则集 {ruleset.id} 未规定进入“{STAGE_ZH[stage]}”的依据",
            code="RULE_NOT_IN_RULESET",
            field="stage",
        )
    return rule


async def _require_entry_allowed(
    session: AsyncSession, actor: Actor, inspection: Inspection, ruleset: Ruleset
) -> None:
    gates = round_gates(ruleset)
    if not gates:
        return
    if inspection.plan_id is None:
        gate = gates[0]
        raise RuleViolation(
            f"巡察未指明经{gate.params.recipient_zh}批准的巡察计划，不能开展（{gate.article}）",
            code="PLAN_NOT_APPROVED",
            field="planId",
            rule_id=gate.id,
            article=gate.article,
        )
    await require_plan_approved(session, actor, plan_id=inspection.plan_id)


async def _require_notice(
    session: AsyncSession, inspection: Inspection, rule: StageRule | None
) -> None:
    """Refuse the notice stage and the entry until the written notice is recorded."""
    if await repository.notice_of(session, inspection.id) is not None:
        return
    article = rule.article if rule else None
    raise RuleViolation(
        f"尚未登记向被巡视（巡察）党组织发出的书面通知，不能通知或进驻（{article}）",
        code="NOTICE_NOT_RECORDED",
        field="stage",
        rule_id=rule.id if rule else None,
        article=article,
    )


async def _require_stay_within_bounds(
    session: AsyncSession, inspection: Inspection, ruleset: Ruleset
) -> None:
    steps = await repository.site_steps(session, None, [inspection.id])
    today = clock.today_in_china()
    events = [*steps[inspection.id], (Stage.LEFT_SITE, clock.now())]
    found = clock_of(events, ruleset, await calendar_from_db(session), today)
    if found is None or not found.outside or found.rule is None:
        return
    raise RuleViolation(
        f"现场巡察{found.working_days}个工作日（{found.convention}），不在"
        f"{found.min_days}～{found.max_days}个工作日之内，须记录巡察办的决定"
        f"（{found.rule.article}：视具体情况由巡察办决定）",
        code="SITE_STAY_NEEDS_DECISION",
        field="decision",
        rule_id=found.rule.id,
        article=found.rule.article,
    )


async def advance_inspection(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    stage: Stage,
    version: int | None = None,
    decision: str | None = None,
) -> Inspection:
    """Move an inspection to its next stage, under its ruleset's rule (team grants follow)."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require(session, actor, "update", inspection)
    # The version the mover saw: a move made since answers CONFLICT, not a misleading order.
    expect_version(inspection, version)
    current = inspection.stage
    if stage not in NEXT[current]:
        raise StageOutOfOrder(current, stage)
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    ruleset = ruleset_of(office)
    rule = stage_rule(ruleset, stage)
    if stage in ENTRY:
        await _require_entry_allowed(session, actor, inspection, ruleset)
        # No notice stage and no entry without the written notice (qh-zrzyt §13, nmg-2016 §25).
        await _require_notice(session, inspection, ruleset.stage_rule(Stage.NOTIFIED))
    inputs = validation.Inputs()
    recorded = None if decision is None else inputs.text(InspectionTransition.decision, decision)
    inputs.done()
    if stage is Stage.LEFT_SITE and recorded is None:
        await _require_stay_within_bounds(session, inspection, ruleset)
    office_id, target_id = inspection.office_id, inspection.target_id
    # One conditional UPDATE decides: a concurrent move that won first leaves this one CONFLICT.
    await transition(
        session,
        Inspection,
        inspection.id,
        from_states=(PREVIOUS[stage],),
        to_state=stage,
        state_column="stage",
    )
    step = InspectionTransition(
        office_id=office_id,
        inspection_id=inspection_id,
        target_id=target_id,
        from_stage=current,
        to_stage=stage,
        user_id=actor.user_id,
        actor_name=actor.username,
        rule_id=rule.id,
        article=rule.article,
        decision=recorded,
    )
    session.add(step)
    await session.flush()
    await session.refresh(inspection)
    await record(
        session,
        actor,
        "inspection.stage",
        office_id=office_id,
        object_id=global_id_of(inspection),
        detail={"from": current.value, "to": stage.value, "rule": rule.id, "article": rule.article},
    )
    # The stage is the phase the door weighs team grants by.
    await policy_changed(session, actor)
    return inspection
