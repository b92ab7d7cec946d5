"""Every revision downgrades and upgrades with data in the tables, on SQLite and PostgreSQL.

The walk: head (demo network + a row in every table) → one revision down at a time → base →
one revision up at a time → head. After each step every table that exists keeps exactly the
rows it had (on the columns both sides know), except tables a downgrade dropped, which come
back as their revision makes them. Then a fresh head is seeded again and matches the first seeding table for table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

import inspectnet.models  # noqa: F401 - every mapper on the metadata
from inspectnet import migrate
from inspectnet.db import Base, Database, make_engine
from inspectnet.settings import Settings
from tests.conftest import _in_thread, make_settings
from tests.reliability.conftest import (
    PG,
    drop_pg_database,
    migrate_and_load_demo,
    new_pg_database,
)
from tests.reliability.seed import fill_empty_tables

# Columns a revision derives from the others and rewrites both ways (20261201_0002 re-chains
# the audit log per office and back): compared by the audit verifier, not row for row here.
# So are a policy row's last columns: 20261201_0011 puts the object's target at v5 and moves
# action and effect one place on (and back); the rest of each row is compared here.
# A second-factor setting's ``required`` (20261201_0050) comes back true after a round trip: a
# lifted default is not kept by the older schema (see that revision).
# A person's ``expertise`` (20261203_0270) goes from the old enum to the ruleset's rule ids and
# back; nmg-2016 merges three old fields into one, so the way back keeps one of them (see that
# revision): compared by tests/people/test_expertise_migration.py, not row for row here.
# A report version's DOCX moves from the row to the evidence store (20261203_0230) and back into
# the row on the way down: where it lives changes, its bytes are checked by the reports' tests.
DERIVED = {
    "persons": {"expertise"},
    "report_versions": {"content", "storage_key"},
    "audit_entries": {"hash", "prev_hash", "seq", "chain"},
    "policy_rules": {"v5", "v6", "v7"},
    "second_factor_requirements": {"required"},
}
Snapshot = dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
VERSION_TABLE = "alembic_version"


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_settings(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Settings]:
    if request.param == "sqlite":
        yield make_settings(f"sqlite+aiosqlite:///{tmp_path / 'walk.db'}")
        return
    name = await new_pg_database("inspectnet_walk")
    try:
        yield make_settings(f"{PG}/{name}")
    finally:
        await drop_pg_database(name)


def _revisions_newest_first(settings: Settings) -> list[tuple[str, str]]:
    """``(revision, down_revision or "base")`` from head to the first revision."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config(settings))
    return [
        (script.revision, script.down_revision or "base")  # type: ignore[misc]
        for script in scripts.walk_revisions()
    ]


def _snapshot(connection: Connection) -> Snapshot:
    """Every table's columns and rows (sorted), as the connection sees them now."""
    snapshot: Snapshot = {}
    for table in inspect(connection).get_table_names():
        if table == VERSION_TABLE:
            continue
        result = connection.exec_driver_sql(f'SELECT * FROM "{table}"')
        names = list(result.keys())
        columns = tuple(sorted(names))
        order = [names.index(c) for c in columns]
        rows = [tuple(row[i] for i in order) for row in result.fetchall()]
        snapshot[table] = (columns, sorted(rows, key=repr))
    return snapshot


async def _snapshot_now(settings: Settings) -> Snapshot:
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            connection = await session.connection()
            return await connection.run_sync(_snapshot)
    finally:
        await database.dispose()


def _project(entry: tuple[tuple[str, ...], list[tuple[Any, ...]]], keep: set[str]) -> list[Any]:
    columns, rows = entry
    picked = [i for i, name in enumerate(columns) if name in keep]
    return sorted((tuple(row[i] for i in picked) for row in rows), key=repr)


def _assert_kept(seeded: Snapshot, now: Snapshot, lost: set[str], step: str) -> None:
    for table, entry in now.items():
        if table not in seeded:
            continue  # a table the newest schema no longer has
        if table in lost:
            continue  # dropped on the way down: recreated empty, or with the rows its revision seeds
        common = (set(entry[0]) & set(seeded[table][0])) - DERIVED.get(table, set())
        assert _project(entry, common) == _project(seeded[table], common), (
            f"{step}: the rows of {table} changed"
        )


async def _seed(settings: Settings) -> Snapshot:
    await migrate_and_load_demo(settings)
    database = Database(make_engine(settings))
    try:
        async with database.transaction() as session:
            await fill_empty_tables(session)
    finally:
        await database.dispose()
    return await _snapshot_now(settings)


async def test_every_revision_downgrades_and_upgrades_with_data_in_every_table(
    empty_settings: Settings,
) -> None:
    settings = empty_settings
    # given head with the demo network and a row in every table the models declare
    seeded = await _seed(settings)
    model_tables = {t.name for t in Base.metadata.sorted_tables}
    assert {t for t, (_, rows) in seeded.items() if rows} == model_tables

    # when walking down to base one revision at a time (one Alembic run: each revision is
    # checked in the run's transaction, right after it is applied)
    steps = _revisions_newest_first(settings)
    lost: set[str] = set()
    walked: list[str] = []

    def after_downgrade(connection: Connection, step: str) -> None:
        now = _snapshot(connection)
        lost.update(set(seeded) - set(now))
        # then every table still there keeps its rows
        _assert_kept(seeded, now, lost, step)
        walked.append(step)

    _in_thread(partial(migrate.downgrade, after_each=after_downgrade), settings, "base")
    assert len(walked) == len(steps)
    assert set(await _snapshot_now(settings)) == set()

    # and walking back up, each upgrade keeps the rows that survived
    def after_upgrade(connection: Connection, step: str) -> None:
        _assert_kept(seeded, _snapshot(connection), lost, step)
        walked.append(step)

    _in_thread(partial(migrate.upgrade, after_each=after_upgrade), settings, "head")
    assert len(walked) == 2 * len(steps)

    # and at head again the schema is the models' (no drift), and a fresh seeding is the same
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            connection = await session.connection()
            drift = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
        assert drift == []
    finally:
        await database.dispose()
    _in_thread(migrate.downgrade, settings, "base")
    again = await _seed(settings)
    assert {t: len(rows) for t, (_, rows) in again.items()} == {
        t: len(rows) for t, (_, rows) in seeded.items()
    }
