"""Per-office export and import: a signed archive that restores row for row into an empty
database; a non-empty target or a tampered archive is refused with nothing written."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet import office_archive
from inspectnet.db import Base, Database, make_engine
from inspectnet.settings import Settings
from tests.conftest import _in_thread, make_settings
from tests.reliability.client import row_counts
from tests.reliability.conftest import (
    PG,
    drop_pg_database,
    migrate_and_load_demo,
    new_pg_database,
)
from tests.reliability.seed import fill_empty_tables
from tests.reliability.test_backup_restore import cli

# On the demo plus a row in every table (as the migration walk fills them): the archive must
# carry an office's rows of every table and leave out its neighbours', which needs them all.
OFFICE = "nmg.baotou"


@pytest.fixture(params=["sqlite", "postgresql"])
async def source_and_empty(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Settings, Settings]]:
    """The demo network plus a row in every table, and an empty database migrated to head."""
    from inspectnet import migrate

    if request.param == "sqlite":
        source = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'source.db'}")
        empty = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
        names: list[str] = []
    else:
        names = [await new_pg_database(), await new_pg_database("inspectnet_empty")]
        source, empty = (make_settings(f"{PG}/{name}") for name in names)
    try:
        await migrate_and_load_demo(source)
        database = Database(make_engine(source))
        try:
            async with database.transaction() as session:
                await fill_empty_tables(session)
        finally:
            await database.dispose()
        _in_thread(migrate.upgrade, empty)
        yield source, empty
    finally:
        for name in names:
            await drop_pg_database(name)


async def _rows(settings: Settings, office: str | None) -> dict[str, list[dict[str, Any]]]:
    """The office's collected rows (source), or every row of the archive's tables (target)."""
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            if office is not None:
                offices = Base.metadata.tables["offices"]
                pk = await session.scalar(select(offices.c.id).where(offices.c.code == office))
                return await office_archive.collect(session, pk)
            everything = {}
            for table in Base.metadata.sorted_tables:
                found = (await session.execute(select(table))).mappings().all()
                if found and table.name != "policy_state":  # the row its migration seeds
                    everything[table.name] = sorted(
                        (dict(r) for r in found),
                        key=lambda r: r[next(iter(table.primary_key)).name],
                    )
            return everything
    finally:
        await database.dispose()


async def test_an_office_exported_and_imported_into_an_empty_database_is_equal_row_for_row(
    source_and_empty: tuple[Settings, Settings], tmp_path: Path
) -> None:
    source, empty = source_and_empty
    archive = tmp_path / "baotou.tar"
    # when 包头市 is exported and imported into an empty database
    code, output = await cli(source, "office", "export", "--office", OFFICE, "--to", str(archive))
    assert code == 0, output
    code, output = await cli(empty, "office", "import", str(archive))
    assert code == 0, output
    # then the target holds exactly the office's rows (and those they refer to), row for row
    exported = await _rows(source, OFFICE)
    assert exported["persons"] and exported["targets"] and exported["audit_entries"]
    assert {row["code"] for row in exported["offices"]} >= {OFFICE}
    assert await _rows(empty, None) == {name: rows for name, rows in exported.items() if rows}
    # and none of another office's own rows came along (the demo refers to none of them)
    offices = {row["id"]: row["code"] for row in exported["offices"]}
    for table in office_archive.office_tables():
        if "office_id" in table.c:
            assert {offices[row["office_id"]] for row in exported.get(table.name, [])} <= {
                OFFICE
            }, table.name

    # and importing again, into what is no longer empty, is refused with nothing written
    before = await row_counts(empty)
    code, output = await cli(empty, "office", "import", str(archive))
    assert code == 1
    assert "TARGET_NOT_EMPTY" in output
    assert await row_counts(empty) == before


def _rewrite(archive: Path, target: Path, change: dict[str, bytes]) -> None:
    with tarfile.open(archive) as original, tarfile.open(target, "w") as copy:
        for member in original.getmembers():
            body = change.get(member.name) or original.extractfile(member).read()  # type: ignore[union-attr]
            info = tarfile.TarInfo(member.name)
            info.size = len(body)
            copy.addfile(info, io.BytesIO(body))


async def test_a_tampered_archive_is_refused_with_nothing_written(
    source_and_empty: tuple[Settings, Settings], tmp_path: Path
) -> None:
    source, empty = source_and_empty
    archive = tmp_path / "baotou.tar"
    database = Database(make_engine(source))
    try:
        async with database.session() as session:
            await office_archive.export_office(session, OFFICE, archive)
    finally:
        await database.dispose()
    with tarfile.open(archive) as opened:
        manifest = opened.extractfile("manifest.json").read()  # type: ignore[union-attr]
        persons = opened.extractfile("tables/persons.jsonl").read()  # type: ignore[union-attr]
    forged_rows = persons.replace("包头".encode(), "赤峰".encode(), 1)
    assert forged_rows != persons
    forged_manifest = json.loads(manifest)
    forged_manifest["office"]["code"] = "nmg.chifeng"
    cases = {
        "rows edited": ({"tables/persons.jsonl": forged_rows}, "ARCHIVE_CHECKSUM_MISMATCH"),
        "manifest edited": (
            {"manifest.json": json.dumps(forged_manifest).encode()},
            "ARCHIVE_SIGNATURE_INVALID",
        ),
        "signature forged": (
            {"signature.json": b'{"purpose":"links","keyVersion":1,"hmac":"00"}'},
            "ARCHIVE_SIGNATURE_INVALID",
        ),
        "not an archive": ({}, "ARCHIVE_MALFORMED"),
    }
    before = await row_counts(empty)
    database = Database(make_engine(empty))
    try:
        for label, (change, code) in cases.items():
            tampered = tmp_path / f"{label}.tar"
            if change:
                _rewrite(archive, tampered, change)
            else:
                tampered.write_bytes(b"not a tar file")
            with pytest.raises(office_archive.ArchiveRefused) as refused:
                async with database.transaction(write=True) as session:
                    await office_archive.import_office(session, tampered)
            assert refused.value.code == code, label
            assert await row_counts(empty) == before, label
    finally:
        await database.dispose()
