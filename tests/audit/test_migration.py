"""The audit-chain migration re-seals an intact unkeyed log under the key, per office, and
refuses to launder one that was altered before it ran."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from inspectnet import migrate
from inspectnet.audit.checkpoint import verify
from inspectnet.db import Database, UTCDateTime, make_engine
from inspectnet.settings import Settings
from tests.conftest import BACKENDS, FROZEN_AT, _in_thread, _pg_admin, _pg_available, make_settings
from tests.support import skip_or_fail

BEFORE = "20261125_0003"
LEGACY = sa.table(
    "audit_entries",
    sa.column("at", UTCDateTime()),
    sa.column("actor_user_id", sa.Integer()),
    sa.column("actor_name", sa.String()),
    sa.column("office_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("object_id", sa.String()),
    sa.column("request_id", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("detail", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


@pytest.fixture(params=BACKENDS)
async def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Settings]:
    """An empty database at the revision before the keyed chains."""
    dropped = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        if not await _pg_available():
            skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        dropped = f"inspectnet_mig_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{dropped}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{dropped}"
    settings = make_settings(url)
    _in_thread(migrate.upgrade, settings, BEFORE)
    try:
        yield settings
    finally:
        if dropped:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


def _legacy_rows(offices: list[int | None]) -> list[dict[str, Any]]:
    """The unkeyed SHA-256 chain the foundation wrote: one chain over every row."""
    rows, prev = [], "0" * 64
    for n, office in enumerate(offices):
        fields = {
            "at": (FROZEN_AT + timedelta(minutes=n)).isoformat(),
            "actor_user_id": None,
            "actor_name": "demo",
            "office_id": office,
            "action": f"legacy.{n}",
            "object_id": None,
            "request_id": f"r{n}",
            "outcome": "SUCCESS",
            "detail": {"n": n},
        }
        payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(f"{prev}|{payload}".encode()).hexdigest()
        rows.append(
            fields | {"at": FROZEN_AT + timedelta(minutes=n), "prev_hash": prev, "hash": digest}
        )
        prev = digest
    return rows


async def _insert(settings: Settings, rows: list[dict[str, Any]], *statements: str) -> None:
    engine = make_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.insert(LEGACY), rows)
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def test_an_intact_log_is_resealed_into_keyed_office_chains(
    old_database: Settings, tmp_path: Path
) -> None:
    settings = old_database
    await _insert(settings, _legacy_rows([None, 7, 8, 7, None, 7]))
    _in_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            places = (
                await session.execute(
                    text("SELECT action, chain, seq, key_version FROM audit_entries ORDER BY id")
                )
            ).all()
            report = await verify(session, tmp_path / "checkpoints")
    finally:
        await database.dispose()
    assert [tuple(p) for p in places] == [
        ("legacy.0", 0, 1, 1),
        ("legacy.1", 7, 1, 1),
        ("legacy.2", 8, 1, 1),
        ("legacy.3", 7, 2, 1),
        ("legacy.4", 0, 2, 1),
        ("legacy.5", 7, 3, 1),
    ]
    assert report.ok, report.breaks
    assert {c: h.seq for c, h in report.heads.items()} == {0: 2, 7: 3, 8: 1}


async def test_downgrading_rechains_the_log_so_that_upgrading_again_reseals_it(
    old_database: Settings, tmp_path: Path
) -> None:
    settings = old_database
    await _insert(settings, _legacy_rows([None, 7, 8]))
    _in_thread(migrate.upgrade, settings)
    _in_thread(migrate.downgrade, settings, BEFORE)
    _in_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            report = await verify(session, tmp_path / "checkpoints")
    finally:
        await database.dispose()
    assert report.ok, report.breaks
    assert {c: h.seq for c, h in report.heads.items()} == {0: 1, 7: 1, 8: 1}


async def test_a_log_altered_before_the_migration_is_not_resealed(old_database: Settings) -> None:
    settings = old_database
    disable = (
        "DROP TRIGGER audit_entries_no_update"
        if settings.is_sqlite
        else "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change"
    )
    await _insert(
        settings,
        _legacy_rows([None, 7, 8]),
        disable,
        "UPDATE audit_entries SET actor_name = 'someone' WHERE action = 'legacy.1'",
    )
    with pytest.raises(RuntimeError, match="the unkeyed chain is broken at id 2"):
        _in_thread(migrate.upgrade, settings)
