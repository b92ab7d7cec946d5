"""``inspectnet office create-region``: the platform creates a new region's top office."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from inspectnet.cli.main import app
from inspectnet.settings import get_settings
from tests.conftest import Backend, mounted_keys_dir

runner = CliRunner()
ARGS = ["office", "create-region", "--name", "广东省委巡视办", "--region-code", "440000"]


@pytest.fixture
def env(committed: Backend, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", committed.settings.database_url)
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    get_settings.cache_clear()
    yield committed
    get_settings.cache_clear()


def _rows(backend: Backend, sql: str, **params: object) -> list[tuple[object, ...]]:
    async def read() -> list[tuple[object, ...]]:
        engine = create_async_engine(backend.settings.database_url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(sql), params)]
        finally:
            await engine.dispose()

    # The test is synchronous (the command runs its own event loop), so this one does too.
    return asyncio.run(read())


def test_create_region_makes_a_top_office_as_the_platform_and_audits_it(env: Backend) -> None:
    result = runner.invoke(app, [*ARGS, "--code", "gd.province", "--ruleset", "nmg-2016"])
    assert result.exit_code == 0, result.output
    assert "已创建 广东省委巡视办（gd.province）" in result.output
    (office,) = _rows(env, "SELECT id, kind, region_code FROM offices WHERE code = 'gd.province'")
    assert office[1:] == ("REGIONAL_OFFICE", "440000")
    assert _rows(env, "SELECT id FROM office_links WHERE subordinate_id = :o", o=office[0]) == []
    assert _rows(
        env,
        "SELECT actor_name FROM audit_entries WHERE action = 'office.create' AND office_id = :o",
        o=office[0],
    ) == [("cli",)]


def test_create_region_refuses_a_taken_code_and_an_unknown_ruleset(env: Backend) -> None:
    runner.invoke(app, [*ARGS, "--code", "gd.taken", "--ruleset", "nmg-2016"])
    taken = runner.invoke(app, [*ARGS, "--code", "gd.taken", "--ruleset", "nmg-2016"])
    assert taken.exit_code == 1
    assert "CODE_TAKEN [code] 该代码已被使用，请换一个" in taken.output
    unknown = runner.invoke(app, [*ARGS, "--code", "gd.other", "--ruleset", "gd-2020"])
    assert unknown.exit_code == 1
    assert "RULESET_UNKNOWN [rulesetId]" in unknown.output
    assert _rows(env, "SELECT code FROM offices WHERE code IN ('gd.taken', 'gd.other')") == [
        ("gd.taken",)
    ]
