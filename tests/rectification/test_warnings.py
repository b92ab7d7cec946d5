"""Warnings that escalate (三色预警): colours and levels from the office's thresholds (defaults
where it set none), each link of the chain told once, duties warned like items."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import Forbidden, NotFound, ValidationFailed
from inspectnet.ids import global_id
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.rectification import warnings
from inspectnet.rectification.models import RectificationDuty, RectificationSetting
from inspectnet.rectification.warnings import DEFAULT, Level, Thresholds, colour_of, level_of
from inspectnet.rules.deadlines import Colour
from tests.accounts.factories import make_user
from tests.filings.factories import actor_of
from tests.rectification.factories import make_fed_back_inspection, make_items

DUE = date(2026, 12, 20)


@pytest.mark.parametrize(
    ("today", "colour", "level"),
    [
        (date(2026, 12, 12), Colour.GREEN, Level.NONE),  # 8 days left
        (date(2026, 12, 13), Colour.YELLOW, Level.OWNER),  # 7 left: yellow
        (date(2026, 12, 20), Colour.YELLOW, Level.OWNER),  # the due day itself
        (date(2026, 12, 21), Colour.RED, Level.SUPERVISOR),  # 1 day overdue
        (date(2026, 12, 25), Colour.RED, Level.PRINCIPAL),  # 5 overdue
        (date(2026, 12, 30), Colour.RED, Level.OFFICE),  # 10 overdue
    ],
)
def test_colour_and_level_by_the_default_thresholds(
    today: date, colour: Colour, level: Level
) -> None:
    assert (colour_of(DUE, today, DEFAULT), level_of(DUE, today, DEFAULT)) == (colour, level)


async def _told(session: Any, user_id: int) -> list[tuple[NotificationKind, str | None]]:
    rows = await session.execute(
        select(Notification.kind, Notification.subject_id)
        .where(Notification.recipient_user_id == user_id)
        .order_by(Notification.id)
    )
    return [tuple(r) for r in rows]


async def test_the_office_sets_its_thresholds_and_the_chain_climbs_one_link_at_a_time(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case, feedback = await make_fed_back_inspection(session, root, problems=["问题一"])
    owner = await make_user(session, root, case.office, Role.OFFICE_MEMBER)
    supervisor = await make_user(session, root, case.office, Role.OFFICE_MEMBER)
    side = await actor_of(session, policy, case.target_user)
    (item,) = await make_items(
        session,
        side,
        feedback,
        due_on=DUE,
        owner_user_id=owner.id,
        supervisor_user_id=supervisor.id,
    )
    admin = await actor_of(session, policy, case.admin)

    # Bad thresholds: every field at once, nothing stored; a member may set none, and the
    # target's account does not even see the office
    with pytest.raises(ValidationFailed) as bad:
        await warnings.set_thresholds(
            session,
            admin,
            office_id=case.office.id,
            yellow_days=0,
            principal_after_days=9,
            office_after_days=3,
        )
    assert sorted((p.code, p.field) for p in bad.value.errors) == [
        ("OUT_OF_RANGE", "officeAfterDays"),
        ("OUT_OF_RANGE", "yellowDays"),
    ]
    member = await actor_of(session, policy, case.results_member)
    for refused, error in ((member, Forbidden), (side, NotFound)):
        with pytest.raises(error):
            await warnings.set_thresholds(
                session,
                refused,
                office_id=case.office.id,
                yellow_days=3,
                principal_after_days=2,
                office_after_days=4,
            )
    assert (await session.execute(select(RectificationSetting))).first() is None
    await warnings.set_thresholds(
        session,
        admin,
        office_id=case.office.id,
        yellow_days=3,
        principal_after_days=2,
        office_after_days=4,
    )
    assert (await warnings.thresholds_of(session, [case.office.id]))[case.office.id] == Thresholds(
        3, 2, 4
    )

    sweeper = Actor.system((await policy.reload(session)).compiled, name="sweep")
    subject = global_id("RectificationItem", item.id)
    # 4 days left: green under the office's 3 (yellow under the default 7): nobody told
    assert await warnings.escalate(session, sweeper, date(2026, 12, 16)) == 0
    # 3 left: yellow, the owner is told it is due soon
    assert await warnings.escalate(session, sweeper, date(2026, 12, 17)) == 1
    assert await _told(session, owner.id) == [(NotificationKind.RECTIFICATION_DUE_SOON, subject)]
    # overdue: the supervising leader; 2 overdue: the principal; 4: the office
    for today, account in (
        (date(2026, 12, 21), supervisor),
        (date(2026, 12, 22), case.target_user),
        (date(2026, 12, 24), case.admin),
    ):
        assert await warnings.escalate(session, sweeper, today) == 1
        assert await _told(session, account.id) == [
            (NotificationKind.RECTIFICATION_OVERDUE, subject)
        ], account.username
    assert await warnings.escalate(session, sweeper, date(2026, 12, 31)) == 0
    assert await _told(session, owner.id) == [(NotificationKind.RECTIFICATION_DUE_SOON, subject)]

    # The report duty (due 2027-01-25) is warned to the principal, then the office
    duty = (await session.execute(select(RectificationDuty))).scalar_one()
    assert await warnings.escalate(session, sweeper, date(2027, 1, 26)) == 1
    assert (await _told(session, case.target_user.id))[-1] == (
        NotificationKind.RECTIFICATION_OVERDUE,
        global_id("RectificationDuty", duty.id),
    )
    assert await warnings.escalate(session, sweeper, date(2027, 1, 29)) == 1
    assert (await _told(session, case.admin.id))[-1][1] == global_id("RectificationDuty", duty.id)
