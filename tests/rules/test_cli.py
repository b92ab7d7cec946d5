"""The CLI adapters: ``rules list`` and ``calendar load``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inspectnet import migrate
from inspectnet.cli.rules import calendar_app, rules_app
from inspectnet.rules.models import CalendarYear
from tests.conftest import make_settings, mounted_keys_dir

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def test_rules_list_prints_articles() -> None:
    result = runner.invoke(rules_app, ["list", "--ruleset", "qh-zrzyt"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "qh-zrzyt" in result.output
    assert "deadline.special_meeting" in result.output
    assert "qh-zrzyt §19" in result.output
    assert "nmg-2016" not in result.output


def test_rules_list_of_one_kind() -> None:
    result = runner.invoke(rules_app, ["list", "--kind", "team_size"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "team.size" in result.output
    assert "deadline." not in result.output


def test_rules_list_unknown_ruleset() -> None:
    result = runner.invoke(rules_app, ["list", "--ruleset", "gd-2030"])
    assert result.exit_code == 1
    assert "RULESET_UNKNOWN" in result.output


@pytest.fixture
def database(tmp_path: Path) -> str:
    path = tmp_path / "inspectnet.db"
    migrate.upgrade(make_settings(f"sqlite+aiosqlite:///{path}"))
    return str(path)


def rows(path: str) -> list[tuple[int, int, int, str]]:
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        found = [
            (r.year, len(r.holidays), len(r.workdays), r.source)
            for r in session.scalars(select(CalendarYear))
        ]
    engine.dispose()
    return found


def test_calendar_load_stores_the_year(database: str) -> None:
    url = f"sqlite+aiosqlite:///{database}"
    result = runner.invoke(
        calendar_app,
        ["load", str(FIXTURES / "calendar-2027.yaml"), "--database-url", url],
        env={"INSPECTNET_KEYS_DIR": str(mounted_keys_dir())},
    )
    assert result.exit_code == 0, result.output
    assert "2027" in result.output
    assert rows(database) == [(2027, 18, 2, "calendar-2027.yaml: 测试用虚构安排")]


def test_calendar_load_refuses_a_bad_file_and_stores_nothing(database: str, tmp_path: Path) -> None:
    bad = tmp_path / "2027.yaml"
    bad.write_text("year: 2027\nholidays: [2027-01-01]\nworkdays: [2027-01-01]\n", "utf-8")
    url = f"sqlite+aiosqlite:///{database}"
    result = runner.invoke(calendar_app, ["load", str(bad), "--database-url", url])
    assert result.exit_code == 1
    assert "CALENDAR_INVALID" in result.output
    assert rows(database) == []
