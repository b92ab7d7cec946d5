"""The bench generator: the same seed gives the same rows on both databases, a valid audit
chain, and it refuses a database that already holds data."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from inspectnet import migrate
from inspectnet.audit.chain import chains, verify_chain
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.actor import Actor
from inspectnet.cli import bench
from inspectnet.cli.main import app
from inspectnet.db import Database, make_engine
from inspectnet.network.models import LinkKind, Office, OfficeKind, OfficeReach
from inspectnet.settings import get_settings
from tests.conftest import _in_thread, _pg_admin, _pg_available, make_settings
from tests.factories import build_in, make_office
from tests.support import skip_or_fail

# A small data set: the same code paths as nmg scale, in a second.
SMALL = {
    "targets": 300,
    "persons": 900,
    "employment_records": 2_000,
    "interest_ties": 400,
    "leadership_posts": 1_500,
    "audit_entries": 2_000,
}
TABLES = (
    "offices",
    "office_links",
    "targets",
    "persons",
    "employment_records",
    "interest_ties",
    "leadership_posts",
    "user_accounts",
    "role_grants",
    "audit_entries",
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[Any]:
    """A factory of empty migrated databases on one backend."""
    made: list[str] = []

    async def make() -> Database:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / uuid.uuid4().hex}.db"
        else:
            if not await _pg_available():
                skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
            name = f"inspectnet_bench_{uuid.uuid4().hex[:12]}"
            await _pg_admin(f'CREATE DATABASE "{name}"')
            made.append(name)
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        settings = make_settings(url)
        _in_thread(migrate.upgrade, settings)
        database = Database(make_engine(settings))
        databases.append(database)
        return database

    databases: list[Database] = []
    yield make
    for database in databases:
        await database.dispose()
    for name in made:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _progress() -> Progress:
    return Progress(console=Console(file=open("/dev/null", "w")))


async def _dump(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    async with database.session() as session:
        return {
            table: [
                tuple(row)
                for row in (await session.execute(text(f"SELECT * FROM {table} ORDER BY id"))).all()
            ]
            for table in TABLES
        }


async def test_the_same_seed_gives_the_same_rows_and_a_valid_audit_chain(empty: Any) -> None:
    first, second = await empty(), await empty()
    with _progress() as progress:
        counts = await bench.generate(first, SMALL, 7, progress)
        await bench.generate(second, SMALL, 7, progress)
    assert await _dump(first) == await _dump(second)
    # One person a bench account, beside the generated persons.
    assert {table: counts[table] for table in SMALL} == SMALL | {"persons": SMALL["persons"] + 3}
    assert counts["offices"] == 196
    async with first.session() as session:
        kinds = dict(
            (await session.execute(select(Office.kind, func.count()).group_by(Office.kind))).all()
        )
        assert kinds == {
            OfficeKind.REGIONAL_OFFICE: 1,
            OfficeKind.LIAISON_BODY: 12,
            OfficeKind.PATROL_OFFICE: 103,
            OfficeKind.DEPARTMENTAL_PATROL_OFFICE: 80,
        }
        per_office = dict(
            (
                await session.execute(
                    select(Office.code, func.count())
                    .join(AuditEntry, AuditEntry.office_id == Office.id)
                    .where(Office.code.in_(["bench.region", bench.SMALL_AUDIT_OFFICE]))
                    .group_by(Office.code)
                )
            ).all()
        )
        assert per_office == {
            "bench.region": SMALL["audit_entries"] // bench.AUDIT_LARGE_SHARE,
            bench.SMALL_AUDIT_OFFICE: bench.AUDIT_SMALL,
        }
        for chain in await chains(session):
            _head, broken = await verify_chain(session, chain)
            assert broken is None, broken


async def test_another_seed_gives_other_rows(empty: Any) -> None:
    first, second = await empty(), await empty()
    with _progress() as progress:
        await bench.generate(first, SMALL, 7, progress)
        await bench.generate(second, SMALL, 8, progress)
    assert (await _dump(first))["persons"] != (await _dump(second))["persons"]


async def test_generating_into_a_database_that_holds_data_is_refused_and_adds_nothing(
    empty: Any,
) -> None:
    database = await empty()
    with _progress() as progress:
        await bench.generate(database, SMALL, 7, progress)
    before = await _dump(database)
    with _progress() as progress, pytest.raises(bench.NotEmpty):
        await bench.generate(database, SMALL, 8, progress)
    assert await _dump(database) == before


def test_the_command_refuses_an_unknown_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["bench", "generate", "--scale", "x3"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "scale must be one of nmg, x10" in result.output


async def _one_office(session: AsyncSession, actor: Actor) -> None:
    await make_office(session, actor)


def test_the_command_refuses_a_database_that_holds_offices(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'held.db'}"
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", url)
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        asyncio.run(build_in(make_settings(url), _one_office))
        result = runner.invoke(app, ["bench", "generate", "--scale", "nmg", "--seed", "3"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "the database already holds offices" in result.output


async def test_every_office_below_the_region_is_reachable_on_both_lines(empty: Any) -> None:
    database = await empty()
    with _progress() as progress:
        await bench.generate(database, SMALL, 7, progress)
    async with database.session() as session:
        region = (
            await session.execute(select(Office.id).where(Office.code == "bench.region"))
        ).scalar_one()
        depths = (
            await session.execute(
                select(OfficeReach.kind, OfficeReach.depth, func.count())
                .where(OfficeReach.ancestor_id == region)
                .group_by(OfficeReach.kind, OfficeReach.depth)
            )
        ).all()
    # 12 leagues and 80 departments under the region, 103 counties under the leagues.
    assert sorted(depths) == sorted(
        (kind, depth, count)
        for kind in (LinkKind.LEADERSHIP, LinkKind.GUIDANCE)
        for depth, count in ((1, 92), (2, 103))
    )
