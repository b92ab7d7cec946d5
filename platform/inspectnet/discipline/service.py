"""Use cases on discipline records (nmg-2016 §36–38, §41; qh-zrzyt §28–33): record a breach
under the article it breaches, uphold a complaint about an inspector as a record that cites it,
record the referral made, and archive a record (kept)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.concurrency import expect_version
from inspectnet.discipline.models import DisciplineRecord, RecordSource
from inspectnet.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection
from inspectnet.intake.models import InspectorComplaint
from inspectnet.network.models import Office
from inspectnet.rules.format import DisciplineOffenceRule, OffenderParty
from inspectnet.rules.registry import get_ruleset


async def _rule(session: AsyncSession, office_id: int, rule_id: str) -> DisciplineOffenceRule:
    # system scope: the office a readable inspection belongs to binds it to its ruleset
    office = await session.get(Office, office_id)
    assert office is not None  # the foreign key holds it
    ruleset = get_ruleset(office.ruleset_id)
    found = ruleset.find(rule_id)
    if not isinstance(found, DisciplineOffenceRule):
        raise RuleViolation(
            f"规则集 {ruleset.id} 中没有违纪情形 {rule_id}",
            code="DISCIPLINE_RULE_UNKNOWN",
            field="ruleId",
        )
    return found


async def record_breach(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    rule_id: str,
    respondent: str,
    facts: str,
    evidence: str,
) -> DisciplineRecord:
    """Record a breach the office or the team found in its work, under the article it breaches."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    return await _record(
        session, actor, inspection, rule_id, respondent, facts, evidence, complaint=None
    )


async def uphold_complaint(
    session: AsyncSession,
    actor: Actor,
    *,
    complaint_id: int,
    rule_id: str,
    respondent: str,
    facts: str,
    evidence: str,
) -> DisciplineRecord:
    """A complaint about an inspector (nmg-2016 §41, qh-zrzyt §33) found true becomes a record
    under the staff offence it proves: the record links to the complaint (source ``complaint``),
    it does not copy it; ``facts`` and ``evidence`` are what the verification established."""
    try:
        complaint = await get_readable(session, actor, InspectorComplaint, complaint_id)
    except NotFound:
        raise NotFound(field="complaintId") from None
    upheld = await session.scalar(
        # system scope: whether any record, readable or not, already cites the complaint
        select(DisciplineRecord.id).where(DisciplineRecord.complaint_id == complaint.id)
    )
    if upheld is not None:
        raise Conflict("该反映已认定并登记", code="COMPLAINT_ALREADY_UPHELD", field="complaintId")
    # system scope: the complaint's inspection, read for its office and target only
    inspection = await session.get(Inspection, complaint.inspection_id)
    assert inspection is not None  # the foreign key holds it
    return await _record(
        session, actor, inspection, rule_id, respondent, facts, evidence, complaint=complaint
    )


async def _record(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    rule_id: str,
    respondent: str,
    facts: str,
    evidence: str,
    *,
    complaint: InspectorComplaint | None,
) -> DisciplineRecord:
    await require_in(
        session, actor, "create", DisciplineRecord, inspection.office_id, inspection.target_id
    )
    rule = await _rule(session, inspection.office_id, rule_id)
    if complaint is not None and rule.params.party is not OffenderParty.STAFF:
        raise ValidationFailed(
            "对巡视巡察工作人员的反映，须按工作人员违纪情形认定",
            code="DISCIPLINE_RULE_NOT_STAFF",
            field="ruleId",
        )
    source = RecordSource.OBSERVED if complaint is None else RecordSource.COMPLAINT
    inputs = validation.Inputs()
    entry = DisciplineRecord(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        rule_id=rule.id,
        article=rule.article,
        party=rule.params.party,
        conduct=rule.params.conduct,
        source=source,
        complaint_id=complaint and complaint.id,
        respondent=inputs.text(DisciplineRecord.respondent, respondent),
        facts=inputs.text(DisciplineRecord.facts, facts),
        evidence=inputs.text(DisciplineRecord.evidence, evidence),
    )
    inputs.done()
    session.add(entry)
    await session.flush()
    detail = {"rule": rule.id, "article": rule.article, "source": source.value}
    if complaint is not None:
        detail["complaint"] = global_id_of(complaint)
    await record(
        session,
        actor,
        "discipline.record",
        office_id=entry.office_id,
        object_id=global_id_of(entry),
        detail=detail,
    )
    return entry


async def _open(
    session: AsyncSession, actor: Actor, record_id: int, version: int | None
) -> DisciplineRecord:
    entry = await get_readable(session, actor, DisciplineRecord, record_id)
    await require(session, actor, "update", entry)
    expect_version(entry, version)
    if entry.archived_at is not None:
        raise Conflict("该违纪记录已归档", code="DISCIPLINE_RECORD_ARCHIVED", field="recordId")
    return entry


async def record_referral(
    session: AsyncSession,
    actor: Actor,
    *,
    record_id: int,
    referred_to: str,
    referred_on: date,
    version: int | None = None,
) -> DisciplineRecord:
    """Record the referral made: to whom (e.g. 纪检监察机关) and on which day (not a future one)."""
    entry = await _open(session, actor, record_id, version)
    inputs = validation.Inputs()
    to = inputs.text(DisciplineRecord.referred_to, referred_to, field="referredTo")
    inputs.date(referred_on, "referredOn")
    if referred_on > clock.today_in_china():
        inputs.add(
            ValidationFailed("移送日期不能晚于今天", code="DATE_IN_FUTURE", field="referredOn")
        )
    if to is None:
        inputs.add(ValidationFailed("须写明移送对象", code="REQUIRED", field="referredTo"))
    inputs.done()
    entry.referred_to, entry.referred_on = to, referred_on
    await session.flush()
    await record(
        session,
        actor,
        "discipline.referral",
        office_id=entry.office_id,
        object_id=global_id_of(entry),
        detail={"to": to, "on": referred_on.isoformat()},
    )
    return entry


async def archive_record(
    session: AsyncSession, actor: Actor, *, record_id: int, version: int | None = None
) -> DisciplineRecord:
    """Archive a record once handled: kept as evidence, gone from the current list."""
    entry = await _open(session, actor, record_id, version)
    entry.archived_at = clock.now()
    await session.flush()
    await record(
        session,
        actor,
        "discipline.archive",
        office_id=entry.office_id,
        object_id=global_id_of(entry),
    )
    return entry
