"""Use cases on filings: file a frozen version, decide it, compare versions, the approval gate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.concurrency import transition
from inspectnet.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from inspectnet.filings import export, notices, repository
from inspectnet.filings.deciders import decide_action, require_decider
from inspectnet.filings.models import Decision, Filing, FilingDecision, FilingState, InboxStatus
from inspectnet.filings.rollups import rollup as rollup_of
from inspectnet.ids import global_id, global_id_of
from inspectnet.network.models import Office
from inspectnet.planning.models import Plan
from inspectnet.planning.service import expect_current as expect_current_plan
from inspectnet.planning.service import snapshot as plan_snapshot
from inspectnet.rules.deadlines import Colour
from inspectnet.rules.format import Event, FilingDutyRule, FilingMode, Recipient, Ruleset
from inspectnet.rules.registry import get_ruleset

# The decisions each mode allows: 报备 is acknowledged, 报批 approved or returned.
DECISIONS: dict[str, frozenset[Decision]] = {
    FilingMode.RECORD.value: frozenset({Decision.ACKNOWLEDGE}),
    FilingMode.APPROVAL.value: frozenset({Decision.APPROVE, Decision.RETURN}),
}
OUTCOME = {
    Decision.APPROVE: FilingState.APPROVED,
    Decision.RETURN: FilingState.RETURNED,
    Decision.ACKNOWLEDGE: FilingState.ACKNOWLEDGED,
}
# Recipients inside the network: the superior office itself, or its leading group (a body).
IN_NETWORK = frozenset({Recipient.SUPERIOR_OFFICE.value, Recipient.SUPERIOR_LEADING_GROUP.value})


async def get_filing(session: AsyncSession, actor: Actor, *, filing_id: int) -> Filing:
    """One readable filing version."""
    return await get_readable(session, actor, Filing, filing_id)


def status_of_row(filing: Filing, today: date) -> InboxStatus:
    """The inbox status of one row (``repository.status_of`` says the same in SQL)."""
    if filing.state is FilingState.DUE:
        if filing.due_on is not None and filing.due_on < today:
            return InboxStatus.OVERDUE
        if filing.warn_on is not None and filing.warn_on <= today:
            return InboxStatus.DUE_SOON
        return InboxStatus.OPEN
    late = (
        filing.due_on is not None
        and filing.submitted_on is not None
        and filing.submitted_on > filing.due_on
    )
    return InboxStatus.MET_LATE if late else InboxStatus.MET_ON_TIME


# Met items carry no colour: the warning is over, on time or late.
COLOUR = {
    InboxStatus.OVERDUE: Colour.RED,
    InboxStatus.DUE_SOON: Colour.YELLOW,
    InboxStatus.OPEN: Colour.GREEN,
}


async def inbox_counts(
    session: AsyncSession, actor: Actor, *, office_id: int, filters: repository.InboxFilter
) -> dict[InboxStatus, int]:
    """Counts per status of an office's inbox (aggregates only, never rows)."""
    office = await get_readable(session, actor, Office, office_id)
    return await repository.inbox_counts(session, actor, office.id, filters, clock.today_in_china())


def _duty(ruleset_id: str, rule_id: str) -> FilingDutyRule:
    try:
        return get_ruleset(ruleset_id).rule_of(rule_id, FilingDutyRule)
    except NotFound:
        raise ValidationFailed(
            "本机构适用的规定中没有此报备报批事项", code="RULE_NOT_IN_RULESET", field="ruleId"
        ) from None


