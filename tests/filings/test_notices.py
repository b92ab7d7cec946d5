"""Notifications for filings: the deciders hear of a filing, the filer of its decision, and the
duties sweep warns of due items turning yellow and red, once each."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet import events
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import ValidationFailed
from inspectnet.filings import duties
from inspectnet.filings import service as filings
from inspectnet.filings.models import Decision, Filing, FilingState
from inspectnet.ids import global_id
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from tests.factories import make_user
from tests.filings.factories import APPROVAL, actor_of, make_filing_line


async def _received(session: Any, since: int) -> list[tuple[int, NotificationKind, str]]:
    """(recipient, kind, title) of the notifications raised since ``since``, in order."""
    rows = await session.execute(
        select(Notification.recipient_user_id, Notification.kind, Notification.title)
        .where(Notification.id > since)
        .order_by(Notification.id)
    )
    return [tuple(row) for row in rows.all()]


async def _last_id(session: Any) -> int:
    return int(await session.scalar(select(Notification.id).order_by(Notification.id.desc())) or 0)


async def _warned(session: Any, filing_id: int) -> str | None:
    """How far the sweep has warned of the item (None: not at all)."""
    return await session.scalar(  # type: ignore[no-any-return]
        select(Filing.warned)
        .where(Filing.id == filing_id)
        .execution_options(populate_existing=True)
    )


def _live(session: Any) -> list[events.LiveEvent]:
    """The live events waiting for the test's transaction to commit."""
    return [event for _, event in session.sync_session.info.get(events._PENDING, [])]


async def test_the_group_hears_of_a_filing_and_the_filer_of_its_return_and_approval(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    group = await actor_of(session, policy, line.group_member)
    plan = await planning.create_plan(
        session,
        dnr,
        office_id=line.dnr.id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    start = await _last_id(session)

    # when the DNR files for approval: the provincial leading group's members hear of it,
    # not the provincial office's admin (the group decides, qh-zrzyt §3)
    first = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    first_id = first.id
    submitted = await _received(session, start)
    assert (
        line.group_member.id,
        NotificationKind.FILING_SUBMITTED,
        "收到报送：2027年度巡察工作计划",
    ) in (submitted)
    assert {r for r, _, _ in submitted}.isdisjoint({line.province_admin.id, line.dnr_admin.id})
    assert {k for _, k, _ in submitted} == {NotificationKind.FILING_SUBMITTED}

    # when the group returns it with a reason: the DNR's admin hears, by the filing's id
    mark = await _last_id(session)
    await filings.decide(
        session, group, filing_id=first_id, decision=Decision.RETURN, reason="请明确分工"
    )
    returned = await _received(session, mark)
    assert (
        line.dnr_admin.id,
        NotificationKind.FILING_RETURNED,
        "报送被退回：2027年度巡察工作计划",
    ) in (returned)
    assert line.group_member.id not in {r for r, _, _ in returned}
    row = await session.scalar(
        select(Notification).where(
            Notification.id > mark, Notification.recipient_user_id == line.dnr_admin.id
        )
    )
    assert (row.subject_id, row.office_id) == (global_id("Filing", first_id), line.dnr.id)
    # and it goes out live to the subscriber when the unit commits
    assert any(
        e.topic == "notification"
        and e.object_id == row.id
        and e.recipient_user_id == row.recipient_user_id
        for e in _live(session)
    )

    # when refiled and approved: submitted again, then decided
    await planning.set_item(
        session, dnr, plan_id=plan.id, target_id=line.target.id, mode="mode.regular", leader="韩明"
    )
    mark = await _last_id(session)
    second = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    await filings.decide(session, group, filing_id=second.id, decision=Decision.APPROVE)
    kinds = [(r, k) for r, k, _ in await _received(session, mark)]
    assert (line.group_member.id, NotificationKind.FILING_SUBMITTED) in kinds
    assert (line.dnr_admin.id, NotificationKind.FILING_DECIDED) in kinds
    assert kinds.index((line.group_member.id, NotificationKind.FILING_SUBMITTED)) < kinds.index(
        (line.dnr_admin.id, NotificationKind.FILING_DECIDED)
    )


async def test_a_refused_decision_notifies_nobody(system: Any, policy: PolicyStore) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    group = await actor_of(session, policy, line.group_member)
    plan = await planning.create_plan(
        session,
        dnr,
        office_id=line.dnr.id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    filing = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    mark = await _last_id(session)
    with pytest.raises(ValidationFailed) as refused:
        await filings.decide(session, group, filing_id=filing.id, decision=Decision.RETURN)
    assert refused.value.code == "REASON_REQUIRED"
    assert await _received(session, mark) == []


TODAY = date(2027, 1, 2)  # 2026 Q4 has ended: its items fall due, still green


async def test_the_sweep_warns_due_soon_then_overdue_once_each(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    admin = await make_user(session, root, dnr)
    await actor_of(session, policy, admin)  # the grant in force for the sweep's policy
    root = Actor.system(policy.compiled, name="sweep")
    await duties.sweep(session, root, today=TODAY)
    item = (
        await session.execute(
            select(Filing).where(
                Filing.office_id == dnr.id,
                Filing.state == FilingState.DUE,
                Filing.title.like("%2026年第4季度%"),
            )
        )
    ).scalar_one()
    due_on, warn_on, item_id = item.due_on, item.warn_on, item.id
    assert due_on is not None and warn_on is not None

    def mine(found: list[tuple[int, NotificationKind, str]]) -> list[NotificationKind]:
        return [k for r, k, t in found if r == admin.id and "2026年第4季度" in t]

    # green: nothing
    mark = await _last_id(session)
    await duties.sweep(session, root, today=warn_on - timedelta(days=1))
    assert mine(await _received(session, mark)) == []
    assert await _warned(session, item_id) is None  # (the demo's superiors may warn earlier)
    # yellow: warned once, however many sweeps
    mark = await _last_id(session)
    first = await duties.sweep(session, root, today=warn_on)
    again = await duties.sweep(session, root, today=warn_on)
    assert mine(await _received(session, mark)) == [NotificationKind.FILING_DUE_SOON]
    assert first.due_soon >= 1 and again.due_soon == 0
    assert await _warned(session, item_id) == "due_soon"
    # red: warned once more
    mark = await _last_id(session)
    late = await duties.sweep(session, root, today=due_on + timedelta(days=1))
    await duties.sweep(session, root, today=due_on + timedelta(days=2))
    assert mine(await _received(session, mark)) == [NotificationKind.FILING_OVERDUE]
    assert late.overdue >= 1
    row = await session.scalar(
        select(Notification).where(
            Notification.id > mark, Notification.recipient_user_id == admin.id
        )
    )
    assert (row.subject_id, row.title) == (
        global_id("Filing", item_id),
        "报送逾期：巡察工作信息数据定期报送（2026年第4季度）",
    )
