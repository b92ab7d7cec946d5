"""The team's work on site and up the line: the methods it used (nmg-2016 §20, qh-zrzyt §14),
another method only with the approval the ruleset names (自治区党委批准的其他方式,
nmg-2016 §20(13); 经领导小组批准的其他方式, qh-zrzyt §14(12)), and requests for instruction
请示报告 to the body the ruleset names, or in special cases directly where it allows
(nmg-2016 §22; qh-zrzyt §26 names no direct way), tracked with their due date and answer.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_body, require_in
from inspectnet.concurrency import transition
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import (
    ApprovalStatus,
    Inspection,
    InstructionRequest,
    SiteMethod,
    SiteMethodUse,
    Stage,
)
from inspectnet.inspections.stages import ruleset_of
from inspectnet.network.models import Office
from inspectnet.rules.format import ApprovalMatter, ApprovalRule, Ruleset


async def _ruleset(session: AsyncSession, inspection: Inspection) -> Ruleset:
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    return ruleset_of(office)


def _named(ruleset: Ruleset, matter: ApprovalMatter) -> ApprovalRule:
    rule = ruleset.approval(matter)
    if rule is None:  # tests/rules hold both rulesets to these rules
        raise RuleViolation(
            f"规则集 {ruleset.id} 未规定此事项的审批机构", code="RULE_NOT_IN_RULESET"
        )
    return rule


async def record_method(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    method: SiteMethod,
    used_on: date,
    note: str,
) -> SiteMethodUse:
    """Record a method used on site; another method waits for the named body's approval."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        SiteMethodUse,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    inputs = validation.Inputs()
    text = inputs.text(SiteMethodUse.note, note)
    inputs.date(used_on, "usedOn")
    if used_on > clock.today_in_china():
        inputs.add(ValidationFailed("使用日期不能晚于今天", code="DATE_IN_FUTURE", field="usedOn"))
    inputs.done()
    if inspection.stage is not Stage.ON_SITE:
        raise Conflict(
            "了解方式在现场巡视（巡察）期间使用和登记", code="NOT_ON_SITE", field="inspectionId"
        )
    use = SiteMethodUse(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        method=method,
        used_on=used_on,
        note=text,
        approval=ApprovalStatus.NOT_NEEDED,
    )
    if method is SiteMethod.OTHER:
        rule = _named(await _ruleset(session, inspection), ApprovalMatter.OTHER_SITE_METHOD)
        use.approval, use.decided_by = ApprovalStatus.PENDING, rule.params.decided_by
        use.rule_id, use.article = rule.id, rule.article
    session.add(use)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.method.record",
        office_id=use.office_id,
        object_id=global_id_of(use),
        detail={"method": method.value, "approval": use.approval.value},
    )
    return use


async def decide_method(
    session: AsyncSession, actor: Actor, *, use_id: int, approve: bool
) -> SiteMethodUse:
    """The named body approves or refuses another method (one decision stands)."""
    use = await get_readable(session, actor, SiteMethodUse, use_id)
    if use.decided_by is None:
        raise Conflict("该方式无需审批", code="APPROVAL_NOT_NEEDED", field="useId")
    await require_body(
        session, actor, use.decided_by.value, use.office_id, "approve", SiteMethodUse
    )
    outcome = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    await transition(
        session,
        SiteMethodUse,
        use.id,
        from_states=(ApprovalStatus.PENDING,),
        to_state=outcome,
        values={"approved_by": actor.user_id, "approved_at": clock.now()},
        state_column="approval",
    )
    await session.refresh(use)
    await record(
        session,
        actor,
        "inspection.method.decide",
        office_id=use.office_id,
        object_id=global_id_of(use),
        detail={"approval": outcome.value, "rule": use.rule_id, "article": use.article},
    )
    return use


async def raise_request(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    subject: str,
    content: str,
    due_on: date,
    direct: bool = False,
) -> InstructionRequest:
    """Ask for instruction up the line, by a due date: to the body the ruleset names, or
    directly where it allows it in special cases."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        InstructionRequest,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    ruleset = await _ruleset(session, inspection)
    inputs = validation.Inputs()
    title = inputs.text(InstructionRequest.subject, subject)
    text = inputs.text(InstructionRequest.content, content)
    inputs.date(due_on, "dueOn")
    if due_on < clock.today_in_china():
        inputs.add(ValidationFailed("答复期限不能早于今天", code="DUE_DATE_PAST", field="dueOn"))
    inputs.done()
    ordinary = _named(ruleset, ApprovalMatter.INSTRUCTION_REQUEST)
    rule = ruleset.approval(ApprovalMatter.DIRECT_REPORT) if direct else ordinary
    if rule is None:
        raise RuleViolation(
            f"本机构适用的规定未规定直接报告的途径，请示报告按规定报送（{ordinary.article}："
            f"{ordinary.quote}）",
            code="DIRECT_REPORT_NOT_ALLOWED",
            field="direct",
            rule_id=ordinary.id,
            article=ordinary.article,
        )
    if inspection.stage is Stage.ARCHIVED:
        raise Conflict("巡视（巡察）已归档", code="INSPECTION_ARCHIVED", field="inspectionId")
    request = InstructionRequest(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        direct=direct,
        addressee=rule.params.decided_by,
        rule_id=rule.id,
        article=rule.article,
        subject=title,
        content=text,
        due_on=due_on,
    )
    session.add(request)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.request.raise",
        office_id=request.office_id,
        object_id=global_id_of(request),
        detail={"addressee": rule.params.decided_by.value, "rule": rule.id, "direct": direct},
    )
    return request


async def answer_request(
    session: AsyncSession, actor: Actor, *, request_id: int, answer: str
) -> InstructionRequest:
    """The addressed body answers a request for instruction, dated today."""
    request = await get_readable(session, actor, InstructionRequest, request_id)
    await require_body(
        session, actor, request.addressee.value, request.office_id, "answer", InstructionRequest
    )
    inputs = validation.Inputs()
    text = inputs.text(InstructionRequest.answer, answer)
    inputs.done()
    if text is None:
        raise ValidationFailed("答复内容不能为空", code="REQUIRED", field="answer")
    if request.answered_on is not None:
        raise Conflict("该请示已答复", code="REQUEST_ANSWERED", field="requestId")
    request.answer, request.answered_on = text, clock.today_in_china()
    request.answered_by = actor.user_id
    await session.flush()
    await record(
        session,
        actor,
        "inspection.request.answer",
        office_id=request.office_id,
        object_id=global_id_of(request),
    )
    return request
