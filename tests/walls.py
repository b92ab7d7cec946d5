"""Throwaway PostgreSQL databases with the two roles a deployment has (docs/deploy.md, "The
second wall"): the owner, who migrates and arranges, and the application's role, held by
row-level security. Used by tests/rls/ and, with ``INSPECTNET_TEST_WALL=1``, by the whole
suite's PostgreSQL backend (the app then connects as the application's role)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from inspectnet import migrate
from inspectnet.settings import Settings

HOST = "127.0.0.1:5432"


def whole_suite_walled() -> bool:
    """Whether the general suite's PostgreSQL backend connects as the application's role."""
    return os.environ.get("INSPECTNET_TEST_WALL", "") not in ("", "0", "false")


@dataclass(frozen=True)
class Roles:
    database: str
    owner: str
    app: str
    password: str

    @property
    def owner_url(self) -> str:
        return f"postgresql+asyncpg://{self.owner}:{self.password}@{HOST}/{self.database}"

    @property
    def app_url(self) -> str:
        return f"postgresql+asyncpg://{self.app}:{self.password}@{HOST}/{self.database}"

    def create_sql(self) -> list[str]:
        """Run as the superuser: the two roles (neither bypasses row-level security) and the
        database the owner owns."""
        return [
            f"CREATE ROLE {self.owner} LOGIN PASSWORD '{self.password}' NOSUPERUSER NOBYPASSRLS",
            f"CREATE ROLE {self.app} LOGIN PASSWORD '{self.password}' NOSUPERUSER NOBYPASSRLS",
            f'CREATE DATABASE "{self.database}" OWNER {self.owner}',
        ]

    def drop_sql(self) -> list[str]:
        return [
            f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)',
            f"DROP ROLE IF EXISTS {self.app}",
            f"DROP ROLE IF EXISTS {self.owner}",
        ]


def new_roles(prefix: str) -> Roles:
    tag = uuid.uuid4().hex[:10]
    return Roles(f"{prefix}_{tag}", f"inspectnet_owner_{tag}", f"inspectnet_app_{tag}", tag)


async def grant_app(settings: Settings, roles: Roles) -> None:
    """As the owner, after the migrations, what `inspectnet db upgrade` grants the
    application's role: the rows of every table."""
    assert await migrate.grant_app_role(settings, roles.app)
