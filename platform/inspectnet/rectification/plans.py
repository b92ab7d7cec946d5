"""Rectification (整改, nmg-2016 §30, qh-zrzyt §19, §34): the plan and its items, the duties
and reports, and closure against evidence (对账销号) by the inspecting office.

The target's own accounts do the target's part (items, plan, meetings, reports) through the
door's target-side relation; the team's leader and deputy approve the plan after feedback where
the ruleset names that step (报巡察组审定, qh-zrzyt §19); the inspecting office closes and
reopens items. Nothing here reads the inspection's stage: rectification outlives the archive.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.authz.scopes import readable
from inspectnet.changes import snapshot
from inspectnet.concurrency import expect_version, transition
from inspectnet.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from inspectnet.ids import global_id, global_id_of
from inspectnet.rectification.models import (
    FedBackProblem,
    ItemState,
    PlanState,
    RectificationDuty,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rectification.service import ruleset_of
from inspectnet.rules.format import (
    DeadlineRule,
    RectificationReportKind,
    RectificationReportRule,
    ReportRecipient,
    Ruleset,
)

PLAN_DEADLINE = "deadline.rectification_plan"  # qh-zrzyt §19: the lists, 报巡察组审定
MEETING_DEADLINE = "deadline.special_meeting"  # qh-zrzyt §19: met when the target records it
REPORTS_RULE = "rectification.reports"


def _plan_rule(ruleset: Ruleset) -> DeadlineRule | None:
    rule = ruleset.find(PLAN_DEADLINE)
    return rule if isinstance(rule, DeadlineRule) else None


async def _draft(
    session: AsyncSession, actor: Actor, plan_id: int, field: str = "planId"
) -> RectificationPlan:
    plan = await get_readable(session, actor, RectificationPlan, plan_id)
    await require(session, actor, "update", plan)
    if plan.state is not PlanState.DRAFT:
        raise Conflict("整改方案已报审，不能再修改", code="PLAN_NOT_DRAFT", field=field)
    return plan


async def add_item(
    session: AsyncSession,
    actor: Actor,
    *,
    plan_id: int,
    problem_id: int,
    measure: str,
    owner_name: str,
    supervisor_name: str,
    due_on: date,
    owner_user_id: int | None = None,
    supervisor_user_id: int | None = None,
) -> RectificationItem:
    """Add a line to a draft plan: a fed-back problem, its measure and who answers for it."""
    plan = await _draft(session, actor, plan_id)
    problem = await get_readable(session, actor, FedBackProblem, problem_id)
    if problem.feedback_id != plan.feedback_id:
        raise NotFound(field="problemId")  # another feedback's problem names nothing here
    inputs = validation.Inputs()
    values = inputs.changes(
        RectificationItem,
        {"measure": measure, "owner_name": owner_name, "supervisor_name": supervisor_name},
    )
    inputs.date(due_on, "dueOn")
    if due_on < clock.today_in_china():
        inputs.add(ValidationFailed("整改时限不能早于今天", code="DUE_DATE_PAST", field="dueOn"))
    inputs.done()
    item = RectificationItem(
        office_id=plan.office_id,
        inspection_id=plan.inspection_id,
        target_id=plan.target_id,
        plan_id=plan.id,
        problem_id=problem.id,
        owner_user_id=owner_user_id,
        supervisor_user_id=supervisor_user_id,
        due_on=due_on,
        **values,
    )
    session.add(item)
    await session.flush()
    await record(
        session,
        actor,
        "rectification.item.add",
        office_id=item.office_id,
        object_id=global_id_of(item),
    )
    return item


async def remove_item(
    session: AsyncSession, actor: Actor, *, item_id: int
) -> tuple[RectificationItem, RectificationPlan]:
    """Remove a line from a plan still in draft (the undo of ``add_item``), by whoever may add
    one; once the plan is submitted its lists stand. The audit entry keeps what it held."""
    item = await get_readable(session, actor, RectificationItem, item_id)
    plan = await _draft(session, actor, item.plan_id, "itemId")
    kept = snapshot(item)
    await session.delete(item)
    await session.flush()
    await record(
        session,
        actor,
        "rectification.item.remove",
        office_id=plan.office_id,
        object_id=global_id("RectificationItem", item_id),
        detail={"removed": kept, "plan": global_id_of(plan)},
    )
    return item, plan


async def submit_plan(
    session: AsyncSession, actor: Actor, *, plan_id: int, version: int | None = None
) -> RectificationPlan:
    """Submit the plan with its three lists: for the team's approval where the ruleset names
    it (qh-zrzyt §19), else in force at once (nmg-2016 §30 names no approval)."""
    plan = await _draft(session, actor, plan_id)
    expect_version(plan, version)
    ruleset = await ruleset_of(session, plan.office_id)
    rule = _plan_rule(ruleset) or ruleset.rule_of(REPORTS_RULE, RectificationReportRule)
    covered = (
        # system scope: the plan's own lines, counted whole to see that no list is missing
        select(RectificationItem.id)
        .where(
            RectificationItem.plan_id == plan.id,
            RectificationItem.problem_id == FedBackProblem.id,
        )
        .exists()
    )
    uncovered = await session.scalar(
        # system scope: the feedback's problems no line of the plan names
        select(func.count(FedBackProblem.id)).where(
            FedBackProblem.feedback_id == plan.feedback_id, ~covered
        )
    )
    if uncovered:
        raise RuleViolation(
            f"整改方案须建立问题清单、任务清单、责任清单：尚有{uncovered}个反馈问题"
            f"未列明整改措施和责任人（{rule.article}）",
            code="PLAN_LISTS_MISSING",
            field="planId",
            rule_id=rule.id,
            article=rule.article,
        )
    approval = _plan_rule(ruleset) is not None
    now = clock.now()
    pk, office_id, inspection_id = plan.id, plan.office_id, plan.inspection_id
    await transition(
        session,
        RectificationPlan,
        plan.id,
        from_states=[PlanState.DRAFT],
        to_state=PlanState.SUBMITTED if approval else PlanState.APPROVED,
        values={"submitted_at": now} | ({} if approval else {"approved_at": now}),
    )
    await _meet(session, inspection_id, PLAN_DEADLINE)
    await record(
        session,
        actor,
        "rectification.plan.submit",
        office_id=office_id,
        object_id=global_id("RectificationPlan", pk),
    )
    return await get_readable(session, actor, RectificationPlan, pk)


async def approve_plan(session: AsyncSession, actor: Actor, *, plan_id: int) -> RectificationPlan:
    """The team's leader or deputy approves the submitted plan (报巡察组审定, qh-zrzyt §19)."""
    plan = await get_readable(session, actor, RectificationPlan, plan_id)
    await require(session, actor, "approve", plan)
    pk, office_id = plan.id, plan.office_id
    await transition(
        session,
        RectificationPlan,
        plan.id,
        from_states=[PlanState.SUBMITTED],
        to_state=PlanState.APPROVED,
        values={"approved_at": clock.now(), "approved_by": actor.user_id},
    )
    await record(
        session,
        actor,
        "rectification.plan.approve",
        office_id=office_id,
        object_id=global_id("RectificationPlan", pk),
    )
    return await get_readable(session, actor, RectificationPlan, pk)


