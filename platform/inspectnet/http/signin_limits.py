"""Sign-in attempts a minute per account and per client address, shared by every process.

Counted in the database by default, or in Redis when ``INSPECTNET_REDIS_URL`` is set; never per
process, so neither more workers nor more replicas multiply what a guesser may try.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from inspectnet.db import Database
from inspectnet.http.ratelimit import BudgetStore
from inspectnet.http.shared_budgets import DatabaseBudgets, RedisBudgets
from inspectnet.settings import Settings

PER_MINUTE = 60.0


@dataclass(frozen=True)
class SignInLimits:
    """The two buckets every /auth attempt draws from."""

    per_address: BudgetStore
    per_account: BudgetStore

    @classmethod
    def for_settings(cls, database: Database, settings: Settings) -> SignInLimits:
        def store(capacity: int, prefix: str) -> BudgetStore:
            rate = capacity / PER_MINUTE
            if settings.redis_url:
                return RedisBudgets(settings.redis_url, capacity, rate, prefix)
            return DatabaseBudgets(database, capacity, rate, prefix)

        return cls(
            per_address=store(settings.signin_rate_per_address, "signin:address:"),
            per_account=store(settings.signin_rate_per_account, "signin:account:"),
        )

    async def take(self, address: str, account: str | None) -> int | None:
        """Take one attempt from the address's bucket and the account's (when named): None, or
        the whole seconds to wait. Taken whether or not the account exists, so a limit says
        nothing about it."""
        buckets = [(self.per_address, address)]
        if account is not None:
            buckets.append((self.per_account, account.casefold()))
        for store, key in buckets:
            taken, throttle = await store.take(_bounded(key), 1)
            if not taken:
                return throttle.retry_after(1)
        return None


def _bounded(key: str) -> str:
    """A key that fits the bucket's column; a long one by its digest, so none two collide."""
    return key if len(key) <= 120 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()
