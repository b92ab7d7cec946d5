"""Findings 问题: category from the office's ruleset (nmg-2016 §18, qh-zrzyt §12), facts,
qualifying basis 定性依据 and evidence; ready for a report only when its working paper (底稿)
is complete: "凡是写进报告的问题都要有事实作为支撑和定性依据" (qh-zrzyt §16).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.casework import service
from inspectnet.casework.links import Resolved, resolve_links
from inspectnet.casework.models import Finding, FindingEvidence
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.reports.models import Report, ReportItem
from inspectnet.rules.format import ReportKindRule, Ruleset

# What a change to these means for a finding marked ready: its paper is to be confirmed again.
PAPER_FIELDS = ("category", "facts", "basis")


async def create_finding(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    category: str,
    title: str,
    facts: str | None = None,
    basis: str | None = None,
    evidence_ids: Sequence[str] = (),
) -> Finding:
    """Record a problem found, with what is known of its facts, basis and evidence so far."""
    inspection = await service.inspection_for(session, actor, inspection_id, Finding)
    inputs = validation.Inputs()
    named = inputs.text(Finding.title, title)
    found_facts = inputs.text(Finding.facts, facts)
    found_basis = inputs.text(Finding.basis, basis)
    ruleset = await service.ruleset_for(session, inspection.office_id)
    try:
        service.category_of(ruleset, category)
    except ValidationFailed as problem:
        inputs.add(problem)
    inputs.done()
    evidence = await resolve_links(
        session,
        actor,
        evidence_ids,
        inspection_id=inspection.id,
        use="evidence",
        field="evidenceIds",
    )
    finding = Finding(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        category=category,
        title=named,
        facts=found_facts,
        basis=found_basis,
    )
    session.add(finding)
    await session.flush()
    _add_evidence(session, finding, evidence)
    await session.flush()
    await record(
        session,
        actor,
        "finding.create",
        office_id=finding.office_id,
        object_id=global_id_of(finding),
        detail={"evidence": len(evidence)},
    )
    return finding


def _add_evidence(session: AsyncSession, finding: Finding, links: Sequence[Resolved]) -> None:
    for link in links:
        session.add(
            FindingEvidence(
                office_id=finding.office_id,
                inspection_id=finding.inspection_id,
                target_id=finding.target_id,
                finding_id=finding.id,
                kind=link.kind.name,
                ref_id=link.ref_id,
            )
        )


async def _changeable(session: AsyncSession, actor: Actor, finding_id: int) -> Finding:
    finding = await get_readable(session, actor, Finding, finding_id)
    await require(session, actor, "update", finding)
    if finding.archived_at is not None:
        raise Conflict("该问题已撤销", code="FINDING_WITHDRAWN", field="findingId")
    return finding


async def update_finding(
    session: AsyncSession,
    actor: Actor,
    *,
    finding_id: int,
    version: int | None = None,
    category: str | None = None,
    title: str | None = None,
    facts: str | None = None,
    basis: str | None = None,
) -> Finding:
    """Change a finding; a change to its category, facts or basis takes back its ready mark
    (the changed paper is confirmed again before it goes into a report)."""
    finding = await _changeable(session, actor, finding_id)
    expect_version(finding, version)
    given = {
        k: v for k, v in (("title", title), ("facts", facts), ("basis", basis)) if v is not None
    }
    inputs = validation.Inputs()
    changes = inputs.changes(Finding, given)
    if category is not None:
        ruleset = await service.ruleset_for(session, finding.office_id)
        try:
            service.category_of(ruleset, category)
            changes["category"] = category
        except ValidationFailed as problem:
            inputs.add(problem)
    inputs.done()
    for key, value in changes.items():
        setattr(finding, key, value)
    if any(k in PAPER_FIELDS for k in changes):
        finding.ready_at = finding.ready_by = None
    await session.flush()
    await record(
        session,
        actor,
        "finding.update",
        office_id=finding.office_id,
        object_id=global_id_of(finding),
        detail={"fields": sorted(changes)},
    )
    return finding


async def add_finding_evidence(
    session: AsyncSession, actor: Actor, *, finding_id: int, evidence_ids: Sequence[str]
) -> Finding:
    """Link more evidence to a finding (a link already there is kept once)."""
    finding = await _changeable(session, actor, finding_id)
    evidence = await resolve_links(
        session,
        actor,
        evidence_ids,
        inspection_id=finding.inspection_id,
        use="evidence",
        field="evidenceIds",
    )
    if not evidence:
        raise ValidationFailed("请至少关联一项证据材料", code="REQUIRED", field="evidenceIds")
    known = await service.linked_refs(
        session, FindingEvidence, FindingEvidence.finding_id, finding.id
    )
    _add_evidence(session, finding, [e for e in evidence if (e.kind.name, e.ref_id) not in known])
    await session.flush()
    await record(
        session,
        actor,
        "finding.evidence.add",
        office_id=finding.office_id,
        object_id=global_id_of(finding),
    )
    return finding


def paper_rule(ruleset: Ruleset) -> ReportKindRule | None:
    """The ruleset's report whose problems each need a working paper (底稿), if it names one;
    else its inspection report, whose problems are reported as they are (如实报告)."""
    reports = ruleset.of_type(ReportKindRule)
    papered = [r for r in reports if r.params.working_papers_required]
    if papered:
        return papered[0]
    return next((r for r in reports if r.id == "report.inspection"), None)


def missing_paper(finding: Finding, evidence: int) -> list[str]:
    """What a finding lacks before a report may carry it: facts, basis, evidence."""
    missing = []
    if not finding.facts:
        missing.append("事实")
    if not finding.basis:
        missing.append("定性依据")
    if evidence == 0:
        missing.append("证据材料")
    return missing


async def mark_finding_ready(
    session: AsyncSession, actor: Actor, *, finding_id: int, version: int | None = None
) -> Finding:
    """Mark a finding ready for a report: refused (FINDING_PAPER_INCOMPLETE, with the article)
    unless it has facts, a qualifying basis and at least one evidence link."""
    finding = await get_readable(session, actor, Finding, finding_id)
    await require(session, actor, "mark_ready", finding)
    if finding.archived_at is not None:
        raise Conflict("该问题已撤销", code="FINDING_WITHDRAWN", field="findingId")
    expect_version(finding, version)
    evidence = len(
        await service.linked_refs(session, FindingEvidence, FindingEvidence.finding_id, finding.id)
    )
    missing = missing_paper(finding, evidence)
    if missing:
        rule = paper_rule(await service.ruleset_for(session, finding.office_id))
        cited = f"（{rule.article}）" if rule else ""
        raise RuleViolation(
            f"写进报告的问题须有事实、定性依据和证据材料，尚缺：{'、'.join(missing)}{cited}",
            code="FINDING_PAPER_INCOMPLETE",
            field="findingId",
            rule_id=rule.id if rule else None,
            article=rule.article if rule else None,
        )
    finding.ready_at = clock.now()
    finding.ready_by = actor.user_id
    await session.flush()
    await record(
        session,
        actor,
        "finding.ready",
        office_id=finding.office_id,
        object_id=global_id_of(finding),
    )
    return finding


async def _citing_reports(session: AsyncSession, finding: Finding) -> list[str]:
    """The titles of the reports in force whose current version places the finding."""
    # system scope: whether any report places the finding, asked for the one finding the
    # actor may withdraw; only the titles of those reports are named back to the team
    titles = await session.scalars(
        select(Report.title)
        .join(ReportItem, ReportItem.report_id == Report.id)
        .where(
            ReportItem.kind == "finding",
            ReportItem.ref_id == finding.id,
            Report.archived_at.is_(None),
        )
        .order_by(Report.id)
    )
    return list(titles)


async def withdraw_finding(
    session: AsyncSession,
    actor: Actor,
    *,
    finding_id: int,
    reason: str,
    version: int | None = None,
) -> Finding:
    """Withdraw a finding (撤销) with the reason: it stays as evidence but no report or
    ledger counts it. Refused (FINDING_IN_REPORT) while a report's current version places it:
    the report is revised without it first (a new version, qh-zrzyt §17), the earlier
    versions staying as what was reported then."""
    finding = await get_readable(session, actor, Finding, finding_id)
    await require(session, actor, "withdraw", finding)
    if finding.archived_at is not None:
        raise Conflict("该问题已撤销", code="FINDING_WITHDRAWN", field="findingId")
    expect_version(finding, version)
    inputs = validation.Inputs()
    why = inputs.text(Finding.withdrawn_reason, reason)
    inputs.done()
    if why is None:
        raise ValidationFailed("请填写撤销理由", code="REQUIRED", field="reason")
    citing = await _citing_reports(session, finding)
    if citing:
        raise Conflict(
            f"该问题已写入报告，须先修改报告将其移出：{'、'.join(citing)}",
            code="FINDING_IN_REPORT",
            field="findingId",
        )
    finding.archived_at = clock.now()
    finding.withdrawn_reason = why
    finding.withdrawn_by = actor.user_id
    await session.flush()
    await record(
        session,
        actor,
        "finding.withdraw",
        office_id=finding.office_id,
        object_id=global_id_of(finding),
        detail={"reason": why},
    )
    return finding
