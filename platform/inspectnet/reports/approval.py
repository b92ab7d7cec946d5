"""A report's approval (审定): a recorded decision of the body the ruleset's ``approval.report``
names (nmg-2016 §27: the leading group hears the report and proposes its handling; qh-zrzyt
§17: the report, revised as the leading group guides, goes to the party group 报厅党组). The
decision is one ``require_body`` check. A report is final while its approved version is its
current one; a revision after the approval reopens it. Where the ruleset asks for the approval,
an unapproved inspection report cannot be used: the feedback waits for it (``require_final``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import body_action, get_readable, require_body
from inspectnet.casework import service as casework
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, RuleViolation
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection
from inspectnet.reports.models import Report
from inspectnet.rules.format import ApprovalMatter, ApprovalRule, Ruleset

# The report whose approval the feedback waits for (nmg-2016 §26, qh-zrzyt §16).
INSPECTION_REPORT = "report.inspection"
APPROVE = "approve"


def approval_rule(ruleset: Ruleset) -> ApprovalRule | None:
    """The ruleset's rule naming who approves a report, if it names one."""
    return ruleset.approval(ApprovalMatter.REPORT)


def approve_action(report: Report) -> str:
    """The door's action approving it: ``approve_as_<body>`` for the body it goes to."""
    return body_action(APPROVE, report.approver) if report.approver else APPROVE


def is_final(report: Report) -> bool:
    """Approved in its current version and not withdrawn."""
    return (
        report.archived_at is None
        and report.approved_version is not None
        and report.approved_version == report.current_version
    )


async def approve_report(
    session: AsyncSession, actor: Actor, *, report_id: int, version: int | None = None
) -> Report:
    """Approve a report's current version, as the body the ruleset names."""
    report = await get_readable(session, actor, Report, report_id)
    rule = approval_rule(await casework.ruleset_for(session, report.office_id))
    body = report.approver or (rule.params.decided_by.value if rule else None)
    if body is None:
        raise RuleViolation(
            "本机构规定未规定报告的审定", code="REPORT_APPROVAL_NOT_IN_RULESET", field="reportId"
        )
    await require_body(session, actor, body, report.office_id, APPROVE, Report)
    if report.archived_at is not None:
        raise Conflict("该报告已撤销", code="REPORT_WITHDRAWN", field="reportId")
    expect_version(report, version)
    if is_final(report):
        raise Conflict("该报告当前版本已审定", code="REPORT_ALREADY_APPROVED", field="reportId")
    report.approver = body
    report.approved_version = report.current_version
    report.approved_at = clock.now()
    report.approved_by = actor.user_id
    await session.flush()
    await record(
        session,
        actor,
        "report.approve",
        office_id=report.office_id,
        object_id=global_id_of(report),
        detail={
            "version": report.current_version,
            "body": body,
            "article": rule.article if rule else None,
        },
    )
    return report


async def require_final(session: AsyncSession, inspection: Inspection, ruleset: Ruleset) -> None:
    """Refuse (REPORT_NOT_APPROVED, with the article) unless the inspection has an inspection
    report approved in its current version, where the ruleset asks for the approval."""
    rule = approval_rule(ruleset)
    if rule is None:
        return
    # system scope: whether the inspection's report is final, asked by whoever may feed back
    reports = await session.scalars(
        select(Report).where(
            Report.inspection_id == inspection.id,
            Report.kind == INSPECTION_REPORT,
            Report.archived_at.is_(None),
        )
    )
    if not any(is_final(r) for r in reports):
        raise RuleViolation(
            f"巡视巡察报告须经审定后方可使用：{rule.quote}（{rule.article}）",
            code="REPORT_NOT_APPROVED",
            field="inspectionId",
            rule_id=rule.id,
            article=rule.article,
        )
