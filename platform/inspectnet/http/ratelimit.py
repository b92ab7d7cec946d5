"""Per-user budgets of query cost: a token bucket per username, as Shopify's API has.

A bucket holds at most ``capacity`` points and regains ``restore_rate`` points a second. A
request takes its requested cost before it runs (refused with RATE_LIMITED if the bucket
holds less) and is settled after it runs: the difference between requested and actual cost
is given back (or, rarely, charged). The store is an interface so that buckets can move to
Redis when more than one process serves the API; ``MemoryBudgets`` keeps them in this
process, which is exact for one worker and per-worker otherwise.

Time comes from ``inspectnet.clock``, so tests that freeze the clock see no refill.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from inspectnet import clock


@dataclass(frozen=True)
class Throttle:
    """A bucket as reported in ``extensions.cost.throttleStatus``."""

    maximum: int
    available: float
    restore_rate: float

    def retry_after(self, cost: int) -> int:
        """Whole seconds until the bucket holds ``cost`` points."""
        missing = max(0.0, cost - self.available)
        return max(1, math.ceil(missing / self.restore_rate))

    def as_json(self) -> dict[str, float | int]:
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": math.floor(self.available),
            "restoreRate": self.restore_rate,
        }


class BudgetStore(Protocol):
    """Where buckets live. Every method is atomic per key."""

    async def take(self, key: str, cost: int) -> tuple[bool, Throttle]:
        """Take ``cost`` points if the bucket holds them: ``(taken, bucket after)``."""
        ...

    async def settle(self, key: str, refund: int) -> Throttle:
        """Give back ``refund`` points (charge them if negative); never below 0 or above full."""
        ...

    async def peek(self, key: str) -> Throttle:
        """The bucket as it stands, unchanged."""
        ...


class MemoryBudgets:
    """Buckets in this process's memory, the least recently used forgotten beyond ``max_keys``.

    A forgotten bucket comes back full: with 100,000 keys that only happens to callers idle
    long enough for their bucket to have refilled anyway.
    """

    def __init__(self, capacity: int, restore_rate: float, max_keys: int = 100_000) -> None:
        self.capacity, self.restore_rate, self.max_keys = capacity, restore_rate, max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key: (level, at)

    def _level(self, key: str) -> float:
        now = clock.now().timestamp()
        level, at = self._buckets.get(key, (float(self.capacity), now))
        return min(float(self.capacity), level + max(0.0, now - at) * self.restore_rate)

    def _store(self, key: str, level: float) -> Throttle:
        self._buckets[key] = (level, clock.now().timestamp())
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return Throttle(self.capacity, level, self.restore_rate)

    async def take(self, key: str, cost: int) -> tuple[bool, Throttle]:
        level = self._level(key)
        if level < cost:
            return False, self._store(key, level)
        return True, self._store(key, level - cost)

    async def settle(self, key: str, refund: int) -> Throttle:
        level = min(float(self.capacity), max(0.0, self._level(key) + refund))
        return self._store(key, level)

    async def peek(self, key: str) -> Throttle:
        return Throttle(self.capacity, self._level(key), self.restore_rate)
