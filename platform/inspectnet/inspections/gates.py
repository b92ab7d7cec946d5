"""The stage machine's guard table: what must be on record before an inspection enters each
stage, whichever path moves it (``advanceInspection`` or the workflow that owns the stage).

| stage | on record first | refusal |
|---|---|---|
| team formed | the named bodies' confirmation of the team as it stands (qh-zrzyt §6(3), §9) | TEAM_NOT_CONFIRMED |
| notified, on site | the round plan's approval (qh-zrzyt §3) and the written notice (qh-zrzyt §13) | PLAN_NOT_APPROVED, NOTICE_NOT_RECORDED |
| left site | a stay within the working days, or the office's decision (qh-zrzyt §11) | SITE_STAY_NEEDS_DECISION |
| reported | the inspection report drafted (reports, nmg-2016 §26, qh-zrzyt §16) | REPORT_NOT_DRAFTED |
| heard | the hearing recorded (recordHearing, nmg-2016 §27, qh-zrzyt §17) | HEARING_NOT_RECORDED |
| fed back | the feedback delivered (deliverFeedback, nmg-2016 §29, qh-zrzyt §18) | FEEDBACK_NOT_DELIVERED |
| archived | the team's materials handed over (qh-zrzyt §27) | MATERIALS_NOT_HANDED_OVER |

The workflows write their record first and then move the stage, so a bare move without the
record is refused with the code and the article of the stage's rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.archive.models import MaterialHandover
from inspectnet.authz.actor import Actor
from inspectnet.errors import RuleViolation
from inspectnet.filings.service import require_plan_approved, round_gates
from inspectnet.inspections import repository
from inspectnet.inspections.confirmation import require_confirmed
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.inspections.site_clock import clock_of
from inspectnet.rectification.models import Feedback, Hearing
from inspectnet.reports.models import Report
from inspectnet.rules.format import Ruleset, StageRule
from inspectnet.rules.service import calendar_from_db

# The notice and the entry: the work has started at the target.
ENTRY = (Stage.NOTIFIED, Stage.ON_SITE)
# The report whose drafting makes the inspection ``reported`` (巡视（巡察）报告).
INSPECTION_REPORT = "report.inspection"


@dataclass(frozen=True)
class Recorded:
    """A stage whose workflow lives in another domain: the row it writes, the refusal's code
    and what the refusal says is missing."""

    model: type
    code: str
    missing: str


RECORDED: dict[Stage, Recorded] = {
    Stage.REPORTED: Recorded(Report, "REPORT_NOT_DRAFTED", "尚未形成巡视（巡察）报告"),
    Stage.HEARD: Recorded(Hearing, "HEARING_NOT_RECORDED", "尚未登记听取巡视（巡察）情况汇报"),
    Stage.FED_BACK: Recorded(
        Feedback, "FEEDBACK_NOT_DELIVERED", "尚未登记向被巡视（巡察）党组织反馈"
    ),
    Stage.ARCHIVED: Recorded(
        MaterialHandover, "MATERIALS_NOT_HANDED_OVER", "巡视（巡察）组尚未移交工作材料"
    ),
}


def refused(message: str, code: str, rule: StageRule | None, field: str = "stage") -> RuleViolation:
    """A refusal naming the stage's rule and article."""
    article = rule.article if rule else None
    return RuleViolation(
        f"{message}（{article}）" if article else message,
        code=code,
        field=field,
        rule_id=rule.id if rule else None,
        article=article,
    )


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
    raise refused(
        "尚未登记向被巡视（巡察）党组织发出的书面通知，不能通知或进驻",
        code="NOTICE_NOT_RECORDED",
        rule=rule,
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


async def _require_recorded(
    session: AsyncSession, inspection: Inspection, stage: Stage, rule: StageRule
) -> None:
    needed = RECORDED[stage]
    model = needed.model
    # system scope: whether the stage's workflow wrote its record, whoever may read it
    statement = select(model.id).where(model.inspection_id == inspection.id)  # type: ignore[attr-defined]
    if model is Report:
        statement = statement.where(Report.kind == INSPECTION_REPORT, Report.archived_at.is_(None))
    if await session.scalar(statement.limit(1)) is None:
        raise refused(f"{needed.missing}，不能进入“{rule.name}”阶段", needed.code, rule)


async def check(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    ruleset: Ruleset,
    stage: Stage,
    rule: StageRule,
    *,
    decided: bool,
) -> None:
    """Refuse entering ``stage`` until what its row of the table needs is on record."""
    if stage is Stage.TEAM_FORMED:
        await require_confirmed(session, inspection, ruleset)
    if stage in ENTRY:
        await _require_entry_allowed(session, actor, inspection, ruleset)
        # No notice stage and no entry without the written notice (qh-zrzyt §13, nmg-2016 §25).
        await _require_notice(session, inspection, ruleset.stage_rule(Stage.NOTIFIED))
    if stage is Stage.LEFT_SITE and not decided:
        await _require_stay_within_bounds(session, inspection, ruleset)
    if stage in RECORDED:
        await _require_recorded(session, inspection, stage, rule)
