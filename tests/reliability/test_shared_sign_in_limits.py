"""Sign-in rate limits hold across replicas: two app instances, each with its own engine (its
own connection pool, as two processes have), on one PostgreSQL database draw from one bucket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.settings import Settings
from tests.accounts.signing import CSRF
from tests.factories import build_in, make_office, make_staff
from tests.reliability.conftest import LiveDatabase

PER_ACCOUNT, PER_ADDRESS = 3, 5


@asynccontextmanager
async def _replicas(settings: Settings, count: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """``count`` apps on the same database, each with its own engine, and a browser on each
    (from one client address)."""
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(count):
            database = Database(make_engine(settings))
            stack.push_async_callback(database.dispose)
            app = create_app(settings, database=database, watch_policy=False)
            transport = httpx.ASGITransport(app=app, client=("198.51.100.4", 50000))
            client = httpx.AsyncClient(
                transport=transport, base_url="https://testserver", headers=CSRF
            )
            clients.append(await stack.enter_async_context(client))
        yield clients


async def _staff(settings: Settings) -> tuple[str, str, str]:
    """An office of the test's own with an admin and a member: its code and their usernames."""

    async def build(session: AsyncSession, actor: Actor) -> tuple[str, str, str]:
        staff = await make_staff(session, actor, await make_office(session, actor))
        return staff.office.code, staff.admin, staff.member

    return await build_in(settings, build)


async def _attempt(client: httpx.AsyncClient, office: str, username: str) -> int:
    body = {"officeCode": office, "username": username, "password": "not the password"}
    return (await client.post("/auth/sign-in", json=body)).status_code


async def test_two_replicas_share_the_per_account_limit(
    migrated_pg: LiveDatabase, frozen: None
) -> None:
    office, admin, member = await _staff(migrated_pg.settings)
    settings = migrated_pg.settings.model_copy(
        update={"signin_rate_per_account": PER_ACCOUNT, "signin_rate_per_address": 100}
    )
    async with _replicas(settings, 2) as (one, two):
        # when attempts naming one account alternate between the replicas
        answers = [await _attempt((one, two)[i % 2], office, member) for i in range(PER_ACCOUNT)]
        # then together they get the limit once, not once each
        assert answers == [401] * PER_ACCOUNT
        assert await _attempt(one, office, member) == 429
        assert await _attempt(two, office, member) == 429
        # and another account is not held back by it
        assert await _attempt(two, office, admin) == 401


async def test_two_replicas_share_the_per_address_limit(
    migrated_pg: LiveDatabase, frozen: None
) -> None:
    office, _, _ = await _staff(migrated_pg.settings)
    settings = migrated_pg.settings.model_copy(
        update={"signin_rate_per_account": 100, "signin_rate_per_address": PER_ADDRESS}
    )
    async with _replicas(settings, 2) as (one, two):
        answers = [
            await _attempt((one, two)[i % 2], office, f"user{i}") for i in range(PER_ADDRESS)
        ]
        assert answers == [401] * PER_ADDRESS
        assert await _attempt(one, office, "fresh_name") == 429
        assert await _attempt(two, office, "another_name") == 429
