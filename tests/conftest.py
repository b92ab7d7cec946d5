"""Databases migrated by Alembic (SQLite and PostgreSQL), a savepoint per test, the demo network.

Each backend's database is migrated and loaded with the demo network once per run; every test
runs inside an outer transaction that is rolled back, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import functools
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from inspectnet import clock, domains, keyring, migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.demo import load_demo
from inspectnet.settings import Settings
from tests.factories import sign_in_name_of
from tests.support import skip_or_fail
from tests.walls import Roles, grant_app, new_roles, whole_suite_walled

# The evidence store of each backend (local directory, S3 in moto): the evidence_backend fixture.
pytest_plugins = ["tests.evidence_stores"]

PG_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", "postgresql"]
FROZEN_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _in_thread(fn: Any, *args: Any) -> Any:
    # Alembic's env runs its own event loop; keep it off pytest's.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


@functools.cache
def mounted_keys_dir() -> Path:
    """A mounted-style keyring holding the development keys' secrets, for apps built with
    development off (which derive no keys): what they seal, the development keyring verifies."""
    directory = Path(tempfile.mkdtemp(prefix="inspectnet-test-keys-"))
    for purpose in keyring.Purpose:
        secret = keyring.development_key(purpose).secret
        (directory / purpose.value).write_text(f"1:{base64.b64encode(secret).decode()}\n")
    return directory


def make_settings(database_url: str, **overrides: Any) -> Settings:
    keys = mounted_keys_dir()
    values: dict[str, Any] = {
        "jwt_secret": "test-secret-that-is-long-enough-for-hs256",
        "development": True,
        "keys_dir": keys,
        "audit_outbox_dir": keys.with_name(f"{keys.name}-outbox"),
        "audit_checkpoint_dir": keys.with_name(f"{keys.name}-checkpoints"),
    }
    return Settings(database_url=database_url, **(values | overrides))


async def _pg_available() -> bool:
    import asyncpg

    try:
        conn = await asyncio.wait_for(
            asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres"), timeout=3
        )
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class Backend:
    name: str
    settings: Settings
    engine: AsyncEngine


@pytest.fixture(scope="session", autouse=True)
def development_keyring() -> Iterator[keyring.Keyring]:
    """Every test runs with the development keyring unless it installs another.

    Commands and servers a test starts read their keys from the environment: they get the
    same keys as files (a mounted keyring), so what they seal and encode the tests can read.
    """
    ring = keyring.Keyring.load(None, {}, development=True)
    keyring.install(ring)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
        yield ring


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("db") / "inspectnet-test.db"
    return f"sqlite+aiosqlite:///{path}"


@asynccontextmanager
async def _opened(name: str, sqlite_url: str) -> AsyncIterator[Backend]:
    """A migrated database holding the demo network, on backend ``name``."""
    dropped: str | None = None
    roles: Roles | None = None
    overrides: dict[str, Any] = {}
    if name == "sqlite":
        url = sqlite_url
    else:
        if not await _pg_available():
            skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        if whole_suite_walled():
            # INSPECTNET_TEST_WALL=1: the app connects as the role the second wall holds.
            roles = new_roles("inspectnet_test")
            for sql in roles.create_sql():
                await _pg_admin(sql)
            url, overrides = roles.app_url, {"database_admin_url": roles.owner_url}
        else:
            dropped = f"inspectnet_test_{uuid.uuid4().hex[:12]}"
            await _pg_admin(f'CREATE DATABASE "{dropped}"')
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{dropped}"
    settings = make_settings(url, **overrides)
    _in_thread(migrate.upgrade, settings)
    if roles is not None:
        await grant_app(settings, roles)
    engine = make_engine(settings)
    database = Database(engine)
    with clock.frozen(FROZEN_AT):
        store = domains.policy_store(settings.policy_dir)
        async with database.transaction() as session:
            # The network only: the round of inspections (rectification items that sweeps
            # find, reports, petitions) would be in every test's tables; tests/test_demo.py
            # loads it in its own tests.
            actor = Actor.system(store.compiled, name="demo")
            await load_demo(session, actor, with_round=False)
    try:
        yield Backend(name, settings, engine)
    finally:
        await engine.dispose()
        if dropped:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
        for sql in roles.drop_sql() if roles is not None else ():
            await _pg_admin(sql)


class Backends:
    """Each backend's database, opened on first use and kept for the whole run.

    A session-scoped fixture parametrized by backend would be torn down and built again each
    time the run switches backend, which pytest-xdist's per-file distribution does at every
    file: a migration and a demo load each time.
    """

    def __init__(self, sqlite_url: str, stack: AsyncExitStack) -> None:
        self.sqlite_url, self.stack = sqlite_url, stack
        self.opened: dict[str, Backend] = {}

    async def get(self, name: str) -> Backend:
        if name not in self.opened:
            self.opened[name] = await self.stack.enter_async_context(_opened(name, self.sqlite_url))
        return self.opened[name]


@pytest.fixture(scope="session")
async def backends(sqlite_url: str) -> AsyncIterator[Backends]:
    async with AsyncExitStack() as stack:
        yield Backends(sqlite_url, stack)


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, backends: Backends) -> Backend:
    """The test's backend: SQLite and PostgreSQL each run every test that asks for it."""
    return await backends.get(request.param)


@pytest.fixture
def frozen_clock() -> Iterator[datetime]:
    with clock.frozen(FROZEN_AT):
        yield FROZEN_AT


@pytest.fixture
async def db(backend: Backend, frozen_clock: datetime) -> AsyncIterator[Database]:
    """A Database whose every commit is a savepoint inside one transaction rolled back at the end."""
    async with backend.engine.connect() as connection:
        outer = await connection.begin()
        try:
            yield Database(connection)
        finally:
            await outer.rollback()


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return backend.settings


@pytest.fixture
async def policy(db: Database, settings: Settings) -> PolicyStore:
    store = domains.policy_store(settings.policy_dir)
    async with db.session() as session:
        await store.reload(session)
    return store


@pytest.fixture
async def system(db: Database, policy: PolicyStore) -> AsyncIterator[tuple[Any, Actor]]:
    """A session and the system actor, for arranging data (committed to the test's savepoint)."""
    async with db.transaction() as session:
        yield session, Actor.system(policy.compiled, name="test")


class Api:
    """Talks to the real FastAPI app over ASGI, as a signed-in demo user."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings, app: Any) -> None:
        self.client, self.settings, self.app = client, settings, app

    def token(self, user: str, ttl: timedelta = timedelta(hours=1)) -> str:
        """A token for ``user``: a demo or factory username, or ``officecode/username``."""
        return issue_token(self.settings, sign_in_name_of(user), ttl)

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, user: str | None
    ) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.token(user)}"} if user else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, user: str
    ) -> dict[str, Any]:
        response = await self.post(query, variables, user=user)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def flush_audit(self) -> int:
        """Write the refusals the outbox holds (the app writes them after each response)."""
        return int(await self.app.state.graphql.outbox.flush())

    async def reload_policy(self) -> None:
        service = self.app.state.graphql
        async with service.database.session() as session:
            await service.policy.reload(session)


@pytest.fixture
async def api(db: Database, settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings, database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        api = Api(client, settings, app)
        await api.reload_policy()
        yield api


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


async def office_id(db: Database, code: str) -> int:
    async with db.session() as session:
        return int(
            (
                await session.execute(text("SELECT id FROM offices WHERE code = :c"), {"c": code})
            ).scalar_one()
        )
