"""Two app instances on one PostgreSQL: a grant revoked through one is denied by the other
within a second, because the other hears of it (LISTEN/NOTIFY) and reloads by itself."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from inspectnet import domains, migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.demo import load_demo
from inspectnet.settings import Settings
from tests.conftest import _in_thread, _pg_admin, _pg_available, make_settings
from tests.support import skip_or_fail

OFFICES = "{ offices { totalCount } }"
GRANTS = "{ viewer { roles { nodes { id role } } } }"


@pytest.fixture
async def shared_database() -> AsyncIterator[Settings]:
    """A committed, migrated PostgreSQL database with the demo network, dropped afterwards."""
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = f"inspectnet_watch_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    settings = make_settings(
        f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", development=False
    )
    try:
        _in_thread(migrate.upgrade, settings)
        database = Database(make_engine(settings))
        async with database.transaction() as session:
            await load_demo(
                session, Actor.system(domains.policy_store(settings.policy_dir).compiled, name="demo")
            )
        await database.dispose()
        yield settings
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _ask(
    client: httpx.AsyncClient,
    settings: Settings,
    user: str,
    query: str,
    variables: dict | None = None,
) -> dict:  # type: ignore[type-arg]
    token = issue_token(settings, user, timedelta(hours=1))
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_revoked_grant_is_denied_on_the_other_instance_within_a_second(
    shared_database: Settings,
) -> None:
    settings = shared_database
    first, second = create_app(settings, watch_policy=True), create_app(settings, watch_policy=True)
    async with (
        first.router.lifespan_context(first),
        second.router.lifespan_context(second),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://a") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://b") as b,
    ):
        assert (await _ask(b, settings, "baotou_member", OFFICES))["data"]["offices"][
            "totalCount"
        ] == 6
        [grant] = (await _ask(a, settings, "baotou_member", GRANTS))["data"]["viewer"]["roles"][
            "nodes"
        ]
        version_on_second = second.state.graphql.policy.snapshot.version

        revoked_at = time.monotonic()
        result = await _ask(
            a,
            settings,
            "baotou_admin",
            "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { userErrors { code } } }",
            {"input": {"grantId": grant["id"]}},
        )
        assert result["data"]["revokeRole"]["userErrors"] == []
        # No request reaches the second instance meanwhile: it must hear of the change itself.
        while second.state.graphql.policy.snapshot.version == version_on_second:
            assert time.monotonic() - revoked_at < 1.0, (
                "the second instance did not reload within 1 s"
            )
            await asyncio.sleep(0.02)
        assert time.monotonic() - revoked_at < 1.0
        assert (await _ask(b, settings, "baotou_member", OFFICES))["data"]["offices"][
            "totalCount"
        ] == 0
