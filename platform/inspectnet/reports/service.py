"""Reports of an inspection: drafted from its ready findings and its clues as a DOCX version,
revised as new versions (qh-zrzyt §17), each version downloadable by whoever reads the report."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, evidence, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.authz.scopes import readable
from inspectnet.bodies.models import BodyKind, DecisionBody
from inspectnet.casework import service as casework
from inspectnet.casework.findings import paper_rule
from inspectnet.casework.models import Clue, ClueState, Finding, Interview
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import expect_global_id, global_id_of
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.reports import document, drafting
from inspectnet.reports.models import Report, ReportItem, ReportVersion
from inspectnet.rules.format import ApprovalMatter, ReportKindRule, Ruleset
from inspectnet.targets.models import Target

FINDING, CLUE = "finding", "clue"


def kind_of(ruleset: Ruleset, kind: str) -> ReportKindRule:
    """A report kind of the ruleset (nmg-2016 §26, qh-zrzyt §15–16)."""
    return casework.rule_named(
        ruleset,
        kind,
        ReportKindRule,
        code="REPORT_KIND_NOT_IN_RULESET",
        message="报告类别须为本机构规定所列类别",
        field="kind",
    )


async def _placed_findings(
    session: AsyncSession, actor: Actor, ids: Sequence[int], inspection: Inspection
) -> list[Finding]:
    """The findings to place, each readable, of this inspection, not withdrawn and ready:
    "凡是写进报告的问题都要有事实作为支撑和定性依据" (qh-zrzyt §16)."""
    found = [await get_readable(session, actor, Finding, pk) for pk in dict.fromkeys(ids)]
    if any(f.inspection_id != inspection.id for f in found):
        raise ValidationFailed(
            "只能写入本次巡视巡察的问题", code="LINK_OTHER_INSPECTION", field="findingIds"
        )
    if any(f.archived_at is not None for f in found):
        raise Conflict("该问题已撤销", code="FINDING_WITHDRAWN", field="findingIds")
    unready = [f.title for f in found if f.ready_at is None]
    if unready:
        rule = paper_rule(await casework.ruleset_for(session, inspection.office_id))
        cited = f"（{rule.article}）" if rule else ""
        raise RuleViolation(
            f"问题底稿未确认（须有事实、定性依据和证据材料），不能写入报告：{'、'.join(unready)}{cited}",
            code="FINDING_NOT_READY",
            field="findingIds",
            rule_id=rule.id if rule else None,
            article=rule.article if rule else None,
        )
    return found


async def _placed_clues(
    session: AsyncSession, actor: Actor, ids: Sequence[int], inspection: Inspection
) -> list[Clue]:
    """The clues to place, each readable, of this inspection, not merged into another."""
    found = [await get_readable(session, actor, Clue, pk) for pk in dict.fromkeys(ids)]
    if any(c.inspection_id != inspection.id for c in found):
        raise ValidationFailed(
            "只能写入本次巡视巡察的线索", code="LINK_OTHER_INSPECTION", field="clueIds"
        )
    if any(c.state is ClueState.MERGED or c.archived_at is not None for c in found):
        raise Conflict("线索已并入其他线索或已撤销", code="CLUE_MERGED", field="clueIds")
    return found


async def _addressee(session: AsyncSession, office_id: int, team_word: str) -> str:
    # system scope: the name of the office's leading group heads the report it receives
    body = await session.scalar(
        select(DecisionBody.name).where(
            DecisionBody.office_id == office_id, DecisionBody.kind == BodyKind.LEADING_GROUP
        )
    )
    return body or f"{team_word}工作领导小组"


async def _draft(
    session: AsyncSession,
    actor: Actor,
    report: Report,
    inspection: Inspection,
    findings: Sequence[Finding],
    clues: Sequence[Clue],
) -> bytes:
    ruleset = await casework.ruleset_for(session, report.office_id)
    kind = kind_of(ruleset, report.kind)
    main = ruleset.find("report.inspection")
    team_word = (main.name if main else kind.name).removesuffix("报告")  # 巡视 / 巡察
    # system scope: the inspection was read through the door; its target names the report
    target = await session.get(Target, inspection.target_id)
    interviews = await session.scalar(
        select(func.count()).select_from(
            readable(actor, Interview)
            .where(Interview.inspection_id == inspection.id, Interview.archived_at.is_(None))
            .subquery()
        )
    )
    draft = drafting.compose(
        ruleset=ruleset,
        kind_name=kind.name,
        title=report.title,
        addressee=await _addressee(session, report.office_id, team_word),
        team=f"{team_word}组",
        target_name=target.name if target else "",
        interviews=interviews or 0,
        findings=findings,
        clues=clues,
        suggestions=report.suggestions,
        dated=clock.today_in_china(),
    )
    return document.render(draft)


def _items(report: Report, findings: Sequence[Finding], clues: Sequence[Clue]) -> list[ReportItem]:
    placed = [(FINDING, f.id) for f in findings] + [(CLUE, c.id) for c in clues]
    return [
        ReportItem(
            office_id=report.office_id,
            inspection_id=report.inspection_id,
            target_id=report.target_id,
            report_id=report.id,
            kind=kind,
            ref_id=ref,
            position=n,
        )
        for n, (kind, ref) in enumerate(placed, start=1)
    ]


def _version(
    report: Report, number: int, content: bytes, *, after_hearing: bool, note: str | None
) -> ReportVersion:
    """The version's row; its DOCX goes to the evidence store, the row keeps where and what."""
    sha256 = hashlib.sha256(content).hexdigest()
    return ReportVersion(
        office_id=report.office_id,
        inspection_id=report.inspection_id,
        target_id=report.target_id,
        report_id=report.id,
        number=number,
        after_hearing=after_hearing,
        note=note,
        storage_key=evidence.active().store.put(content, sha256),
        size=len(content),
        sha256=sha256,
    )


