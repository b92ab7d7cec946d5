"""The buses themselves: LISTEN/NOTIFY between two replicas' buses, payload chunks, DSNs."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy.ext.asyncio import create_async_engine

from inspectnet import events
from inspectnet.db import Database
from inspectnet.events import (
    InProcessBus,
    LiveEvent,
    PostgresBus,
    _chunks,
    bus_for,
    publish_after_commit,
)
from tests.conftest import PG_ADMIN_URL, _pg_available
from tests.support import skip_or_fail


def test_the_bus_follows_the_database_backend() -> None:
    assert isinstance(bus_for(create_async_engine("sqlite+aiosqlite:///x.db")), InProcessBus)
    assert isinstance(bus_for(create_async_engine("postgresql+asyncpg://u@h/db")), PostgresBus)


def test_payload_chunks_stay_under_the_notify_limit_and_keep_every_event() -> None:
    events = [LiveEvent("notification", n, n % 7, f"T2ZmaWNlOj{n}") for n in range(500)]
    chunks = _chunks([e.to_json() for e in events], limit=7_000)
    assert len(chunks) > 1 and all(len(c.encode()) <= 7_000 for c in chunks)
    back = [LiveEvent.from_dict(d) for c in chunks for d in json.loads(c)]
    assert back == events


async def test_postgres_buses_of_two_replicas_hear_each_others_events() -> None:
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    engines = create_async_engine(PG_ADMIN_URL), create_async_engine(PG_ADMIN_URL)
    one, two = PostgresBus(engines[0]), PostgresBus(engines[1])
    await one.start()
    await two.start()
    try:
        # 90 events of ~190 bytes: three NOTIFYs, and fewer than a subscriber's queue holds.
        sent = [LiveEvent("notification", n, 4242, "x" * 100) for n in range(90)]
        async with (
            two.subscribe(4242, "notification") as there,
            one.subscribe(4242, "notification") as here,
            two.subscribe(4243, "notification") as someone_else,
        ):
            one.publish(sent)
            async with asyncio.timeout(10):
                heard_there = [await there.queue.get() for _ in sent]
                heard_here = [await here.queue.get() for _ in sent]
            assert heard_there == sent and heard_here == sent
            await asyncio.sleep(0.2)
            assert someone_else.queue.empty()
    finally:
        await one.stop()
        await two.stop()
        for engine in engines:
            await engine.dispose()


async def test_on_postgresql_a_process_without_a_bus_notifies_every_replica_at_commit() -> None:
    """The CLI's case: the NOTIFY rides on the committing transaction itself."""
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    assert events.installed() is None
    listening = create_async_engine(PG_ADMIN_URL)
    replica = PostgresBus(listening)
    await replica.start()
    engine = create_async_engine(PG_ADMIN_URL)
    try:
        async with replica.subscribe(7777, "notification") as heard:
            async with Database(engine).transaction() as session:
                publish_after_commit(session, LiveEvent("notification", 1, 7777))
                await asyncio.sleep(0.3)
                assert heard.queue.empty()  # nothing before the COMMIT
            async with asyncio.timeout(10):
                assert await heard.queue.get() == LiveEvent("notification", 1, 7777)

            async with Database(engine).session() as session:
                await session.begin()
                publish_after_commit(session, LiveEvent("notification", 2, 7777))
                await session.rollback()
            await asyncio.sleep(0.3)
            assert heard.queue.empty()  # a rolled-back transaction notifies nobody
    finally:
        await replica.stop()
        await engine.dispose()
        await listening.dispose()
