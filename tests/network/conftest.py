"""A database of the network tests' own, where work really commits (races need two transactions).

The shared ``backend`` database keeps every test inside one rolled-back transaction, so two
transactions can never race there. This one is migrated empty, once per module and backend,
and dropped afterwards; what the tests commit into it stays out of every other test's way.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from inspectnet import migrate
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from tests.conftest import BACKENDS, Backend, _in_thread, _pg_admin, _pg_available, make_settings
from tests.support import skip_or_fail


@asynccontextmanager
async def empty_database(name: str, directory: Path, revision: str) -> AsyncIterator[Backend]:
    """A new database of backend ``name`` migrated to ``revision``, dropped at the end."""
    dropped: str | None = None
    if name == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'network-{uuid.uuid4().hex[:8]}.db'}"
    else:
        if not await _pg_available():
            skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        dropped = f"inspectnet_net_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{dropped}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{dropped}"
    settings = make_settings(url)
    _in_thread(migrate.upgrade, settings, revision)
    engine = make_engine(settings)
    try:
        yield Backend(name, settings, engine)
    finally:
        await engine.dispose()
        if dropped:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


@pytest.fixture(scope="module", params=BACKENDS)
async def committed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    """A freshly migrated, empty database whose transactions commit for real."""
    async with empty_database(request.param, tmp_path_factory.mktemp("committed"), "head") as db:
        yield db


async def system_actor(database: Database, committed: Backend) -> Actor:
    """The platform itself, with the policy as the database now holds it."""
    store = PolicyStore(committed.settings.policy_dir)
    async with database.session() as session:
        await store.reload(session)
    return Actor.system(store.compiled, name="test")