async def _meet(session: AsyncSession, inspection_id: int, rule_id: str) -> None:
    duty = await session.scalar(
        # system scope: the duty an event of the target's meets, whoever caused the event
        select(RectificationDuty).where(
            RectificationDuty.inspection_id == inspection_id,
            RectificationDuty.rule_id == rule_id,
            RectificationDuty.met_on.is_(None),
        )
    )
    if duty is not None:
        duty.met_on = clock.today_in_china()
        await session.flush()


async def complete_item(
    session: AsyncSession, actor: Actor, *, item_id: int, evidence: str
) -> RectificationItem:
    """The target reports an item done, with its evidence, for the office to check."""
    item = await get_readable(session, actor, RectificationItem, item_id)
    await require(session, actor, "update", item)
    inputs = validation.Inputs()
    text = inputs.text(RectificationItem.evidence, evidence)
    if text is None:
        inputs.add(
            ValidationFailed("完成整改须提交佐证材料", code="EVIDENCE_REQUIRED", field="evidence")
        )
    inputs.done()
    plan = await get_readable(session, actor, RectificationPlan, item.plan_id)
    if plan.state is not PlanState.APPROVED:
        raise Conflict(
            "整改方案尚未审定，整改事项不能办结", code="PLAN_NOT_APPROVED_YET", field="itemId"
        )
    pk, office_id = item.id, item.office_id
    await transition(
        session,
        RectificationItem,
        item.id,
        from_states=[ItemState.OPEN],
        to_state=ItemState.DONE,
        values={"evidence": text, "done_at": clock.now()},
    )
    await record(
        session,
        actor,
        "rectification.item.done",
        office_id=office_id,
        object_id=global_id("RectificationItem", pk),
    )
    return await get_readable(session, actor, RectificationItem, pk)


