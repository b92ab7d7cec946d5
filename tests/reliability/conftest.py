"""Databases of their own (not the savepoint fixture): these tests commit, kill connections and
take the server away, so they need rows that really reach the disk."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspectnet import clock, domains, migrate
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.demo import load_demo
from inspectnet.settings import Settings
from tests.conftest import FROZEN_AT, _in_thread, _pg_admin, _pg_available, make_settings
from tests.support import skip_or_fail

PG = "postgresql+asyncpg://postgres@127.0.0.1:5432"


@dataclass
class LiveDatabase:
    """A migrated database (holding the demo network, or empty for the test to fill through
    the factories' ``build_in``), committed for real."""

    name: str
    url: str
    settings: Settings


async def new_pg_database(prefix: str = "inspectnet_rel") -> str:
    """An empty PostgreSQL database's name (the caller drops it)."""
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    return name


async def drop_pg_database(name: str) -> None:
    await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrate_and_load_demo(settings: Settings) -> None:
    """Migrate to head and load the demo network, as ``make run`` does."""
    _in_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    try:
        with clock.frozen(FROZEN_AT):
            store = domains.policy_store(settings.policy_dir)
            async with database.transaction() as session:
                await load_demo(session, Actor.system(store.compiled, name="demo"))
    finally:
        await database.dispose()


@pytest.fixture
async def migrated_pg() -> AsyncIterator[LiveDatabase]:
    """A PostgreSQL database at head with nothing in it: the test builds what it needs."""
    name = await new_pg_database()
    settings = make_settings(f"{PG}/{name}")
    try:
        _in_thread(migrate.upgrade, settings)
        yield LiveDatabase(name, settings.database_url, settings)
    finally:
        await drop_pg_database(name)


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(FROZEN_AT):
        yield


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> LiveDatabase:
    """A SQLite database at head with nothing in it: the test builds what it needs."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    settings = make_settings(url)
    _in_thread(migrate.upgrade, settings)
    return LiveDatabase(str(tmp_path / "live.db"), url, settings)
