"""Two app instances on one PostgreSQL: a grant revoked through one is denied by the other
within a second, because the other hears of it (LISTEN/NOTIFY) and reloads by itself."""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import domains, migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.authz.watcher import START_TIMEOUT_SECONDS, PolicyWatcher, WatcherUnavailable
from inspectnet.db import Database, make_engine
from inspectnet.settings import Settings
from tests.conftest import _in_thread, _pg_admin, _pg_available, make_settings
from tests.factories import Staff, build_in, make_office, make_staff, sign_in_name_of
from tests.keys import keyring_restored, production_keys_dir
from tests.support import skip_or_fail

OFFICES = "{ offices { totalCount } }"
GRANTS = "{ viewer { roles { nodes { id role } } } }"


@pytest.fixture
async def shared_database() -> AsyncIterator[Settings]:
    """A committed, migrated PostgreSQL database, dropped afterwards."""
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = f"inspectnet_watch_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    settings = make_settings(
        f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}",
        development=False,
        keys_dir=production_keys_dir(),
    )
    try:
        _in_thread(migrate.upgrade, settings)
        yield settings
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def staff(shared_database: Settings) -> Staff:
    """An office with five offices filing to it, its admin and its member, committed."""

    async def build(session: AsyncSession, actor: Actor) -> Staff:
        office = await make_office(session, actor)
        for _ in range(5):
            await make_office(session, actor, superior=office)
        return await make_staff(session, actor, office)

    return await build_in(shared_database, build)


async def _ask(
    client: httpx.AsyncClient,
    settings: Settings,
    user: str,
    query: str,
    variables: dict | None = None,
) -> dict:  # type: ignore[type-arg]
    token = issue_token(settings, sign_in_name_of(user), timedelta(hours=1))
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


REVOKE = "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { userErrors { code } } }"


async def _revoke_reaches(
    first: FastAPI, second: FastAPI, settings: Settings, staff: Staff
) -> None:
    """Revoke the member's grant through ``first``; ``second`` must reload within 1 s."""
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://a") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://b") as b,
    ):
        assert (await _ask(b, settings, staff.member, OFFICES))["data"]["offices"][
            "totalCount"
        ] == 6
        [grant] = (await _ask(a, settings, staff.member, GRANTS))["data"]["viewer"]["roles"][
            "nodes"
        ]
        version_on_second = second.state.graphql.policy.snapshot.version

        revoked_at = time.monotonic()
        result = await _ask(a, settings, staff.admin, REVOKE, {"input": {"grantId": grant["id"]}})
        assert result["data"]["revokeRole"]["userErrors"] == []
        # No request reaches the second instance meanwhile: it must hear of the change itself.
        while second.state.graphql.policy.snapshot.version == version_on_second:
            assert time.monotonic() - revoked_at < 1.0, (
                "the second instance did not reload within 1 s"
            )
            await asyncio.sleep(0.02)
        assert time.monotonic() - revoked_at < 1.0
        assert (await _ask(b, settings, staff.member, OFFICES))["data"]["offices"][
            "totalCount"
        ] == 0


async def test_a_revoked_grant_is_denied_on_the_other_instance_within_a_second(
    shared_database: Settings, staff: Staff
) -> None:
    settings = shared_database
    with keyring_restored():
        first = create_app(settings, watch_policy=True)
        second = create_app(settings, watch_policy=True)
        async with first.router.lifespan_context(first), second.router.lifespan_context(second):
            await _revoke_reaches(first, second, settings, staff)


async def test_the_watcher_uses_the_urls_own_options(
    shared_database: Settings, staff: Staff
) -> None:
    # The host is only in ?host=: the old watcher rebuilt a URL from the netloc and lost it.
    settings = shared_database
    url = settings.database_url.replace("@127.0.0.1:5432/", "@unreachable.invalid:5432/")
    elsewhere = settings.model_copy(update={"database_url": url + "?host=127.0.0.1"})
    with keyring_restored():
        first = create_app(settings, watch_policy=True)
        second = create_app(elsewhere, watch_policy=True)
        async with first.router.lifespan_context(first), second.router.lifespan_context(second):
            await _revoke_reaches(first, second, settings, staff)


async def test_the_watcher_runs_in_the_worker_on_the_apps_engine(
    shared_database: Settings,
) -> None:
    before = {child.pid for child in multiprocessing.active_children()}
    with keyring_restored():
        app = create_app(shared_database, watch_policy=True)
        async with app.router.lifespan_context(app):
            watcher = app.state.policy_watcher
            # No helper process; the listening connections are the app engine's.
            assert {child.pid for child in multiprocessing.active_children()} == before
            pool = app.state.graphql.database.sync_engine.pool
            # One for the policy watcher, one for the live-event bus: both LISTEN on the app engine.
            assert pool.checkedout() == 2
            assert watcher.reconnects == 0


async def test_the_watcher_reconnects_after_losing_its_connection(
    shared_database: Settings, staff: Staff
) -> None:
    settings = shared_database
    with keyring_restored():
        first = create_app(settings, watch_policy=True)
        second = create_app(settings, watch_policy=True)
        async with first.router.lifespan_context(first), second.router.lifespan_context(second):
            watcher = second.state.policy_watcher
            backend = watcher._driver.get_server_pid()
            await _pg_admin(f"SELECT pg_terminate_backend({backend})")
            deadline = time.monotonic() + 5
            while watcher.reconnects == 0:
                assert time.monotonic() < deadline, "the watcher did not reconnect"
                await asyncio.sleep(0.02)
            assert watcher._driver.get_server_pid() != backend
            await _revoke_reaches(first, second, settings, staff)


async def test_start_up_fails_fast_with_one_line_when_it_cannot_listen() -> None:
    # Nothing listens on this port: the old watcher's child process hung start-up for a minute.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/nothing")
    database = Database(make_engine(settings))
    watcher = PolicyWatcher(domains.policy_store(settings.policy_dir), database)
    started = time.monotonic()
    with pytest.raises(WatcherUnavailable) as raised:
        await watcher.start()
    await database.dispose()
    assert time.monotonic() - started < START_TIMEOUT_SECONDS + 1
    message = str(raised.value)
    assert message.startswith("policy watcher: cannot LISTEN on the database: ")
    assert "\n" not in message and "postgres@" not in message


async def test_a_failed_notify_on_the_listening_connection_goes_through_the_pool(
    shared_database: Settings, staff: Staff
) -> None:
    class Busy:
        def is_closed(self) -> bool:
            return False

        async def execute(self, *_args: object) -> None:
            raise ConnectionError("the listening connection is busy")

    settings = shared_database
    with keyring_restored():
        first = create_app(settings, watch_policy=True)
        second = create_app(settings, watch_policy=True)
        async with first.router.lifespan_context(first), second.router.lifespan_context(second):
            watcher = first.state.policy_watcher
            listening, watcher._driver = watcher._driver, Busy()
            try:
                await _revoke_reaches(first, second, settings, staff)
            finally:
                watcher._driver = listening
