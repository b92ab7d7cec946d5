"""Crash safety: a mutation is one transaction; a lost database is 503, then recovered from."""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util import await_only

from inspectnet.authz.actor import Actor
from inspectnet.db import is_unavailable
from inspectnet.ids import global_id
from inspectnet.settings import Settings
from tests.factories import build_in, make_region, make_user
from tests.reliability.client import CREATE_OFFICE, live_client, office_input, row_counts
from tests.reliability.conftest import LiveDatabase
from tests.reliability.proxy import TcpProxy


async def _terminate_the_connection_that_wrote(database: str) -> int:
    """Find, in pg_stat_activity, the connection holding an uncommitted write (it has a
    transaction id) and terminate it, as an operator (or an out-of-memory kill) would."""
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        pid = await admin.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1"
            " AND state = 'idle in transaction' AND backend_xid IS NOT NULL",
            database,
        )
        assert pid is not None, "the request's connection was not found"
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid) is True
        return int(pid)
    finally:
        await admin.close()


async def _league(settings: Settings) -> tuple[str, str, str]:
    """A league's office in a region of the test's own and its admin: the office's ID and code,
    and the admin's username."""

    async def build(session: AsyncSession, actor: Actor) -> tuple[str, str, str]:
        office = (await make_region(session, actor, subordinates=1)).subordinates[0]
        admin = await make_user(session, actor, office)
        return global_id("Office", office.id), office.code, admin.username

    return await build_in(settings, build)


async def test_a_connection_killed_mid_mutation_leaves_no_partial_rows_and_answers_503(
    migrated_pg: LiveDatabase,
) -> None:
    # given the app on its own database, and createOffice: an office row, then its link rows
    league, code, admin = await _league(migrated_pg.settings)
    before = await row_counts(migrated_pg.settings)
    async with live_client(migrated_pg.settings) as api:
        killed: list[int] = []

        def kill_after_the_office_row(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if statement.startswith("INSERT INTO office_links") and not killed:
                # the office row is written (uncommitted); the links are next
                killed.append(await_only(_terminate_the_connection_that_wrote(migrated_pg.name)))

        engine = api.database.bind.sync_engine  # type: ignore[union-attr]
        event.listen(engine, "before_cursor_execute", kill_after_the_office_row)
        try:
            # when the request's connection is terminated between its writes
            response = await api.post(
                CREATE_OFFICE, office_input(league, f"{code}.crash"), user=admin
            )
        finally:
            event.remove(engine, "before_cursor_execute", kill_after_the_office_row)

        # then the client is told to retry, and nothing of the mutation was kept
        assert killed
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "5"
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert error["message"] == "数据库暂时无法访问，请稍后重试"
        assert await row_counts(migrated_pg.settings) == before

        # and the retry, on the same process and pool, succeeds in full
        again = await api.post(CREATE_OFFICE, office_input(league, f"{code}.crash"), user=admin)
        made = again.json()["data"]["createOffice"]
        assert made["userErrors"] == []
        assert made["office"]["superiors"]["nodes"] == [{"code": code}]
    after = await row_counts(migrated_pg.settings)
    assert after["offices"] == before["offices"] + 1
    assert after["office_links"] == before["office_links"] + 1


async def test_while_the_database_is_down_the_api_answers_503_and_recovers_by_itself(
    migrated_pg: LiveDatabase,
) -> None:
    # given the app reaching PostgreSQL through a proxy the test can take down
    proxy = TcpProxy()
    await proxy.up()
    url = migrated_pg.url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
    settings = migrated_pg.settings.model_copy(update={"database_url": url, "db_pool_timeout": 2.0})
    query = "{ viewer { username } }"
    league, code, admin = await _league(migrated_pg.settings)
    before = await row_counts(migrated_pg.settings)
    try:
        async with live_client(settings) as api:
            assert (await api.post(query, user=admin)).status_code == 200
            assert (await api.client.get("/readyz")).status_code == 200

            # when the database goes away (open connections cut, new ones refused)
            await proxy.down()
            for _ in range(2):  # the pooled connection found dead, then a refused connect
                down = await api.post(query, user=admin)
                assert down.status_code == 503, down.text
                assert down.headers["retry-after"] == "5"
                assert down.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            mutation = await api.post(
                CREATE_OFFICE,
                office_input(league, f"{code}.down"),
                user=admin,
            )
            assert mutation.status_code == 503
            ready = await api.client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("unavailable: ")

            # then, once it is back, the same process serves again without a restart
            await proxy.up()
            back = await api.post(query, user=admin)
            assert back.status_code == 200, back.text
            assert back.json()["data"]["viewer"]["username"] == admin
            ready = await api.client.get("/readyz")
            assert ready.json() == {
                "ready": True,
                "checks": {"database": "ok", "migrations": "ok", "policy": "ok"},
            }
    finally:
        await proxy.down()
    # and the mutation refused while it was down wrote nothing
    assert await row_counts(migrated_pg.settings) == before


def test_what_counts_as_the_database_being_unavailable() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed")
    wrapped = OperationalError("SELECT 1", {}, refused)
    assert is_unavailable(refused)
    assert is_unavailable(wrapped)
    assert is_unavailable(PoolTimeout("QueuePool limit reached"))
    try:
        try:
            raise refused
        except OSError as error:
            raise RuntimeError("while rolling back") from error
    except RuntimeError as chained:
        assert is_unavailable(chained)
    # a statement's own fault is not an outage: it must stay a 500 or a user error
    assert not is_unavailable(IntegrityError("INSERT", {}, ValueError("duplicate key")))
    assert not is_unavailable(ValueError("bad"))
