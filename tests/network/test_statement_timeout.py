"""Every PostgreSQL connection carries a statement timeout, so no walk or query holds one forever."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inspectnet.db import make_engine
from tests.conftest import Backend, make_settings

# SQLite has no statement timeout (its writers queue on busy_timeout instead).
pytestmark = pytest.mark.parametrize("committed", ["postgresql"], indirect=True)


async def test_a_statement_past_the_configured_timeout_is_cancelled(committed: Backend) -> None:
    engine = make_engine(
        make_settings(committed.settings.database_url, db_statement_timeout_ms=300)
    )
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW statement_timeout")) == "300ms"
            with pytest.raises(DBAPIError, match="statement timeout"):
                await connection.execute(text("SELECT pg_sleep(2)"))
    finally:
        await engine.dispose()


async def test_the_default_timeout_is_fifteen_seconds(committed: Backend) -> None:
    async with committed.engine.connect() as connection:
        assert await connection.scalar(text("SHOW statement_timeout")) == "15s"


async def test_migrations_connect_without_the_timeout(committed: Backend) -> None:
    engine = make_engine(committed.settings, statement_timeout=False)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW statement_timeout")) == "0"
    finally:
        await engine.dispose()
