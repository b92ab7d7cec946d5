"""``inspectnet export inbox --office CODE`` writes the office's inbox as XLSX."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from inspectnet.cli.export import export_inbox
from inspectnet.cli.main import app
from inspectnet.settings import get_settings
from tests.conftest import mounted_keys_dir

runner = CliRunner()


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "demo.db"
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    get_settings.cache_clear()
    for args in (["db", "upgrade"], ["demo", "load"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    yield path
    get_settings.cache_clear()


def test_the_region_inbox_is_exported_with_its_rows(demo: Path, tmp_path: Path) -> None:
    with sqlite3.connect(demo) as conn:
        region = conn.execute("SELECT id FROM offices WHERE code = 'nmg.region'").fetchone()[0]
        baotou = conn.execute("SELECT id FROM offices WHERE code = 'nmg.baotou'").fetchone()[0]
        for n, title in enumerate(["包头市第1期联络工作情况", "@SUM(A1:A9)"]):
            conn.execute(
                "INSERT INTO filings (office_id, to_office_id, rule_id, ruleset_id, mode,"
                " recipient, subject_type, subject_id, subject_version, series_key, number,"
                " title, state, due_on, warn_on, created_at, updated_at, version) VALUES"
                " (?, ?, 'filing.liaison_report', 'nmg-2016', 'record', 'superior_office',"
                " 'report', ?, 1, ?, 1, ?, 'due', '2026-01-10', '2026-01-05',"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
                (baotou, region, n, f"report:{n}", title),
            )
    out = tmp_path / "inbox.xlsx"
    result = runner.invoke(app, ["export", "inbox", "--office", "nmg.region", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    every = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    # The demo's twelve quarterly items are there too; ours are the two inserted here
    assert len(every) == 14
    rows = [r for r in every if r[2] in ("@SUM(A1:A9)", "包头市第1期联络工作情况")]
    assert sorted(r[2] for r in rows) == ["@SUM(A1:A9)", "包头市第1期联络工作情况"]
    assert {r[0] for r in rows} == {"包头市巡视工作联络组办公室"}
    assert {r[5] for r in rows} == {"逾期"}  # due 2026-01-10, long past
    # through the API's unit of work: the export is audited in the region's chain, as the cli
    with sqlite3.connect(demo) as conn:
        audited = conn.execute(
            "SELECT actor_name, office_id, detail FROM audit_entries"
            " WHERE action = 'filing.inbox.export'"
        ).fetchall()
    assert audited == [("export", region, '{"rows": 14}')]


def test_the_export_reports_its_progress_to_the_end(demo: Path) -> None:
    seen: list[tuple[int, int]] = []

    class Bar:
        def add_task(self, _description: str, total: int | None) -> int:
            return 1

        def update(self, _task: int, *, completed: int, total: int) -> None:
            seen.append((completed, total))

    data = asyncio.run(export_inbox(None, office_code="nmg.region", progress=Bar()))  # type: ignore[arg-type]
    assert data.startswith(b"PK")  # a zip: the XLSX
    assert seen == [(12, 12)]  # one chunk: the demo's twelve quarterly items


def test_an_unknown_office_is_refused(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    result = runner.invoke(app, ["export", "inbox", "--office", "nmg.nowhere", "--out", str(out)])
    assert result.exit_code == 1
    assert "NOT_FOUND" in result.output
    assert not out.exists()


def test_the_sweep_command_creates_the_due_items_once(demo: Path) -> None:
    # The demo swept the quarter before the frozen clock's; the command sweeps today's (real)
    # clock's last quarter, and a second run adds nothing.
    first = runner.invoke(app, ["duties", "sweep"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["duties", "sweep"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("0 due items created")
    with sqlite3.connect(demo) as conn:
        kinds = conn.execute("SELECT count(DISTINCT series_key) FROM filings").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM filings WHERE number = 1").fetchone()[0]
    assert kinds == rows  # no series got a second first version