async def file_plan(session: AsyncSession, actor: Actor, *, plan_id: int, rule_id: str) -> Filing:
    """File the plan's current working copy under a duty of the filer's ruleset, as a version."""
    plan = await get_readable(session, actor, Plan, plan_id)
    await require(session, actor, "file", plan)
    expect_current_plan(plan)
    office = await get_readable(session, actor, Office, plan.office_id)
    duty = _duty(office.ruleset_id, rule_id)
    subject = f"{plan.kind.value}_plan"
    if subject not in {s.value for s in duty.params.subjects}:
        raise ValidationFailed(
            "此计划不属于该报备报批事项", code="NOT_FILED_UNDER_RULE", field="ruleId"
        )
    if duty.params.recipient.value not in IN_NETWORK:
        raise ValidationFailed(
            "该事项报送网络之外的机构", code="RECIPIENT_OUTSIDE_NETWORK", field="ruleId"
        )
    superior = await repository.direct_superior(session, office.id)
    if superior is None:
        raise ValidationFailed("本机构没有上级机构", code="NO_SUPERIOR", field="ruleId")
    series_key = f"plan:{plan.id}:{duty.id}"
    versions = await repository.series(session, actor, series_key)
    if any(v.subject_version == plan.version for v in versions):
        raise Conflict("此版本已报送，请修改后再报", code="ALREADY_FILED", field="planId")
    number = (versions[0].number + 1) if versions else 1
    if versions and versions[0].state is FilingState.SUBMITTED:
        # Filed again before a decision: the pending version is withdrawn, never decided.
        await transition(
            session,
            Filing,
            versions[0].id,
            from_states=[FilingState.SUBMITTED],
            to_state=FilingState.SUPERSEDED,
        )
    filing = Filing(
        office_id=office.id,
        to_office_id=superior,
        rule_id=duty.id,
        ruleset_id=office.ruleset_id,
        mode=duty.params.mode.value,
        recipient=duty.params.recipient.value,
        subject_type="plan",
        subject_id=plan.id,
        subject_version=plan.version,
        series_key=series_key,
        number=number,
        title=plan.title,
        snapshot=await plan_snapshot(session, actor, plan),
        state=FilingState.SUBMITTED,
        submitted_at=clock.now(),
        submitted_on=clock.today_in_china(),
        submitted_by=actor.user_id,
    )
    session.add(filing)
    await session.flush()
    await record(
        session,
        actor,
        "filing.submit",
        office_id=office.id,
        object_id=global_id_of(filing),
        detail={"rule": duty.id, "number": filing.number, "to": superior},
    )
    await notices.submitted(session, actor, filing, decide_action(filing))
    return filing


async def decide(
    session: AsyncSession,
    actor: Actor,
    *,
    filing_id: int,
    decision: Decision,
    reason: str | None = None,
) -> FilingDecision:
    """Decide one version as the body the filer's ruleset names (one decision stands)."""
    filing = await get_readable(session, actor, Filing, filing_id)
    await require_decider(session, actor, filing)
    if decision not in DECISIONS[filing.mode]:
        raise ValidationFailed(
            "此报送方式不能作此处理", code="DECISION_NOT_FOR_MODE", field="decision"
        )
    inputs = validation.Inputs()
    text = inputs.text(FilingDecision.reason, reason) if reason is not None else None
    inputs.done()
    if decision is Decision.RETURN and not text:
        raise ValidationFailed("退回必须说明理由", code="REASON_REQUIRED", field="reason")
    # The transition expires the loaded row: keep what is needed after it.
    to_office_id, filing_id = filing.to_office_id, filing.id
    filer_id, title = filing.office_id, filing.title
    # One conditional UPDATE: of two superiors deciding at once, one wins, one gets CONFLICT;
    # a superseded or already decided version is refused the same way.
    await transition(
        session, Filing, filing.id, from_states=[FilingState.SUBMITTED], to_state=OUTCOME[decision]
    )
    row = FilingDecision(
        office_id=to_office_id,
        filing_id=filing_id,
        decision=decision,
        reason=text or None,
        decided_by=actor.user_id,
        decided_at=clock.now(),
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        f"filing.{decision.value}",
        office_id=to_office_id,
        object_id=global_id("Filing", filing_id),
        detail={"reason": row.reason} if row.reason else None,
    )
    await notices.decided(
        session, actor, filing_id=filing_id, office_id=filer_id, title=title, decision=decision
    )
    return row


def compare(older: Filing, newer: Filing) -> list[tuple[str, Any, Any]]:
    """Field by field: ``(path, before, after)`` for every field that differs."""
    before, after = _flatten(older.snapshot), _flatten(newer.snapshot)
    return [
        (path, before.get(path), after.get(path))
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]


async def compare_versions(
    session: AsyncSession, actor: Actor, *, older_id: int, newer_id: int
) -> list[tuple[str, Any, Any]]:
    """Compare two readable versions of one series."""
    older = await get_readable(session, actor, Filing, older_id)
    newer = await get_readable(session, actor, Filing, newer_id)
    if older.series_key != newer.series_key:
        raise ValidationFailed(
            "只能比较同一报送事项的版本", code="NOT_SAME_SERIES", field="newerId"
        )
    return compare(older, newer)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat |= _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return flat
    return {prefix: value}


def round_gates(ruleset: Ruleset) -> list[FilingDutyRule]:
    """The duties a ruleset makes a round wait for: approvals required before it starts."""
    return [
        rule
        for rule in ruleset.of_type(FilingDutyRule)
        if rule.params.mode is FilingMode.APPROVAL
        and rule.params.required_before is Event.ROUND_STARTED
    ]


