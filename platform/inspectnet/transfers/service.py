"""Transfers 移交: decided by the body the route names, shared with a receiving office on the
platform (or recorded for an outside body by name), signed for, and answered within the period
(nmg-2016 §23, §31–32, §38(3); qh-zrzyt §20–21)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.accounts import shares
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_body
from inspectnet.casework.models import Clue, ClueState, Finding
from inspectnet.casework.service import rule_named, ruleset_for
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.network.models import Office
from inspectnet.notifications.models import NotificationKind
from inspectnet.rules.deadlines import compute_deadline
from inspectnet.rules.format import HandlingOutcomeRule, TransferRouteRule
from inspectnet.rules.service import calendar_from_db
from inspectnet.transfers.models import Transfer, TransferFailure, TransferState

HANDLING_DEADLINE = "deadline.clue_handling_report"
# Until the leading group has heard the report the team is still at work: a transfer then is
# the on-site transfer of nmg-2016 §23, which only the leading group's approval allows.
AFTER_INSPECTION = frozenset({Stage.HEARD, Stage.FED_BACK, Stage.ARCHIVED})


async def transfer(
    session: AsyncSession,
    actor: Actor,
    *,
    route: str,
    receiver: str,
    reason: str,
    clue_id: int | None = None,
    finding_id: int | None = None,
    receiver_office_id: int | None = None,
    receiver_name: str | None = None,
) -> Transfer:
    """Transfer one clue or finding along a route, decided by the body the route names."""
    if (clue_id is None) == (finding_id is None):
        raise ValidationFailed("须指定一条线索或一个问题", code="REQUIRED", field="clueId")
    subject: Clue | Finding = (
        await get_readable(session, actor, Clue, clue_id)
        if clue_id is not None
        else await get_readable(session, actor, Finding, finding_id or 0)
    )
    if isinstance(subject, Clue) and subject.state is ClueState.MERGED:
        raise Conflict("线索已并入其他线索", code="CLUE_NOT_OPEN", field="clueId")
    ruleset = await ruleset_for(session, subject.office_id)
    rule = rule_named(
        ruleset,
        route,
        TransferRouteRule,
        code="TRANSFER_ROUTE_NOT_IN_RULESET",
        message="移交渠道须为本机构规定所列渠道",
        field="route",
    )
    inputs = validation.Inputs()
    stated = inputs.text(Transfer.reason, reason)
    if receiver not in {r.value for r in rule.params.receivers}:
        inputs.add(
            ValidationFailed(
                f"该渠道只移交{rule.params.receivers_zh}（{rule.article}）",
                code="TRANSFER_RECEIVER_NOT_ON_ROUTE",
                field="receiver",
            )
        )
    if (receiver_office_id is None) == (receiver_name is None):
        inputs.add(
            ValidationFailed(
                "须指定平台上的接收机构或平台外接收单位名称（二选一）",
                code="TRANSFER_RECEIVER_REQUIRED",
                field="receiverOfficeId",
            )
        )
    named = inputs.text(Transfer.receiver_name, receiver_name) if receiver_name else None
    inputs.done()
    # system scope: the subject was read through the door; its inspection's stage is part of it
    inspection = await session.get(Inspection, subject.inspection_id)
    if inspection is None:
        raise NotFound()
    if inspection.stage not in AFTER_INSPECTION and not rule.params.during_inspection:
        raise RuleViolation(
            "巡视期间移交问题线索须经领导小组批准，按该渠道不能在巡视期间移交（nmg-2016 §23）",
            code="TRANSFER_DURING_INSPECTION_UNAPPROVED",
            field="route",
            rule_id=rule.id,
            article="nmg-2016 §23",
        )
    if inspection.stage in AFTER_INSPECTION and rule.params.during_inspection:
        raise RuleViolation(
            f"该渠道仅用于巡视期间（{rule.article}）",
            code="TRANSFER_ROUTE_AFTER_INSPECTION",
            field="route",
            rule_id=rule.id,
            article=rule.article,
        )
    body = rule.params.decided_by.value
    await require_body(session, actor, body, subject.office_id, "transfer", Transfer)
    share_id = None
    if receiver_office_id is not None:
        # system scope: the receiving office is named, not read; its name is the receiver's
        office = await session.get(Office, receiver_office_id)
        if office is None:
            raise NotFound("接收机构不存在", code="OFFICE_NOT_FOUND", field="receiverOfficeId")
        named = office.name
        made = await shares.share(
            session,
            actor,
            model=type(subject),
            object_id=subject.id,
            office_id=receiver_office_id,
            reason=stated,
        )
        share_id = made.id
    row = Transfer(
        office_id=subject.office_id,
        inspection_id=subject.inspection_id,
        target_id=subject.target_id,
        clue_id=clue_id,
        finding_id=finding_id,
        route=rule.id,
        receiver_kind=receiver,
        receiver_office_id=receiver_office_id,
        receiver_name=named,
        reason=stated,
        decided_by=body,
        decided_by_user=actor.user_id,
        decided_at=clock.now(),
        share_id=share_id,
    )
    session.add(row)
    await session.flush()
    await audit(session, actor, "transfer.create", row, {"route": rule.id, "body": body})
    return row


def acts_for(row: Transfer, action: str) -> str:
    """A receiver on the platform acts itself; for an outside body the sending office records
    what the body did (``record``)."""
    return action if row.receiver_office_id is not None else "record"


async def _open(session: AsyncSession, actor: Actor, transfer_id: int, action: str) -> Transfer:
    row = await get_readable(session, actor, Transfer, transfer_id)
    await require(session, actor, acts_for(row, action), row)
    return row


async def sign_transfer(
    session: AsyncSession, actor: Actor, *, transfer_id: int, version: int | None = None
) -> Transfer:
    """The receiver signs for a transfer (签收): the handling report falls due from today."""
    row = await _open(session, actor, transfer_id, "sign")
    _expect(row, version, TransferState.SENT)
    now = clock.now()
    deadline = compute_deadline(
        await ruleset_for(session, row.office_id),
        HANDLING_DEADLINE,
        started_at=now,
        calendar=await calendar_from_db(session),
    )
    row.state, row.signed_at, row.signed_by = TransferState.SIGNED, now, actor.user_id
    row.due_on = deadline.due_on
    await session.flush()
    await audit(session, actor, "transfer.sign", row, {"due_on": str(row.due_on)})
    return row


async def report_handling(
    session: AsyncSession,
    actor: Actor,
    *,
    transfer_id: int,
    outcome: str,
    report: str,
    version: int | None = None,
) -> Transfer:
    """The receiver reports how it handled the transfer (办理情况反馈, nmg-2016 §32, qh-zrzyt
    §21); an answer after the due date is recorded as the failure of nmg-2016 §38(3)."""
    row = await _open(session, actor, transfer_id, "report")
    _expect(row, version, TransferState.SIGNED)
    ruleset = await ruleset_for(session, row.office_id)
    inputs = validation.Inputs()
    text = inputs.text(Transfer.report, report)
    try:
        rule_named(
            ruleset,
            outcome,
            HandlingOutcomeRule,
            code="HANDLING_OUTCOME_NOT_IN_RULESET",
            message="办理方式须为本机构规定所列方式",
            field="outcome",
        )
    except ValidationFailed as problem:
        inputs.add(problem)
    inputs.done()
    now = clock.now()
    row.state, row.outcome, row.report = TransferState.REPORTED, outcome, text
    row.reported_at, row.reported_by = now, actor.user_id
    if row.due_on is not None and clock.today_in_china() > row.due_on:
        row.failure = TransferFailure.LATE
    await session.flush()
    await audit(session, actor, "transfer.report", row, {"outcome": outcome})
    # 巡察办 proposes handling or accountability on the answer (qh-zrzyt §22): it is told.
    await shares.tell(
        session, actor, row.office_id, row, NotificationKind.TRANSFER_REPORTED, "移交办理情况已反馈"
    )
    return row


async def refuse_transfer(
    session: AsyncSession, actor: Actor, *, transfer_id: int, reason: str
) -> Transfer:
    """The receiver declines to take the transfer up: recorded as the failure "不受理" of
    nmg-2016 §38(3), for the sending office to pursue."""
    row = await _open(session, actor, transfer_id, "sign")
    _expect(row, None, TransferState.SENT)
    inputs = validation.Inputs()
    text = inputs.text(Transfer.report, reason, field="reason")
    inputs.done()
    row.state, row.report, row.failure = (
        TransferState.REFUSED,
        text,
        TransferFailure.NOT_ACCEPTED,
    )
    row.reported_at, row.reported_by = clock.now(), actor.user_id
    await session.flush()
    await audit(session, actor, "transfer.refuse", row, {})
    await shares.tell(
        session, actor, row.office_id, row, NotificationKind.TRANSFER_REPORTED, "移交未被受理"
    )
    return row


def _expect(row: Transfer, version: int | None, state: TransferState) -> None:
    expect_version(row, version)
    if row.state is not state:
        raise Conflict("移交当前状态不允许此操作", code="TRANSFER_STATE", field="transferId")


async def audit(
    session: AsyncSession, actor: Actor, action: str, row: Transfer, detail: dict[str, Any]
) -> None:
    # Both ends' auditors see what happened to a transfer, as for the share it rides on.
    for office in dict.fromkeys((row.office_id, row.receiver_office_id)):
        if office is not None:
            await record(
                session,
                actor,
                action,
                office_id=office,
                object_id=global_id_of(row),
                detail=detail,
            )
