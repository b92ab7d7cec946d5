"""The matrix's app (no cost bucket to run dry: it asks thousands of questions) and world."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from inspectnet.app import create_app
from inspectnet.db import Database
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.matrix.world import World, build_world

# What the matrix checked, by backend: shown at the end of the run even when output is captured.
SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture
async def matrix_api(db: Database, settings: Settings) -> AsyncIterator[Api]:
    relaxed = settings.model_copy(
        update={
            "graphql_cost_restore_rate": 1e12,
            "graphql_cost_budget": 100_000_000,
            "graphql_max_query_cost": 100_000_000,
            # Every refusal is kept for the audit log: the matrix makes tens of thousands.
            "audit_outbox_capacity": 1_000_000,
        }
    )
    app = create_app(relaxed, database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client, relaxed, app)


@pytest.fixture
async def world(matrix_api: Api, system: Any) -> World:
    """The seeded network, committed to the test's savepoint and in the policy."""
    session, actor = system
    built = await build_world(session, actor)
    await session.commit()
    await matrix_api.reload_policy()
    return built
