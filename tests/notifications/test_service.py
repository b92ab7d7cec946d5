"""notify(): rows per recipient, their owner alone reads them, events only after the commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import events
from inspectnet.audit import refusals as audit_refusals
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import require
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.events import InProcessBus, LiveEvent
from inspectnet.ids import global_id
from inspectnet.notifications import repository, service
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.paging import PageArgs
from tests.notifications.conftest import Office3

TITLE = "请于本周五前报送材料"


@pytest.fixture
def bus() -> Iterator[InProcessBus]:
    bus = InProcessBus()
    events.install(bus)
    yield bus
    events.uninstall(bus)


def _as(policy: PolicyStore, account: Any) -> Actor:
    return Actor(
        username=account.username,
        policy=policy.compiled,
        user_id=account.id,
        home_office_id=account.office_id,
    )


async def _notify(
    session: Any, policy: PolicyStore, office3: Office3, recipients: list[int]
) -> list[Notification]:
    return await service.notify(
        session,
        Actor.system(policy.compiled),
        recipients=recipients,
        kind=NotificationKind.NOTICE,
        subject_id=global_id("Office", office3.office.id),
        office_id=office3.office.id,
        title=TITLE,
    )


def _drain(subscription: events.Subscription) -> list[LiveEvent]:
    found = []
    while not subscription.queue.empty():
        found.append(subscription.queue.get_nowait())
    return found


async def _count(db: Database) -> int:
    async with db.session() as session:
        # system scope: the test counts every row to prove nothing was written.
        return int(await session.scalar(select(func.count()).select_from(Notification)) or 0)


async def test_notify_raises_one_row_per_active_recipient_and_skips_unknown_ones(
    db: Database, policy: PolicyStore, office3: Office3
) -> None:
    async with db.transaction() as session:
        rows = await _notify(
            session,
            policy,
            office3,
            [office3.member.id, office3.member.id, 999_999, office3.admin.id],
        )
    assert sorted(r.recipient_user_id for r in rows) == sorted(
        [office3.member.id, office3.admin.id]
    )
    assert {(r.kind, r.title, r.office_id, r.read_at) for r in rows} == {
        (NotificationKind.NOTICE, TITLE, office3.office.id, None)
    }


async def test_notify_refuses_an_empty_title_and_writes_nothing(
    db: Database, policy: PolicyStore, office3: Office3
) -> None:
    before = await _count(db)
    async with db.session() as session, session.begin():
        with pytest.raises(ValidationFailed) as refused:
            await service.notify(
                session,
                Actor.system(policy.compiled),
                recipients=[office3.member.id],
                kind=NotificationKind.NOTICE,
                subject_id=None,
                office_id=office3.office.id,
                title="  ",
            )
    assert (refused.value.code, refused.value.field) == ("REQUIRED", "title")
    assert await _count(db) == before


async def test_a_user_reads_only_their_own_notifications(
    db: Database, policy: PolicyStore, office3: Office3
) -> None:
    async with db.transaction() as session:
        mine = await _notify(session, policy, office3, [office3.member.id])
        await _notify(session, policy, office3, [office3.other.id, office3.admin.id])
    async with db.session() as session:
        member = _as(policy, office3.member)
        rows, more = await repository.page_of(
            session, member, unread_only=False, page=PageArgs.parse(10, None, None, None)
        )
        assert [r.id for r in rows] == [mine[0].id] and more is False
        assert await repository.count(session, member, unread_only=False) == 1
        foreign = await repository.one_readable(session, member, mine[0].id + 1)
        assert foreign is None


async def test_marking_a_foreign_notification_is_not_found_and_marks_nothing(
    db: Database, policy: PolicyStore, office3: Office3
) -> None:
    async with db.transaction() as session:
        mine = await _notify(session, policy, office3, [office3.member.id])
        theirs = await _notify(session, policy, office3, [office3.other.id])
    member = _as(policy, office3.member)
    async with db.session() as session, session.begin():
        with pytest.raises(NotFound) as refused:
            await service.mark_read(
                session, member, ids=[mine[0].id, theirs[0].id], all_unread=False
            )
        assert refused.value.field == "ids"
        # The refused read waits for the audit outbox (written after the response).
        pending = audit_refusals.take(session, member)
    assert [p.draft.action for p in pending] == ["notification.read"]
    async with db.session() as session:
        # system scope: the test reads both rows to prove neither changed.
        read = (
            (
                await session.execute(
                    select(Notification.read_at).where(
                        Notification.id.in_([mine[0].id, theirs[0].id])
                    )
                )
            )
            .scalars()
            .all()
        )
    assert read == [None, None]


async def test_events_wait_for_the_outer_commit_not_a_savepoint_release(
    db: Database, policy: PolicyStore, office3: Office3, bus: InProcessBus
) -> None:
    async with bus.subscribe(office3.member.id, service.TOPIC) as heard, db.session() as session:
        async with session.begin():
            savepoint = await session.begin_nested()
            rows = await _notify(session, policy, office3, [office3.member.id])
            await savepoint.commit()
            assert _drain(heard) == []  # a released savepoint is not a commit
        assert _drain(heard) == [
            LiveEvent(
                service.TOPIC, rows[0].id, office3.member.id, global_id("Office", office3.office.id)
            )
        ]


async def test_events_of_a_rolled_back_savepoint_or_transaction_are_dropped(
    db: Database, policy: PolicyStore, office3: Office3, bus: InProcessBus
) -> None:
    async with bus.subscribe(office3.member.id, service.TOPIC) as heard:
        async with db.session() as session:
            async with session.begin():
                savepoint = await session.begin_nested()
                await _notify(session, policy, office3, [office3.member.id])
                await savepoint.rollback()
                kept = await _notify(session, policy, office3, [office3.member.id])
            assert [e.object_id for e in _drain(heard)] == [kept[0].id]
        async with db.session() as session:
            await session.begin()
            await _notify(session, policy, office3, [office3.member.id])
            await session.rollback()
        assert _drain(heard) == []


async def test_an_event_reaches_only_its_recipients_subscribers(
    db: Database, policy: PolicyStore, office3: Office3, bus: InProcessBus
) -> None:
    async with (
        bus.subscribe(office3.member.id, service.TOPIC) as member,
        bus.subscribe(office3.other.id, service.TOPIC) as other,
    ):
        async with db.transaction() as session:
            await _notify(session, policy, office3, [office3.member.id])
        assert len(_drain(member)) == 1
        assert _drain(other) == []
    assert bus.subscriber_count == 0


async def test_the_doors_require_hides_another_users_notification_as_not_found(
    db: Database, policy: PolicyStore, office3: Office3
) -> None:
    async with db.transaction() as session:
        [mine] = await _notify(session, policy, office3, [office3.member.id])
        [theirs] = await _notify(session, policy, office3, [office3.other.id])
    member = _as(policy, office3.member)
    async with db.session() as session:
        await require(session, member, "update", mine)
        with pytest.raises(NotFound):
            await require(session, member, "update", theirs)
        # The office admin's policy rows cover the office, not other accounts' own rows.
        with pytest.raises(NotFound):
            await require(session, _as(policy, office3.admin), "read", theirs)
    assert [(d.action, d.code) for d in member.denials] == [("update", "NOT_FOUND")]
