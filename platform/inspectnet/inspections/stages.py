"""The inspection's life as a state machine: one step at a time, each under a rule of its
office's ruleset, each step recorded (who, when, which rule) and decided by one conditional
UPDATE, so of any number of concurrent moves exactly one wins and the rest get CONFLICT.

What must be on record before each stage (the bodies' confirmation of the team, the plan's
approval and the written notice, the report, the hearing, the feedback, the handover) is the
guard table of gates.py, weighed on every move whoever makes it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require
from inspectnet.concurrency import expect_version, transition
from inspectnet.errors import Conflict, RuleViolation
from inspectnet.ids import global_id_of
from inspectnet.inspections import gates
from inspectnet.inspections.models import STAGES, Inspection, InspectionTransition, Stage
from inspectnet.network.models import Office
from inspectnet.rules.format import STAGE_ZH, Ruleset, StageRule
from inspectnet.rules.registry import get_ruleset

# The one order of the stages (DOMAIN.md "The life of one inspection"); a follow-up 回头看 is a
# new inspection naming the first, never a way back.
NEXT: dict[Stage, tuple[Stage, ...]] = {
    stage: STAGES[at + 1 : at + 2] for at, stage in enumerate(STAGES)
}
PREVIOUS: dict[Stage, Stage] = {after: stage for stage, nexts in NEXT.items() for after in nexts}


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
    inputs = validation.Inputs()
    recorded = None if decision is None else inputs.text(InspectionTransition.decision, decision)
    inputs.done()
    # The guard table (gates.py): what the stage's workflow must have put on record first.
    await gates.check(
        session, actor, inspection, ruleset, stage, rule, decided=recorded is not None
    )
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
