"""``inspectnet export inbox --office CODE`` writes the office's inbox as XLSX."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from inspectnet.authz.actor import Actor
from inspectnet.cli.export import export_inbox
from inspectnet.cli.main import app
from inspectnet.settings import get_settings
from tests.conftest import mounted_keys_dir
from tests.factories import build_in, make_region

runner = CliRunner()


@dataclass(frozen=True)
class Arranged:
    """The database file and a region of two leagues made in it (as plain values: the
    session that made them is closed)."""

    path: Path
    region_id: int
    region_code: str
    league_id: int
    league_name: str


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Arranged]:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output

    async def build(session: AsyncSession, actor: Actor) -> Arranged:
        region = await make_region(session, actor, subordinates=2)
        league = region.subordinates[0]
        return Arranged(path, region.top.id, region.top.code, league.id, league.name)

    yield asyncio.run(build_in(get_settings(), build))
    get_settings.cache_clear()


def _insert_due(arranged: Arranged, titles: list[str]) -> None:
    """Liaison reports of the first league to the region, due 2026-01-10 and not filed."""
    with sqlite3.connect(arranged.path) as conn:
        for n, title in enumerate(titles):
            conn.execute(
                "INSERT INTO filings (office_id, to_office_id, rule_id, ruleset_id, mode,"
                " recipient, subject_type, subject_id, subject_version, series_key, number,"
                " title, state, due_on, warn_on, created_at, updated_at, version) VALUES"
                " (?, ?, 'filing.liaison_report', 'nmg-2016', 'record', 'superior_office',"
                " 'report', ?, 1, ?, 1, ?, 'due', '2026-01-10', '2026-01-05',"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
                (arranged.league_id, arranged.region_id, n, f"report:{n}", title),
            )


def test_the_region_inbox_is_exported_with_its_rows(database: Arranged, tmp_path: Path) -> None:
    _insert_due(database, ["包头市第1期联络工作情况", "@SUM(A1:A9)"])
    out = tmp_path / "inbox.xlsx"
    result = runner.invoke(
        app, ["export", "inbox", "--office", database.region_code, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted(r[2] for r in rows) == ["@SUM(A1:A9)", "包头市第1期联络工作情况"]
    assert {r[0] for r in rows} == {database.league_name}
    assert {r[5] for r in rows} == {"逾期"}  # due 2026-01-10, long past
    # through the API's unit of work: the export is audited in the region's chain, as the cli
    with sqlite3.connect(database.path) as conn:
        audited = conn.execute(
            "SELECT actor_name, office_id, detail FROM audit_entries"
            " WHERE action = 'filing.inbox.export'"
        ).fetchall()
    assert audited == [("export", database.region_id, '{"rows": 2}')]


def test_the_export_reports_its_progress_to_the_end(database: Arranged) -> None:
    _insert_due(database, [f"第{n}期联络工作情况" for n in range(12)])
    seen: list[tuple[int, int]] = []

    class Bar:
        def add_task(self, _description: str, total: int | None) -> int:
            return 1

        def update(self, _task: int, *, completed: int, total: int) -> None:
            seen.append((completed, total))

    data = asyncio.run(export_inbox(None, office_code=database.region_code, progress=Bar()))  # type: ignore[arg-type]
    assert data.startswith(b"PK")  # a zip: the XLSX
    assert seen == [(12, 12)]  # one chunk: the twelve items inserted


def test_an_unknown_office_is_refused(database: Arranged, tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    result = runner.invoke(app, ["export", "inbox", "--office", "test.nowhere", "--out", str(out)])
    assert result.exit_code == 1
    assert "NOT_FOUND" in result.output
    assert not out.exists()


def test_the_sweep_command_creates_the_due_items_once(database: Arranged) -> None:
    # The command sweeps today's (real) clock's last quarter: each league's liaison report
    # falls due once, and a second run adds nothing.
    first = runner.invoke(app, ["duties", "sweep"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("2 due items created")
    again = runner.invoke(app, ["duties", "sweep"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("0 due items created")
    with sqlite3.connect(database.path) as conn:
        kinds = conn.execute("SELECT count(DISTINCT series_key) FROM filings").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM filings WHERE number = 1").fetchone()[0]
    assert kinds == rows  # no series got a second first version