async def require_plan_approved(session: AsyncSession, actor: Actor, *, plan_id: int) -> None:
    """The approval gate: refuse launching a round under a plan its superior has not approved.

    The filer's ruleset says which duties need an approval before a round starts (qh-zrzyt §3);
    a ruleset with none lets every round start. The plan or one of its parent plans must have
    its newest version under each such duty approved.
    """
    plan = await get_readable(session, actor, Plan, plan_id)
    office = await get_readable(session, actor, Office, plan.office_id)
    gates = round_gates(get_ruleset(office.ruleset_id))
    if not gates:
        return
    chain = [plan.id]
    parent_id = plan.parent_id
    while parent_id is not None and len(chain) < 3:  # round → annual → term
        parent = await get_readable(session, actor, Plan, parent_id)
        chain.append(parent.id)
        parent_id = parent.parent_id
    for rule in gates:
        keys = [f"plan:{pid}:{rule.id}" for pid in chain]
        newest = await repository.latest_of_series(session, actor, keys)
        if not any(f.state is FilingState.APPROVED for f in newest):
            raise RuleViolation(
                f"计划尚未经{rule.params.recipient_zh}批准，不能开展巡察（{rule.article}）",
                code="PLAN_NOT_APPROVED",
                field="planId",
                rule_id=rule.id,
                article=rule.article,
            )


@dataclass(frozen=True)
class RollupRow:
    """One subordinate office's statistics."""

    office_id: int
    values: dict[str, int]


async def rollups(session: AsyncSession, actor: Actor, *, office_id: int) -> list[RollupRow]:
    """Statistics per direct subordinate of an office: aggregates only, never rows."""
    office = await get_readable(session, actor, Office, office_id)
    found = await rollup_of(session, actor, office.id, clock.today_in_china())
    offices = sorted({o for counts in found.values() for o in counts})
    return [RollupRow(o, {key: counts.get(o, 0) for key, counts in found.items()}) for o in offices]


STATUS_ZH = {
    InboxStatus.OVERDUE: "逾期",
    InboxStatus.DUE_SOON: "临期",
    InboxStatus.OPEN: "未到期",
    InboxStatus.MET_ON_TIME: "按时报送",
    InboxStatus.MET_LATE: "逾期报送",
}
STATE_ZH = {
    FilingState.DUE: "待报送",
    FilingState.SUBMITTED: "待处理",
    FilingState.APPROVED: "已批准",
    FilingState.RETURNED: "已退回",
    FilingState.ACKNOWLEDGED: "已备案",
    FilingState.SUPERSEDED: "已被新版本取代",
}
EXPORT_CHUNK = 500


async def export_inbox(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    filters: repository.InboxFilter | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The office's (filtered) inbox as XLSX, read in keyset chunks; ``progress(done, total)``."""
    office = await get_readable(session, actor, Office, office_id)
    filters = filters or repository.InboxFilter()
    today = clock.today_in_china()
    total = await repository.inbox_size(session, actor, office.id, filters, today)
    rows: list[list[Any]] = []
    after = 0
    while True:
        chunk = await repository.inbox_chunk(
            session, actor, office.id, filters, today, after_id=after, size=EXPORT_CHUNK
        )
        if not chunk:
            break
        for filing, filer in chunk:
            status = status_of_row(filing, today)
            rows.append(
                [
                    filer,
                    filing.rule_id,
                    filing.title,
                    filing.number,
                    STATE_ZH[filing.state],
                    STATUS_ZH[status],
                    filing.due_on,
                    filing.submitted_on,
                ]
            )
        after = chunk[-1][0].id
        if progress is not None:
            progress(len(rows), total)
    await record(
        session, actor, "filing.inbox.export", office_id=office.id, detail={"rows": len(rows)}
    )
    return export.workbook("收件箱", export.INBOX_COLUMNS, rows)


MAX_REPORT_CHARS = 20000


async def file_report(session: AsyncSession, actor: Actor, *, filing_id: int, body: str) -> Filing:
    """Answer a due item with the report's text: it is filed (met on time or late) and frozen."""
    filing = await get_readable(session, actor, Filing, filing_id)
    await require(session, actor, "file", filing)
    text = body.strip()
    if not text:
        raise ValidationFailed("报送内容不能为空", code="REQUIRED", field="body")
    if len(text) > MAX_REPORT_CHARS:
        raise ValidationFailed(f"不能超过{MAX_REPORT_CHARS}个字符", code="TOO_LONG", field="body")
    office_id, title = filing.office_id, filing.title
    await transition(
        session,
        Filing,
        filing.id,
        from_states=[FilingState.DUE],
        to_state=FilingState.SUBMITTED,
        values={
            "snapshot": {"title": title, "body": text},
            "submitted_at": clock.now(),
            "submitted_on": clock.today_in_china(),
            "submitted_by": actor.user_id,
        },
    )
    await record(
        session,
        actor,
        "filing.submit",
        office_id=office_id,
        object_id=global_id("Filing", filing_id),
    )
    filed = await get_readable(session, actor, Filing, filing_id)
    await notices.submitted(session, actor, filed, decide_action(filed))
    return filed
