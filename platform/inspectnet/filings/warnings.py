"""Deadlines of due items as offices set them: yellow thresholds and overrides (三色预警).

The seeds give no warning thresholds, so they are office settings, not rules: the office a duty
is filed to sets, per duty, how many days before the deadline its inbox turns an item yellow.
Without a setting, ``DEFAULT_YELLOW_DAYS`` applies (documented in docs/filings.md). Red is
always "past the deadline".

The seeds give the periodic duties no deadline either (qh-zrzyt §8(6) 定期报送, nmg-2016 §16),
so the deadline the sweep computes is itself a default: the filing office may override it, with
a reason. The computed date and the reason stay on the item, shown to the superior beside the
new date. A deadline an article fixes without 一般 / 原则上 cannot be overridden.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.authz.scopes import readable
from inspectnet.concurrency import transition
from inspectnet.errors import RuleViolation, ValidationFailed
from inspectnet.filings.models import Filing, FilingState, FilingWarningSetting
from inspectnet.ids import global_id, global_id_of
from inspectnet.network.models import Office
from inspectnet.rules.format import FilingDutyRule
from inspectnet.rules.registry import registry

DEFAULT_YELLOW_DAYS = 5  # a quarterly report warned a working week ahead
MAX_YELLOW_DAYS = 366


def _periodic_duty(rule_id: str) -> FilingDutyRule | None:
    """The periodic duty with this id in any ruleset in force (their deadlines are defaults)."""
    for ruleset in registry().all():
        for rule in ruleset.of_type(FilingDutyRule):
            if rule.id == rule_id and rule.params.periodic:
                return rule
    return None


async def yellow_days(
    session: AsyncSession, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """The threshold in force for each (office filed to, duty): its setting or the default."""
    wanted = set(pairs)
    if not wanted:
        return {}
    offices = {office for office, _ in wanted}
    # system scope: the sweep reads the settings of every office it makes due items for
    statement = select(FilingWarningSetting).where(FilingWarningSetting.office_id.in_(offices))
    found = {
        (s.office_id, s.rule_id): s.yellow_days
        for s in (await session.execute(statement)).scalars()
    }
    return {pair: found.get(pair, DEFAULT_YELLOW_DAYS) for pair in wanted}


async def set_yellow_days(
    session: AsyncSession, actor: Actor, *, office_id: int, rule_id: str, days: int
) -> FilingWarningSetting:
    """Set how many days before its deadline a duty filed to the office turns yellow."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "update", FilingWarningSetting, office.id)
    inputs = validation.Inputs()
    if _periodic_duty(rule_id) is None:
        inputs.add(ValidationFailed("没有此定期报送事项", code="RULE_NOT_PERIODIC", field="ruleId"))
    if not 1 <= days <= MAX_YELLOW_DAYS:
        inputs.add(
            ValidationFailed(
                f"预警天数应为1到{MAX_YELLOW_DAYS}天", code="OUT_OF_RANGE", field="yellowDays"
            )
        )
    inputs.done()
    setting = await session.scalar(
        readable(actor, FilingWarningSetting).where(
            FilingWarningSetting.office_id == office.id, FilingWarningSetting.rule_id == rule_id
        )
    )
    if setting is None:
        setting = FilingWarningSetting(office_id=office.id, rule_id=rule_id, yellow_days=days)
        session.add(setting)
    else:
        setting.yellow_days = days
    # The items still due take the new threshold at once.
    due = readable(actor, Filing).where(
        Filing.to_office_id == office.id,
        Filing.rule_id == rule_id,
        Filing.state == FilingState.DUE,
        Filing.due_on.is_not(None),
    )
    for filing in (await session.execute(due)).scalars():
        filing.warn_on = filing.due_on - timedelta(days=days)  # type: ignore[operator]
    await session.flush()
    await record(
        session,
        actor,
        "filing.warning.set",
        office_id=office.id,
        object_id=global_id_of(setting),
        detail={"rule": rule_id, "yellow_days": days},
    )
    return setting


async def settings_of(
    session: AsyncSession, actor: Actor, office_id: int
) -> list[FilingWarningSetting]:
    """The office's thresholds that differ from the default, by duty."""
    office = await get_readable(session, actor, Office, office_id)
    statement = (
        readable(actor, FilingWarningSetting)
        .where(FilingWarningSetting.office_id == office.id)
        .order_by(FilingWarningSetting.rule_id)
    )
    return list((await session.execute(statement)).scalars())


async def override_deadline(
    session: AsyncSession, actor: Actor, *, filing_id: int, due_on: date, reason: str
) -> Filing:
    """Move a due item's deadline, with the reason; the computed date is kept beside it."""
    filing = await get_readable(session, actor, Filing, filing_id)
    await require(session, actor, "override_deadline", filing)
    duty = _periodic_duty(filing.rule_id)
    if duty is None or filing.due_on is None:
        raise RuleViolation("该期限由规定确定，不能调整", code="DEADLINE_FIXED", field="filingId")
    inputs = validation.Inputs()
    text = inputs.text(Filing.override_reason, reason, field="reason")
    if not text:
        inputs.add(ValidationFailed("调整期限必须说明理由", code="REQUIRED", field="reason"))
    inputs.date(due_on, "dueOn")
    if due_on < clock.today_in_china():
        inputs.add(ValidationFailed("新期限不能早于今天", code="DATE_IN_PAST", field="dueOn"))
    inputs.done()
    (days,) = (await yellow_days(session, [(filing.to_office_id, filing.rule_id)])).values()
    computed = filing.computed_due_on or filing.due_on
    office_id, before = filing.office_id, filing.due_on
    # Only a still-due item moves; one filed meanwhile is CONFLICT. Warnings start over.
    await transition(
        session,
        Filing,
        filing.id,
        from_states=[FilingState.DUE],
        to_state=FilingState.DUE,
        values={
            "due_on": due_on,
            "warn_on": due_on - timedelta(days=days),
            "computed_due_on": computed,
            "override_reason": text,
            "warned": None,
        },
    )
    await record(
        session,
        actor,
        "filing.deadline.override",
        office_id=office_id,
        object_id=global_id("Filing", filing_id),
        detail={"from": before.isoformat(), "to": due_on.isoformat(), "reason": text},
    )
    return await get_readable(session, actor, Filing, filing_id)
