"""What every command needs: settings, a database, the policy, a system actor, a transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import domains, keyring
from inspectnet.audit import outbox
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.rules.registry import configure as configure_rulesets
from inspectnet.settings import Settings, get_settings


@dataclass
class Runtime:
    settings: Settings
    database: Database
    policy: PolicyStore


@asynccontextmanager
async def runtime(settings: Settings | None = None) -> AsyncIterator[Runtime]:
    """Settings, database and a loaded policy, disposed of at the end."""
    settings = settings or get_settings()
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=settings.development))
    configure_rulesets(settings.rulesets_dir)
    database = Database(make_engine(settings))
    policy = domains.policy_store(settings.policy_dir)
    try:
        async with database.session() as session:
            await policy.reload(session)
        yield Runtime(settings, database, policy)
    finally:
        await database.dispose()


@asynccontextmanager
async def system_transaction(
    rt: Runtime, name: str = "cli"
) -> AsyncIterator[tuple[AsyncSession, Actor]]:
    """One committed unit of work done by the platform itself (audited as ``name``)."""
    actor = Actor.system(rt.policy.compiled, name=name)
    session: AsyncSession | None = None
    try:
        async with rt.database.transaction() as session:
            yield session, actor
    finally:
        if session is not None:
            # No background writer in a command: its refusals are written before it exits.
            await outbox.write(rt.database, outbox.take(session, actor))
