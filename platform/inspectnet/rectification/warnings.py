"""Warnings that escalate (三色预警): per item and per duty, run by the duties sweep.

Colours: green while more than ``yellow_days`` are left, yellow from then to the due day, red
once overdue. Each step up notifies the next link of the chain once:

====== ============================================== ===========================
level  when                                           who (item / duty)
====== ============================================== ===========================
1      yellow                                         the owner / the principal
2      red (overdue)                                  the supervising leader / the principal
3      overdue ``principal_after_days`` or more       the principal
4      overdue ``office_after_days`` or more          the inspecting office's admins
====== ============================================== ===========================

The seeds set none of these numbers: the inspecting office sets them (RectificationSetting);
without a row ``DEFAULT`` applies (docs/rectification.md). The sweep moves ``escalated`` by one
conditional UPDATE per row, so of several sweeps at once exactly one notifies each step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.authz.scopes import readable
from inspectnet.errors import ValidationFailed
from inspectnet.filings.notices import holders
from inspectnet.ids import global_id, global_id_of
from inspectnet.network.models import Office
from inspectnet.notifications.models import NotificationKind
from inspectnet.notifications.service import notify
from inspectnet.rectification.models import (
    Feedback,
    ItemState,
    RectificationDuty,
    RectificationItem,
    RectificationSetting,
)
from inspectnet.rules.deadlines import Colour

MAX_DAYS = 366


class Level(IntEnum):
    NONE = 0
    OWNER = 1
    SUPERVISOR = 2
    PRINCIPAL = 3
    OFFICE = 4


@dataclass(frozen=True)
class Thresholds:
    yellow_days: int
    principal_after_days: int
    office_after_days: int


# A week's notice, then the principal after a working week overdue and the office after two.
DEFAULT = Thresholds(yellow_days=7, principal_after_days=5, office_after_days=10)


def colour_of(due_on: date, today: date, thresholds: Thresholds) -> Colour:
    """Green, yellow (at most ``yellow_days`` left, the due day included) or red (overdue)."""
    left = (due_on - today).days
    if left < 0:
        return Colour.RED
    return Colour.YELLOW if left <= thresholds.yellow_days else Colour.GREEN


def level_of(due_on: date, today: date, thresholds: Thresholds) -> Level:
    """How far up the chain a row due on ``due_on`` is warned today."""
    overdue = (today - due_on).days
    if overdue >= thresholds.office_after_days:
        return Level.OFFICE
    if overdue >= thresholds.principal_after_days:
        return Level.PRINCIPAL
    if overdue > 0:
        return Level.SUPERVISOR
    return Level.OWNER if -overdue <= thresholds.yellow_days else Level.NONE


async def thresholds_of(session: AsyncSession, office_ids: Iterable[int]) -> dict[int, Thresholds]:
    """The thresholds in force for each office: its setting or the default."""
    wanted = set(office_ids)
    # system scope: the sweep and the colours read the settings of the offices they warn for
    statement = select(RectificationSetting).where(RectificationSetting.office_id.in_(wanted))
    found = {
        s.office_id: Thresholds(s.yellow_days, s.principal_after_days, s.office_after_days)
        for s in (await session.execute(statement)).scalars()
    }
    return {office: found.get(office, DEFAULT) for office in wanted}


async def set_thresholds(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    yellow_days: int,
    principal_after_days: int,
    office_after_days: int,
) -> RectificationSetting:
    """Set the office's rectification warning thresholds."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "update", RectificationSetting, office.id)
    inputs = validation.Inputs()
    for value, field in (
        (yellow_days, "yellowDays"),
        (principal_after_days, "principalAfterDays"),
        (office_after_days, "officeAfterDays"),
    ):
        if not 1 <= value <= MAX_DAYS:
            inputs.add(
                ValidationFailed(f"天数应为1到{MAX_DAYS}天", code="OUT_OF_RANGE", field=field)
            )
    if office_after_days < principal_after_days:
        inputs.add(
            ValidationFailed(
                "报巡视巡察机构的天数不能少于报主要负责人的天数",
                code="OUT_OF_RANGE",
                field="officeAfterDays",
            )
        )
    inputs.done()
    setting = await session.scalar(
        readable(actor, RectificationSetting).where(RectificationSetting.office_id == office.id)
    )
    if setting is None:
        setting = RectificationSetting(office_id=office.id)
        session.add(setting)
    setting.yellow_days = yellow_days
    setting.principal_after_days = principal_after_days
    setting.office_after_days = office_after_days
    await session.flush()
    await record(
        session,
        actor,
        "rectification.thresholds",
        office_id=office.id,
        object_id=global_id_of(setting),
        detail={
            "yellow_days": yellow_days,
            "principal_after_days": principal_after_days,
            "office_after_days": office_after_days,
        },
    )
    return setting


