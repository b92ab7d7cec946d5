"""On a transfer's answer (qh-zrzyt §22): 巡察办根据反馈情况提出处理意见或者问责意见，报厅党组讨论决定.

The sending office's admin (巡察办) submits the opinion once the receiver has answered (or
declined: 不受理 calls for accountability as much as a late answer); the body that the
ruleset's ``decision.transfer_answer`` rule names (厅党组) decides it, checked through
``require_body``. A ruleset without that rule (nmg-2016 names no such step: the answer goes to
the regional office, §32) refuses both, citing nothing it does not have.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_body
from inspectnet.casework.service import ruleset_for
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.rules.format import DecisionRule, Ruleset
from inspectnet.transfers.models import OpinionKind, Transfer, TransferState
from inspectnet.transfers.service import audit

RULE = "decision.transfer_answer"
ANSWERED = frozenset({TransferState.REPORTED, TransferState.REFUSED})


def opinion_rule(ruleset: Ruleset) -> DecisionRule:
    """The rule naming who decides on an answer; refused where the ruleset has none."""
    rule = ruleset.find(RULE)
    if not isinstance(rule, DecisionRule):
        raise RuleViolation(
            f"规则集 {ruleset.id} 未规定对移交办理情况提出处理意见并报决定的程序",
            code="TRANSFER_OPINION_NOT_IN_RULESET",
            field="transferId",
        )
    return rule


async def submit_opinion(
    session: AsyncSession,
    actor: Actor,
    *,
    transfer_id: int,
    kind: OpinionKind,
    opinion: str,
    version: int | None = None,
) -> Transfer:
    """巡察办 proposes handling or accountability on the answer, for the named body to decide."""
    row = await get_readable(session, actor, Transfer, transfer_id)
    await require(session, actor, "submit_opinion", row)
    expect_version(row, version)
    rule = opinion_rule(await ruleset_for(session, row.office_id))
    if row.state not in ANSWERED:
        raise RuleViolation(
            f"须在接收单位反馈办理情况后提出处理意见（{rule.article}）",
            code="TRANSFER_NOT_ANSWERED",
            field="transferId",
            rule_id=rule.id,
            article=rule.article,
        )
    if row.opinion_at is not None:
        raise Conflict(
            "已提出处理意见", code="TRANSFER_OPINION_ALREADY_SUBMITTED", field="transferId"
        )
    inputs = validation.Inputs()
    text = inputs.text(Transfer.opinion, opinion, field="opinion")
    if text is None:
        inputs.add(ValidationFailed("须写明处理意见或者问责意见", code="REQUIRED", field="opinion"))
    inputs.done()
    row.opinion_kind, row.opinion = kind, text
    row.opinion_at, row.opinion_by = clock.now(), actor.user_id
    row.opinion_rule, row.opinion_article = rule.id, rule.article
    await session.flush()
    await audit(session, actor, "transfer.opinion.submit", row, {"kind": kind.value})
    return row


async def decide_opinion(
    session: AsyncSession,
    actor: Actor,
    *,
    transfer_id: int,
    decision: str,
    version: int | None = None,
) -> Transfer:
    """The body the rule names (厅党组) decides on the submitted opinion (讨论决定)."""
    row = await get_readable(session, actor, Transfer, transfer_id)
    rule = opinion_rule(await ruleset_for(session, row.office_id))
    body = rule.params.decided_by.value
    await require_body(session, actor, body, row.office_id, "decide", Transfer)
    expect_version(row, version)
    if row.opinion_at is None:
        raise RuleViolation(
            f"巡察办尚未提出处理意见，无从决定（{rule.article}）",
            code="TRANSFER_OPINION_MISSING",
            field="transferId",
            rule_id=rule.id,
            article=rule.article,
        )
    if row.opinion_decided_at is not None:
        raise Conflict("已作出决定", code="DECISION_ALREADY_RECORDED", field="transferId")
    inputs = validation.Inputs()
    text = inputs.text(Transfer.opinion_decision, decision, field="decision")
    if text is None:
        inputs.add(ValidationFailed("须写明决定内容", code="REQUIRED", field="decision"))
    inputs.done()
    row.opinion_decision, row.opinion_decided_as = text, body
    row.opinion_decided_by, row.opinion_decided_at = actor.user_id, clock.now()
    await session.flush()
    await audit(session, actor, "transfer.opinion.decide", row, {"body": body, "rule": rule.id})
    return row