async def record_meeting(
    session: AsyncSession, actor: Actor, *, duty_id: int, held_on: date
) -> RectificationDuty:
    """The target records its special meeting and democratic-life meeting (qh-zrzyt §19)."""
    duty = await get_readable(session, actor, RectificationDuty, duty_id)
    await require(session, actor, "update", duty)
    if duty.rule_id != MEETING_DEADLINE:
        raise Conflict(
            "此项期限由整改方案或报告的报送完成", code="DUTY_MET_BY_ITS_EVENT", field="dutyId"
        )
    if duty.met_on is not None:
        raise Conflict("已登记", code="DUTY_ALREADY_MET", field="dutyId")
    inputs = validation.Inputs()
    inputs.date(held_on, "heldOn")
    if held_on > clock.today_in_china():
        inputs.add(ValidationFailed("日期不能晚于今天", code="DATE_IN_FUTURE", field="heldOn"))
    inputs.done()
    duty.met_on = held_on
    await session.flush()
    await record(
        session,
        actor,
        "rectification.meeting",
        office_id=duty.office_id,
        object_id=global_id_of(duty),
    )
    return duty


async def file_report(
    session: AsyncSession,
    actor: Actor,
    *,
    duty_id: int,
    kind: RectificationReportKind,
    recipient: ReportRecipient,
    body: str,
) -> RectificationReport:
    """File one report to one recipient; the duty is met once every one is filed."""
    duty = await get_readable(session, actor, RectificationDuty, duty_id)
    ruleset = await ruleset_of(session, duty.office_id)
    rule = ruleset.rule_of(REPORTS_RULE, RectificationReportRule)
    refused = f"{rule.quote}（{rule.article}）"
    if kind not in rule.params.reports:
        raise RuleViolation(
            refused, code="REPORT_NOT_DUE", field="kind", rule_id=rule.id, article=rule.article
        )
    if recipient not in rule.params.recipients:
        raise RuleViolation(
            refused,
            code="REPORT_WRONG_RECIPIENT",
            field="recipient",
            rule_id=rule.id,
            article=rule.article,
        )
    report = await session.scalar(
        readable(actor, RectificationReport).where(
            RectificationReport.duty_id == duty.id,
            RectificationReport.kind == kind,
            RectificationReport.recipient == recipient,
        )
    )
    if report is None:
        raise NotFound(field="dutyId")  # the reports are another duty's
    await require(session, actor, "update", report)
    if report.filed_on is not None:
        raise Conflict("该报告已报送", code="REPORT_ALREADY_FILED", field="kind")
    inputs = validation.Inputs()
    text = inputs.text(RectificationReport.body, body)
    if text is None:
        inputs.add(ValidationFailed("报告内容不能为空", code="REQUIRED", field="body"))
    inputs.done()
    report.filed_on = clock.today_in_china()
    report.body = text
    await session.flush()
    pending = await session.scalar(
        # system scope: whether every report of the duty is filed, seen or not
        select(func.count()).where(
            RectificationReport.duty_id == duty.id, RectificationReport.filed_on.is_(None)
        )
    )
    if not pending:
        await _meet(session, duty.inspection_id, duty.rule_id)
    await record(
        session,
        actor,
        "rectification.report",
        office_id=report.office_id,
        object_id=global_id_of(report),
        detail={"kind": kind.value, "recipient": recipient.value},
    )
    return report