async def _moved(session: AsyncSession, model: type, pk: int, old: int, new: int) -> bool:
    won = await session.execute(
        update(model)
        .where(model.id == pk, model.escalated == old)  # type: ignore[attr-defined]
        .values(escalated=new)
        .returning(model.id)  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    )
    return won.scalar_one_or_none() is not None


async def escalate(session: AsyncSession, actor: Actor, today: date | None = None) -> int:
    """Warn every open item and unmet duty that moved up a level; the notifications sent."""
    today = today or clock.today_in_china()
    horizon = today + timedelta(days=MAX_DAYS)
    items = (
        await session.execute(
            # system scope: the sweep acts for the platform over every office's items
            select(RectificationItem, Feedback.principal_user_id)
            .join(Feedback, Feedback.inspection_id == RectificationItem.inspection_id)
            .where(
                RectificationItem.state == ItemState.OPEN,
                RectificationItem.escalated < Level.OFFICE,
                RectificationItem.due_on <= horizon,
            )
            .order_by(RectificationItem.id)
            # the levels as stored now, not as an earlier read in this session left them
            .execution_options(populate_existing=True)
        )
    ).all()
    duties = (
        await session.execute(
            # system scope: the sweep acts for the platform over every office's duties
            select(RectificationDuty, Feedback.principal_user_id)
            .join(Feedback, Feedback.id == RectificationDuty.feedback_id)
            .where(
                RectificationDuty.met_on.is_(None),
                RectificationDuty.escalated < Level.OFFICE,
                RectificationDuty.due_on <= horizon,
            )
            .order_by(RectificationDuty.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    offices = {row.office_id for row, _ in [*items, *duties]}
    thresholds = await thresholds_of(session, offices)
    sent = 0
    for item, principal in items:
        chain = {
            Level.OWNER: [item.owner_user_id],
            Level.SUPERVISOR: [item.supervisor_user_id],
            Level.PRINCIPAL: [principal],
        }
        title = f"整改事项：{item.measure}"
        sent += await _step(session, actor, item, chain, title, today, thresholds[item.office_id])
    for duty, principal in duties:
        # The target's party organisation owes its duties: its principal answers for them.
        chain = {Level.OWNER: [principal], Level.SUPERVISOR: [principal]}
        title = f"整改期限：{duty.name}"
        sent += await _step(session, actor, duty, chain, title, today, thresholds[duty.office_id])
    return sent


async def _step(
    session: AsyncSession,
    actor: Actor,
    row: RectificationItem | RectificationDuty,
    chain: dict[Level, list[int | None]],
    title: str,
    today: date,
    thresholds: Thresholds,
) -> int:
    old, new = row.escalated, level_of(row.due_on, today, thresholds)
    if new <= old or not await _moved(session, type(row), row.id, old, new):
        return 0
    # Every link the step passed is told once, of the row's colour now: a row found overdue
    # at once tells its owner it is overdue, not that it is due soon.
    recipients: list[int] = []
    for level in map(Level, range(old + 1, new + 1)):
        if level is Level.OFFICE:
            wanted = await holders(session, actor, row.office_id, "rectification_item", "close")
        else:
            wanted = [u for u in chain.get(level, []) if u is not None]
        recipients.extend(u for u in wanted if u not in recipients)
    if not recipients:
        return 0
    overdue = new >= Level.SUPERVISOR
    notified = await notify(
        session,
        actor,
        recipients=recipients,
        kind=NotificationKind.RECTIFICATION_OVERDUE
        if overdue
        else NotificationKind.RECTIFICATION_DUE_SOON,
        subject_id=global_id(type(row).__name__, row.id),
        office_id=row.office_id,
        title=(("【逾期】" if overdue else "【临期】") + title)[:200],
    )
    return len(notified)
