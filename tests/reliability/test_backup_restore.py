"""A backup taken while writes run restores to a database ``inspectnet audit verify`` accepts."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import migrate
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from inspectnet.settings import Settings
from tests.conftest import _in_thread, make_settings
from tests.factories import build_in, make_region, make_user
from tests.reliability.client import live_client, row_counts
from tests.reliability.conftest import (
    PG,
    LiveDatabase,
    drop_pg_database,
    new_pg_database,
)
from tests.reliability.server import ROOT, environment
from tests.support import skip_or_fail

CREATE_TARGET = """mutation($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id } userErrors { code } } }"""


async def cli(settings: Settings, *args: str) -> tuple[int, str]:
    """``inspectnet ARGS`` in a child process with ``settings``; (exit code, stdout+stderr)."""
    import sys

    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("inspectnet")),
        *args,
        cwd=ROOT,
        env=environment(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return int(process.returncode or 0), output.decode()


@pytest.fixture(params=["sqlite", "postgresql"])
async def source_and_target(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[LiveDatabase, Settings]]:
    """A live database with a league of the test's own and its admin (``build_in``), and
    settings naming an empty database to restore to."""
    checkpoints = {"audit_checkpoint_dir": tmp_path / "checkpoints"}
    if request.param == "sqlite":
        source = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}", **checkpoints)
        _in_thread(migrate.upgrade, source)
        url = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
        yield (
            LiveDatabase("live", source.database_url, source),
            source.model_copy(update={"database_url": url}),
        )
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        skip_or_fail("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    names = [await new_pg_database(), await new_pg_database("inspectnet_restored")]
    try:
        source = make_settings(f"{PG}/{names[0]}", **checkpoints)
        _in_thread(migrate.upgrade, source)
        target = source.model_copy(update={"database_url": f"{PG}/{names[1]}"})
        yield LiveDatabase(names[0], source.database_url, source), target
    finally:
        for name in names:
            await drop_pg_database(name)


async def _league(session: AsyncSession, actor: Actor) -> tuple[str, str]:
    """A league of a region of the test's own and its admin: the office's ID, the username."""
    office = (await make_region(session, actor, subordinates=1)).subordinates[0]
    return global_id("Office", office.id), (await make_user(session, actor, office)).username


async def test_a_backup_taken_during_writes_restores_to_a_verified_database(
    source_and_target: tuple[LiveDatabase, Settings], tmp_path: Path
) -> None:
    live, target = source_and_target
    league, admin = await build_in(live.settings, _league)
    # given a signed checkpoint of the audit chains, kept outside the database
    code, output = await cli(live.settings, "audit", "checkpoint")
    assert code == 0, output
    archive = tmp_path / "inspectnet.backup"
    written: list[int] = []
    stop, running = asyncio.Event(), asyncio.Event()

    async with live_client(live.settings) as api:

        async def write() -> None:
            while not stop.is_set():
                name = f"备份期间对象{len(written)}"
                variables = {"input": {"officeId": league, "name": name, "regionCode": "150200"}}
                response = await api.post(CREATE_TARGET, variables, user=admin)
                assert response.json()["data"]["createTarget"]["userErrors"] == []
                written.append(1)
                if len(written) >= 3:
                    running.set()
                await asyncio.sleep(0.01)

        writer = asyncio.create_task(write())
        await running.wait()
        # when the database is backed up while the writer goes on
        started_at = len(written)
        code, output = await cli(live.settings, "db", "backup", "--to", str(archive))
        ended_at = len(written)
        stop.set()
        await writer
    assert code == 0, output
    assert ended_at > started_at, "no write ran during the backup"

    # then it restores into an empty database, which the audit verifier accepts
    code, output = await cli(target, "db", "restore", str(archive))
    assert code == 0, output
    code, output = await cli(target, "audit", "verify")
    assert code == 0, output
    assert "audit chains intact" in output
    restored = await row_counts(target)
    assert (await row_counts(live.settings))["targets"] == len(written)
    assert started_at <= restored["targets"] <= ended_at

    # and restoring again into the now non-empty database is refused, writing nothing
    code, output = await cli(target, "db", "restore", str(archive))
    assert code == 1
    assert "restore refused" in output
    assert await row_counts(target) == restored
