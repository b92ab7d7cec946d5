"""Alembic is the only way a schema is made: the migrations build exactly what the models say."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import inspectnet.models  # noqa: F401 - every mapper on the metadata
from inspectnet import migrate
from inspectnet.db import Base
from tests.conftest import Backend


async def test_migrated_database_matches_the_models(backend: Backend) -> None:
    def diff(sync_connection: Any) -> list[Any]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with backend.engine.connect() as connection:
        assert await connection.run_sync(diff) == []
        assert await connection.run_sync(migrate.current_revisions) == migrate.head_revisions(
            backend.settings
        )
