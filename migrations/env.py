"""Alembic environment: async engine from inspectnet settings, or a connection handed in."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import event
from sqlalchemy.engine import Connection

import inspectnet.models  # noqa: F401 - registers every mapper on Base.metadata
from inspectnet.db import Base, make_engine
from inspectnet.settings import load_settings

target_metadata = Base.metadata


def _announce(ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
    """Hands each applied revision to the caller's ``after_each_revision`` (migrate.py)."""
    if step.is_upgrade:
        described = (
            f"upgrade {','.join(step.source_revision_ids) or 'base'} → {step.up_revision_id}"
        )
    else:
        described = (
            f"downgrade {step.up_revision_id} → {','.join(step.destination_revision_ids) or 'base'}"
        )
    context.config.attributes["after_each_revision"](ctx.connection, described)


def _run(connection: Connection) -> None:
    announce = "after_each_revision" in context.config.attributes
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        on_version_apply=[_announce] if announce else [],
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            # foreign keys were off while batch operations rebuilt tables: check them now
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def _sqlite_foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    # A batch operation rebuilds a table by DROP TABLE and a copy; with foreign keys on, the
    # DROP deletes (ON DELETE CASCADE) or nulls the rows of every table that refers to it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


async def _run_async() -> None:
    settings = load_settings()
    url = context.config.attributes.get("database_url")
    if url:
        settings = settings.model_copy(update={"database_url": url})
    engine = make_engine(settings, statement_timeout=False)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_foreign_keys_off)
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
