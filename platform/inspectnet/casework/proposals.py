"""Fix-while-inspecting proposals 边巡边改 and the mid-term report.

"对群众反映强烈、明显违反规定并且能够及时解决的问题，向被巡察党组织提出处置意见" (qh-zrzyt §15;
nmg-2016 §23 "巡视组应当向被巡视党组织提出处理建议"): the team sends a proposal to the target,
whose users read it and record the organisation's answer; the team closes it. The mid-term
report to the leading group (巡察中期汇报, qh-zrzyt §15) is kept as one tracked item per
inspection, where the office's ruleset names it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.casework import service
from inspectnet.casework.models import Finding, FixProposal, MidTermReport, ProposalState
from inspectnet.concurrency import expect_version, transition
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.rules.format import ReportKindRule

MID_TERM_RULE = "report.mid_term"


async def propose_fix(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    problem: str,
    proposal: str,
    finding_id: int | None = None,
) -> FixProposal:
    """Send the target a proposal to fix a problem now, optionally from a finding."""
    inspection = await service.inspection_for(session, actor, inspection_id, FixProposal)
    inputs = validation.Inputs()
    problem_text = inputs.text(FixProposal.problem, problem)
    proposal_text = inputs.text(FixProposal.proposal, proposal)
    inputs.done()
    if finding_id is not None:
        finding = await get_readable(session, actor, Finding, finding_id)
        if finding.inspection_id != inspection.id:
            raise ValidationFailed(
                "只能关联本次巡视（巡察）的问题", code="LINK_OTHER_INSPECTION", field="findingId"
            )
    row = FixProposal(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        finding_id=finding_id,
        problem=problem_text,
        proposal=proposal_text,
        state=ProposalState.SENT,
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "fix_proposal.create",
        office_id=row.office_id,
        object_id=global_id_of(row),
    )
    return row


async def answer_fix(
    session: AsyncSession, actor: Actor, *, proposal_id: int, answer: str
) -> FixProposal:
    """The target's answer to a proposal, recorded by one of its bound users."""
    row = await get_readable(session, actor, FixProposal, proposal_id)
    await require(session, actor, "answer", row)
    inputs = validation.Inputs()
    text = inputs.text(FixProposal.answer, answer)
    inputs.done()
    if text is None:
        raise ValidationFailed("请填写整改答复", code="REQUIRED", field="answer")
    await transition(
        session,
        FixProposal,
        row.id,
        from_states=(ProposalState.SENT,),
        to_state=ProposalState.ANSWERED,
        values={"answer": text, "answered_at": clock.now(), "answered_by": actor.user_id},
    )
    await session.refresh(row)
    await record(
        session,
        actor,
        "fix_proposal.answer",
        office_id=row.office_id,
        object_id=global_id_of(row),
    )
    return row


async def close_fix(session: AsyncSession, actor: Actor, *, proposal_id: int) -> FixProposal:
    """The team closes a proposal once the target answered it (办结)."""
    row = await get_readable(session, actor, FixProposal, proposal_id)
    await require(session, actor, "update", row)
    await transition(
        session,
        FixProposal,
        row.id,
        from_states=(ProposalState.ANSWERED,),
        to_state=ProposalState.CLOSED,
    )
    await session.refresh(row)
    await record(
        session,
        actor,
        "fix_proposal.close",
        office_id=row.office_id,
        object_id=global_id_of(row),
    )
    return row


async def save_mid_term_report(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    progress: str,
    plan: str,
    version: int | None = None,
) -> MidTermReport:
    """Write the inspection's mid-term report (the work so far, the plan for the rest): made
    on the first save, changed after, until reported. Only where the ruleset names it."""
    inspection = await service.inspection_for(session, actor, inspection_id, MidTermReport)
    ruleset = await service.ruleset_for(session, inspection.office_id)
    if not isinstance(ruleset.find(MID_TERM_RULE), ReportKindRule):
        raise RuleViolation(
            f"本机构规定（{ruleset.id}）未规定巡察中期汇报",
            code="MID_TERM_NOT_IN_RULESET",
            field="inspectionId",
        )
    inputs = validation.Inputs()
    progress_text = inputs.text(MidTermReport.progress, progress)
    plan_text = inputs.text(MidTermReport.plan, plan)
    inputs.done()
    report = await session.scalar(
        # system scope: one report per inspection, whose change the actor was just allowed
        select(MidTermReport).where(MidTermReport.inspection_id == inspection.id)
    )
    if report is None:
        report = MidTermReport(
            office_id=inspection.office_id,
            inspection_id=inspection.id,
            target_id=inspection.target_id,
            progress=progress_text,
            plan=plan_text,
        )
        session.add(report)
    else:
        await require(session, actor, "update", report)
        expect_version(report, version)
        if report.reported_on is not None:
            raise Conflict(
                "中期汇报已报告，不能修改", code="MID_TERM_REPORTED", field="inspectionId"
            )
        report.progress, report.plan = progress_text, plan_text
    await session.flush()
    await record(
        session,
        actor,
        "mid_term_report.save",
        office_id=report.office_id,
        object_id=global_id_of(report),
    )
    return report


async def mark_mid_term_reported(
    session: AsyncSession, actor: Actor, *, report_id: int, reported_on: date
) -> MidTermReport:
    """Record the day the team reported to the leading group (qh-zrzyt §15)."""
    report = await get_readable(session, actor, MidTermReport, report_id)
    await require(session, actor, "update", report)
    inputs = validation.Inputs()
    inputs.date(reported_on, "reportedOn")
    if reported_on > clock.today_in_china():
        inputs.add(
            ValidationFailed("汇报日期不能晚于今天", code="DATE_IN_FUTURE", field="reportedOn")
        )
    inputs.done()
    if report.reported_on is not None:
        raise Conflict("中期汇报已报告", code="MID_TERM_REPORTED", field="reportId")
    report.reported_on = reported_on
    await session.flush()
    await record(
        session,
        actor,
        "mid_term_report.reported",
        office_id=report.office_id,
        object_id=global_id_of(report),
        detail={"reported_on": reported_on.isoformat()},
    )
    return report
