"""Two duties sweeps at once on PostgreSQL (two replicas' CronJobs overlapping): every due item
and every warning is made once, whichever sweep commits first."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import domains
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.filings import duties
from inspectnet.filings.models import Filing
from inspectnet.notifications.models import Notification, NotificationKind
from tests.factories import build_in, make_filing_line, make_region, make_user
from tests.reliability.conftest import LiveDatabase

TODAY = date(2027, 2, 10)  # 2026 Q4's items fall due and are already overdue


async def _filers(session: AsyncSession, actor: Actor) -> int:
    """Two leagues owing liaison reports and a department owing periodic data, each with an
    admin to warn: how many items fall due."""
    region = await make_region(session, actor, subordinates=2)
    for league in region.subordinates:
        await make_user(session, actor, league)
    await make_filing_line(session, actor)
    return len(region.subordinates) + 1


async def test_two_sweeps_at_once_create_and_warn_each_item_once(
    migrated_pg: LiveDatabase,
) -> None:
    settings = migrated_pg.settings
    items = await build_in(settings, _filers)
    first_db, second_db = Database(make_engine(settings)), Database(make_engine(settings))
    try:
        store = domains.policy_store(settings.policy_dir)
        async with first_db.session() as session:
            await store.reload(session)
        actor = Actor.system(store.compiled, name="sweep")

        # given one sweep that has done its work but not committed yet
        async with first_db.transaction(write=True) as first:
            won = await duties.sweep(first, actor, today=TODAY)

            # when a second sweep, on its own connection, starts meanwhile
            async def second_sweep() -> duties.Swept:
                async with second_db.transaction(write=True) as second:
                    return await duties.sweep(second, actor, today=TODAY)

            racing = asyncio.create_task(second_sweep())
            await asyncio.sleep(1.0)
            # it waits on the first's uncommitted rows rather than making its own
            assert not racing.done()
        lost = await racing

        # then the first made and warned everything, the second nothing
        assert (won.created, won.overdue) == (items, items)
        assert (lost.created, lost.due_soon, lost.overdue) == (0, 0, 0)
        async with first_db.session() as session:
            due = await session.scalar(
                select(func.count()).select_from(Filing).where(Filing.title.like("%2026年第4季度%"))
            )
            per_key = (
                select(
                    Notification.recipient_user_id,
                    Notification.subject_id,
                    func.count().label("n"),
                )
                .where(Notification.kind == NotificationKind.FILING_OVERDUE)
                .where(Notification.title.like("%2026年第4季度%"))
                .group_by(Notification.recipient_user_id, Notification.subject_id)
            )
            counts = [n for _, _, n in (await session.execute(per_key)).all()]
        assert due == items == 3
        assert counts and set(counts) == {1}  # each filer's account warned once per item
    finally:
        await first_db.dispose()
        await second_db.dispose()
