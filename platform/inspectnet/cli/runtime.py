"""What every command needs: settings, a database, the policy, and the API's unit of work.

A command acts as the platform itself (the system actor) inside ``work.unit_of_work``, the
transaction a GraphQL request runs in: a savepoint per change (``Work.attempt``), its refusals
audited through the same outbox, and the policy reloaded when it changed grants or rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import domains, keyring
from inspectnet.audit.outbox import Outbox
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.rules.registry import configure as configure_rulesets
from inspectnet.settings import Settings, get_settings
from inspectnet.work import Work, unit_of_work


@dataclass
class Runtime:
    settings: Settings
    database: Database
    policy: PolicyStore
    # No background writer in a command: the outbox is flushed when each unit of work ends.
    outbox: Outbox = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = Outbox(
            self.database,
            capacity=self.settings.audit_outbox_capacity,
            retries=self.settings.audit_outbox_retries,
        )


@asynccontextmanager
async def runtime(settings: Settings | None = None) -> AsyncIterator[Runtime]:
    """Settings, database and a loaded policy, disposed of at the end."""
    settings = settings or get_settings()
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=settings.development))
    configure_rulesets(settings.rulesets_dir)
    # A command acts as the platform: it connects as the owner, whom the second wall
    # (authz/wall.py) does not hold.
    database = Database(make_engine(settings.as_owner()))
    policy = domains.policy_store(settings.policy_dir)
    try:
        async with database.session() as session:
            await policy.reload(session)
        yield Runtime(settings, database, policy)
    finally:
        await database.dispose()


@asynccontextmanager
async def system_work(rt: Runtime, name: str = "cli") -> AsyncIterator[Work]:
    """One unit of work done by the platform itself (audited as ``name``), committed at the end."""

    async def sign_in(_session: AsyncSession) -> Actor:
        return Actor.system(rt.policy.compiled, name=name)

    try:
        async with unit_of_work(rt.database, rt.policy, sign_in, rt.outbox.put) as work:
            yield work
    finally:
        # Written before the command exits, committed or not, in their own transactions.
        await rt.outbox.flush()
