"""The buses themselves: LISTEN/NOTIFY between two replicas' buses, payload chunks, DSNs."""

from __future__ import annotations

import asyncio
import json

from inspectnet.events import (
    InProcessBus,
    LiveEvent,
    PostgresBus,
    _chunks,
    asyncpg_dsn,
    bus_for,
)
from tests.conftest import PG_ADMIN_URL, _pg_available
from tests.support import skip_or_fail


def test_the_bus_follows_the_database_backend() -> None:
    assert isinstance(bus_for("sqlite+aiosqlite:///x.db"), InProcessBus)
    assert isinstance(bus_for("postgresql+asyncpg://u@h/db"), PostgresBus)
    assert asyncpg_dsn("postgresql+asyncpg://u%40x:p%3Aw@db.internal:6543/insp") == (
        "postgresql://u@x:p:w@db.internal:6543/insp"
    )


def test_payload_chunks_stay_under_the_notify_limit_and_keep_every_event() -> None:
    events = [LiveEvent("notification", n, n % 7, f"T2ZmaWNlOj{n}") for n in range(500)]
    chunks = _chunks([e.to_json() for e in events], limit=7_000)
    assert len(chunks) > 1 and all(len(c.encode()) <= 7_000 for c in chunks)
    back = [LiveEvent.from_dict(d) for c in chunks for d in json.loads(c)]
    assert back == events


async def test_postgres_buses_of_two_replicas_hear_each_others_events() -> None:
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    one, two = PostgresBus(PG_ADMIN_URL), PostgresBus(PG_ADMIN_URL)
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
