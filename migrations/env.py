"""Alembic environment: async engine from inspectnet settings, or a connection handed in."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import inspectnet.models  # noqa: F401 - registers every mapper on Base.metadata
from inspectnet.db import Base, make_engine
from inspectnet.settings import load_settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    settings = load_settings()
    url = context.config.attributes.get("database_url")
    if url:
        settings = settings.model_copy(update={"database_url": url})
    engine = make_engine(settings, statement_timeout=False)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run `inspectnet db upgrade`")
run_migrations_online()