def _ids(values: Sequence[str], type_name: str, field: str) -> list[int]:
    return [expect_global_id(v, type_name, field=field) for v in values]


async def create_report(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    kind: str,
    title: str,
    finding_ids: Sequence[str] = (),
    clue_ids: Sequence[str] = (),
    suggestions: str | None = None,
) -> Report:
    """Draft a report from ready findings and clues: the report and its version 1."""
    inspection = await casework.inspection_for(session, actor, inspection_id, Report)
    inputs = validation.Inputs()
    named = inputs.text(Report.title, title)
    proposed = inputs.text(Report.suggestions, suggestions)
    ruleset = await casework.ruleset_for(session, inspection.office_id)
    try:
        kind_of(ruleset, kind)
    except ValidationFailed as problem:
        inputs.add(problem)
    inputs.done()
    approval = ruleset.approval(ApprovalMatter.REPORT)
    findings = await _placed_findings(
        session, actor, _ids(finding_ids, "Finding", "findingIds"), inspection
    )
    clues = await _placed_clues(session, actor, _ids(clue_ids, "Clue", "clueIds"), inspection)
    report = Report(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        kind=kind,
        title=named,
        suggestions=proposed,
        current_version=1,
        approver=approval.params.decided_by.value if approval else None,
    )
    session.add(report)
    await session.flush()
    content = await _draft(session, actor, report, inspection, findings, clues)
    session.add_all(_items(report, findings, clues))
    session.add(
        _version(report, 1, content, after_hearing=inspection.stage is Stage.HEARD, note=None)
    )
    await session.flush()
    await record(
        session,
        actor,
        "report.create",
        office_id=report.office_id,
        object_id=global_id_of(report),
        detail={"findings": len(findings), "clues": len(clues)},
    )
    return report


async def placed(session: AsyncSession, report: Report) -> tuple[list[int], list[int]]:
    """The finding and clue ids placed in a report, in order."""
    # system scope: the report was read through the door; its items are part of it
    rows = await session.execute(
        select(ReportItem.kind, ReportItem.ref_id)
        .where(ReportItem.report_id == report.id)
        .order_by(ReportItem.position)
    )
    items = list(rows)
    return [r for k, r in items if k == FINDING], [r for k, r in items if k == CLUE]


async def revise_report(
    session: AsyncSession,
    actor: Actor,
    *,
    report_id: int,
    version: int | None = None,
    finding_ids: Sequence[str] | None = None,
    clue_ids: Sequence[str] | None = None,
    suggestions: str | None = None,
    note: str | None = None,
) -> Report:
    """Draft a new version of a report from its placed findings and clues as they stand now
    (or the ones given); after the hearing this is the revision qh-zrzyt §17 asks for."""
    report = await get_readable(session, actor, Report, report_id)
    await require(session, actor, "update", report)
    if report.archived_at is not None:
        raise Conflict("该报告已撤销", code="REPORT_WITHDRAWN", field="reportId")
    expect_version(report, version)
    inputs = validation.Inputs()
    noted = inputs.text(ReportVersion.note, note)
    proposed = inputs.text(Report.suggestions, suggestions) if suggestions is not None else None
    inputs.done()
    inspection = await get_readable(session, actor, Inspection, report.inspection_id)
    old_findings, old_clues = await placed(session, report)
    findings = await _placed_findings(
        session,
        actor,
        old_findings if finding_ids is None else _ids(finding_ids, "Finding", "findingIds"),
        inspection,
    )
    clues = await _placed_clues(
        session,
        actor,
        old_clues if clue_ids is None else _ids(clue_ids, "Clue", "clueIds"),
        inspection,
    )
    if suggestions is not None:
        report.suggestions = proposed
    report.current_version += 1
    content = await _draft(session, actor, report, inspection, findings, clues)
    # system scope: the report was checked for update; its items are replaced with it
    for item in await session.scalars(select(ReportItem).where(ReportItem.report_id == report.id)):
        await session.delete(item)
    await session.flush()
    session.add_all(_items(report, findings, clues))
    session.add(
        _version(
            report,
            report.current_version,
            content,
            after_hearing=inspection.stage is Stage.HEARD,
            note=noted,
        )
    )
    await session.flush()
    await record(
        session,
        actor,
        "report.revise",
        office_id=report.office_id,
        object_id=global_id_of(report),
        detail={"version": report.current_version, "findings": len(findings), "clues": len(clues)},
    )
    return report


def content_of(version: ReportVersion) -> bytes:
    """A version's DOCX bytes, from the evidence store (or its row, for a version drafted
    before the store kept them); EVIDENCE_CHECKSUM_MISMATCH when they are not what was
    drafted."""
    if version.storage_key is not None:
        return evidence.active().read(version.storage_key, version.sha256, "报告文件校验值不符")
    content = version.content or b""
    if hashlib.sha256(content).hexdigest() != version.sha256:
        raise Conflict("报告文件校验值不符", code="EVIDENCE_CHECKSUM_MISMATCH")
    return content


async def version_file(
    session: AsyncSession, actor: Actor, version_id: int
) -> tuple[ReportVersion, bytes]:
    """A version and its DOCX, for whoever reads the report it belongs to."""
    version = await get_readable(session, actor, ReportVersion, version_id)
    return version, content_of(version)
