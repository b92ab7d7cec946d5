"""Shared token buckets (database on SQLite and PostgreSQL, and Redis) behave as the in-memory
ones: take while full enough, refill with time, settle within bounds, peek without change."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.db import Database
from inspectnet.http.models import RateBucket
from inspectnet.http.ratelimit import BudgetStore
from inspectnet.http.shared_budgets import DatabaseBudgets, RedisBudgets
from tests.support import skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/15"
CAPACITY, RATE = 3, 0.5  # three tokens, one back every two seconds


@pytest.fixture(params=["database", "redis"])
async def store(request: pytest.FixtureRequest, db: Database) -> AsyncIterator[BudgetStore]:
    prefix = f"test:{uuid.uuid4().hex}:"
    if request.param == "database":
        yield DatabaseBudgets(db, CAPACITY, RATE, prefix)
        return
    redis = RedisBudgets(REDIS_URL, CAPACITY, RATE, prefix)
    try:
        await redis.client.ping()
    except Exception:
        await redis.client.aclose()
        skip_or_fail("Redis is not reachable on 127.0.0.1:6379")
    try:
        yield redis
    finally:
        await redis.client.aclose()


async def test_a_bucket_gives_its_capacity_then_refuses(
    store: BudgetStore, frozen_clock: datetime
) -> None:
    taken = [(await store.take("k", 1))[0] for _ in range(CAPACITY)]
    refused, throttle = await store.take("k", 1)
    assert taken == [True] * CAPACITY and refused is False
    assert throttle.available == 0 and throttle.retry_after(1) == 2
    # another key has its own bucket
    assert (await store.take("other", 1))[0] is True


async def test_a_bucket_refills_with_time_up_to_its_capacity(
    store: BudgetStore, frozen_clock: datetime
) -> None:
    for _ in range(CAPACITY):
        await store.take("k", 1)
    with clock.frozen(frozen_clock + timedelta(seconds=2)):
        assert (await store.peek("k")).available == 1
        assert (await store.take("k", 1))[0] is True
        assert (await store.take("k", 1))[0] is False
    with clock.frozen(frozen_clock + timedelta(hours=1)):
        assert (await store.peek("k")).available == CAPACITY


async def test_settle_stays_within_bounds_and_peek_changes_nothing(
    store: BudgetStore, frozen_clock: datetime
) -> None:
    await store.take("k", 2)
    assert (await store.settle("k", 10)).available == CAPACITY
    assert (await store.settle("k", -10)).available == 0
    assert (await store.peek("k")).available == 0
    assert (await store.peek("never-seen")).available == CAPACITY


async def test_full_buckets_rows_are_purged(db: Database, frozen_clock: datetime) -> None:
    store = DatabaseBudgets(db, CAPACITY, RATE, "purge:")
    await store.take("a", 1)
    await store.take("b", 1)
    # when a minute has passed and both buckets are full again, the next take purges them
    with clock.frozen(frozen_clock + timedelta(minutes=1)):
        await store.take("c", 1)
    async with db.session() as session:
        keys = await session.scalars(
            select(RateBucket.key).where(RateBucket.key.startswith("purge:"))
        )
        assert list(keys) == ["purge:c"]
        assert await session.scalar(select(func.count()).select_from(RateBucket)) == 1
