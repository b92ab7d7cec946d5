"""Alembic driven from code: the only way tables are made, for the CLI and the tests alike."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from inspectnet.settings import Settings


def alembic_config(settings: Settings, connection: Connection | None = None) -> Config:
    """An Alembic config for the settings' database (or for an open sync connection)."""
    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir))
    config.set_main_option("path_separator", "os")
    # Migrations own the tables and the wall's policies: they run as the owner role.
    config.attributes["database_url"] = settings.admin_database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


# Called inside the migration's transaction after each revision is applied, with its
# connection and ``"upgrade A → B"`` / ``"downgrade B → A"``: one walk over every revision reads
# the scripts once instead of once per revision.
AfterEachRevision = Callable[[Connection, str], None]


def _config(settings: Settings, after_each: AfterEachRevision | None) -> Config:
    config = alembic_config(settings)
    if after_each is not None:
        config.attributes["after_each_revision"] = after_each
    return config


def upgrade(
    settings: Settings, revision: str = "head", *, after_each: AfterEachRevision | None = None
) -> None:
    command.upgrade(_config(settings, after_each), revision)


def downgrade(
    settings: Settings, revision: str, *, after_each: AfterEachRevision | None = None
) -> None:
    command.downgrade(_config(settings, after_each), revision)


# What the application's role may do (docs/deploy.md, "The second wall"): use the rows of
# every table and sequence, as row-level security lets it; never DDL, never ownership.
APP_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
)


async def grant_app_role(settings: Settings, role: str | None = None) -> bool:
    """As the owner, grant the application's role the rows of every table (after each
    upgrade, so a table a migration adds is granted too); False when there is none to grant."""
    from sqlalchemy import text

    from inspectnet.db import make_engine

    role = role or settings.database_app_role
    if role is None or settings.is_sqlite:
        return False
    engine = make_engine(settings.as_owner(), statement_timeout=False)
    try:
        async with engine.begin() as connection:
            for grant in APP_GRANTS:
                await connection.execute(text(grant.format(role=role)))
    finally:
        await engine.dispose()
    return True


def upgrade_connection(settings: Settings, connection: Connection, revision: str = "head") -> None:
    """Upgrade through an already open connection (tests, readiness checks)."""
    command.upgrade(alembic_config(settings, connection), revision)


def head_revisions(settings: Settings) -> set[str]:
    """The migrations' heads; read from disk once per directory (readiness asks every probe)."""
    return set(_heads(str(settings.migrations_dir)))


@lru_cache(maxsize=4)
def _heads(migrations_dir: str) -> tuple[str, ...]:
    config = Config()
    config.set_main_option("script_location", migrations_dir)
    config.set_main_option("path_separator", "os")
    return tuple(ScriptDirectory.from_config(config).get_heads())


def current_revisions(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def pending_message(settings: Settings) -> str | None:
    """Why the database is not ready to serve (not at the migrations' head), or None."""
    from inspectnet.db import make_engine

    engine = make_engine(settings)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(current_revisions)
    finally:
        await engine.dispose()
    heads = head_revisions(settings)
    if current == heads:
        return None
    return (
        f"database is at {', '.join(sorted(current)) or 'no revision'}, migrations at "
        f"{', '.join(sorted(heads))}: run `inspectnet db upgrade` first"
    )
