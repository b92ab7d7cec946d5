"""Token buckets every worker and replica share: in the database (the default) or in Redis.

The same buckets as ``ratelimit.MemoryBudgets`` (``capacity`` points, ``restore_rate`` a second),
kept where all processes see them, so a limit of ten attempts a minute is ten, not ten per
worker. Each operation is atomic per key: a conditional UPDATE in the database, a Lua script in
Redis. Time comes from ``inspectnet.clock`` (seconds since the epoch), so a frozen clock
freezes the refill in tests.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from inspectnet import clock
from inspectnet.db import Database
from inspectnet.http.models import RateBucket
from inspectnet.http.ratelimit import Throttle


class DatabaseBudgets:
    """Buckets as rows of ``rate_buckets``; a full bucket's row is purged once a minute."""

    PURGE_SECONDS = 60.0

    def __init__(
        self, database: Database, capacity: int, restore_rate: float, prefix: str = ""
    ) -> None:
        self.database, self.capacity, self.restore_rate = database, capacity, restore_rate
        self.prefix = prefix
        self._purged_at = -math.inf

    def _level(self, now: float) -> ColumnElement[Any]:
        """The bucket's level at ``now``, refilled since it was last touched, capped."""
        elapsed = case((RateBucket.at < now, literal(now) - RateBucket.at), else_=0.0)
        refilled = RateBucket.level + elapsed * self.restore_rate
        return case((refilled > self.capacity, float(self.capacity)), else_=refilled)

    async def _ensure(self, session: Any, key: str, now: float) -> None:
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        await session.execute(
            dialect.insert(RateBucket)
            .values(key=key, level=float(self.capacity), at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )

    async def _purge(self, now: float) -> None:
        # A bucket untouched this long is full again: its row says nothing a missing row doesn't.
        # Its own transaction, so no take waits on another's purge while holding a bucket.
        if now - self._purged_at < self.PURGE_SECONDS:
            return
        self._purged_at = now
        full_after = self.capacity / self.restore_rate
        async with self.database.transaction(write=True) as session:
            await session.execute(
                delete(RateBucket).where(
                    RateBucket.key.startswith(self.prefix, autoescape=True),
                    RateBucket.at < now - full_after,
                )
            )

    async def take(self, key: str, cost: int) -> tuple[bool, Throttle]:
        key, now = self.prefix + key, clock.now().timestamp()
        await self._purge(now)
        async with self.database.transaction(write=True) as session:
            await self._ensure(session, key, now)
            level = self._level(now)
            taken = await session.scalar(
                update(RateBucket)
                .where(RateBucket.key == key, level >= cost)
                .values(level=level - cost, at=now)
                .returning(RateBucket.level)
            )
            if taken is not None:
                return True, Throttle(self.capacity, float(taken), self.restore_rate)
            current = await session.scalar(select(level).where(RateBucket.key == key))
            return False, Throttle(self.capacity, float(current or 0.0), self.restore_rate)

    async def settle(self, key: str, refund: int) -> Throttle:
        key, now = self.prefix + key, clock.now().timestamp()
        async with self.database.transaction(write=True) as session:
            await self._ensure(session, key, now)
            moved = self._level(now) + refund
            bounded = case(
                (moved < 0, 0.0), (moved > self.capacity, float(self.capacity)), else_=moved
            )
            level = await session.scalar(
                update(RateBucket)
                .where(RateBucket.key == key)
                .values(level=bounded, at=now)
                .returning(RateBucket.level)
            )
            return Throttle(self.capacity, float(level or 0.0), self.restore_rate)

    async def peek(self, key: str) -> Throttle:
        key, now = self.prefix + key, clock.now().timestamp()
        async with self.database.session() as session:
            level = await session.scalar(select(self._level(now)).where(RateBucket.key == key))
        found = float(self.capacity) if level is None else float(level)
        return Throttle(self.capacity, found, self.restore_rate)


# KEYS[1]: the bucket; ARGV: capacity, restore rate, now, cost (negative: a refund), mode
# ("take": only if the bucket holds the cost; "settle": always, clamped at 0).
_SCRIPT = """
local capacity, rate, now, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
  tonumber(ARGV[4])
local held = redis.call('HMGET', KEYS[1], 'level', 'at')
local level, at = tonumber(held[1]), tonumber(held[2])
if level == nil then level, at = capacity, now end
if now > at then level = math.min(capacity, level + (now - at) * rate) end
local taken = 1
if ARGV[5] == 'take' then
  if level >= cost then level = level - cost else taken = 0 end
else
  level = math.max(0, math.min(capacity, level - cost))
end
if ARGV[5] ~= 'peek' then
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
  redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
end
return {taken, tostring(level)}
"""


class RedisBudgets:
    """Buckets as Redis hashes, expiring once they would be full again."""

    def __init__(self, url: str, capacity: int, restore_rate: float, prefix: str = "") -> None:
        from redis.asyncio import Redis  # only where Redis is configured

        self.client = Redis.from_url(url)
        self.capacity, self.restore_rate, self.prefix = capacity, restore_rate, prefix
        self._script = self.client.register_script(_SCRIPT)

    async def _run(self, key: str, cost: float, mode: str) -> tuple[bool, Throttle]:
        now = clock.now().timestamp()
        args = [self.capacity, self.restore_rate, now, cost, mode]
        taken, level = await self._script(keys=[f"inspectnet:rate:{self.prefix}{key}"], args=args)
        return bool(taken), Throttle(self.capacity, float(level), self.restore_rate)

    async def take(self, key: str, cost: int) -> tuple[bool, Throttle]:
        return await self._run(key, cost, "take")

    async def settle(self, key: str, refund: int) -> Throttle:
        return (await self._run(key, -refund, "settle"))[1]

    async def peek(self, key: str) -> Throttle:
        return (await self._run(key, 0, "peek"))[1]
