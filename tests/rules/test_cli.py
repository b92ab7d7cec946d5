"""The CLI adapters: ``rules list`` and ``calendar load``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from chinese_calendar import constants as chinese_calendar
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inspectnet import migrate
from inspectnet.audit.models import AuditEntry
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


def audit(path: str) -> list[tuple[str, str, Any]]:
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        query = select(AuditEntry).where(AuditEntry.action == "calendar.load")
        found = [(e.action, e.outcome.value, e.detail) for e in session.scalars(query)]
    engine.dispose()
    return found


def rows(path: str) -> list[tuple[int, int, int, str]]:
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        found = [
            (r.year, len(r.holidays), len(r.workdays), r.source)
            for r in session.scalars(select(CalendarYear))
        ]
    engine.dispose()
    return found


def _load(database: str, *args: str) -> Any:
    url = f"sqlite+aiosqlite:///{database}"
    return runner.invoke(
        calendar_app,
        ["load", *args, "--database-url", url],
        env={"INSPECTNET_KEYS_DIR": str(mounted_keys_dir())},
    )


def test_calendar_load_stores_the_year_and_prints_the_diff(database: str) -> None:
    result = _load(database, str(FIXTURES / "calendar-2027-full.yaml"))
    assert result.exit_code == 0, result.output
    assert "已加载 2027 年节假日安排" in result.output
    assert "2027 年（此前无该年安排）：新增节假日 29 天" in result.output
    assert "+ 调休上班日：2027-02-20、2027-05-08、2027-09-26、2027-10-09" in result.output
    assert rows(database) == [(2027, 29, 4, "calendar-2027-full.yaml: 测试用虚构全年安排")]
    [(action, outcome, detail)] = audit(database)
    assert (action, outcome) == ("calendar.load", "SUCCESS")
    assert detail["diff"]["replaces"] is None


def test_calendar_load_of_a_known_year_needs_replace(database: str, tmp_path: Path) -> None:
    holidays = sorted(d for d in chinese_calendar.holidays if d.year == 2026)
    workdays = sorted(d for d in chinese_calendar.workdays if d.year == 2026)
    corrected = tmp_path / "2026.yaml"
    corrected.write_text(
        yaml.safe_dump({"year": 2026, "holidays": holidays, "workdays": workdays[:-1]}), "utf-8"
    )
    refused = _load(database, str(corrected))
    assert refused.exit_code == 1
    assert "CALENDAR_YEAR_EXISTS" in refused.output
    assert "取消调休上班日 1 天" in refused.output
    assert rows(database) == []

    replaced = _load(database, str(corrected), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert f"- 调休上班日：{workdays[-1].isoformat()}" in replaced.output
    assert [year for year, *_ in rows(database)] == [2026]
    # The refusal is audited as the API audits it (inspectnet.work), then the replacement.
    refusal, (_, outcome, detail) = audit(database)
    assert refusal == (
        "calendar.load",
        "FAILED",
        {"code": "CALENDAR_YEAR_EXISTS", "field": "replace"},
    )
    assert outcome == "SUCCESS"
    assert detail["diff"]["replaces"].startswith("chinesecalendar ")
    assert detail["diff"]["workdays_removed"] == [workdays[-1].isoformat()]


def test_calendar_load_refuses_an_implausible_file_naming_each_check(
    database: str, tmp_path: Path
) -> None:
    one = tmp_path / "2026.yaml"
    one.write_text("year: 2026\nholidays: [2026-01-01]\nworkdays: []\n", "utf-8")
    result = _load(database, str(one), "--replace")
    assert result.exit_code == 1
    for code in (
        "CALENDAR_IMPLAUSIBLE",
        "CALENDAR_WORKING_DAYS_IMPLAUSIBLE",
        "CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE",
        "CALENDAR_WORKDAY_COUNT_IMPLAUSIBLE",
        "CALENDAR_HOLIDAY_BLOCKS_TOO_FEW",
    ):
        assert code in result.output
    assert rows(database) == []
    assert [(action, outcome) for action, outcome, _ in audit(database)] == [
        ("calendar.load", "FAILED")
    ]


def test_calendar_load_refuses_a_bad_file_and_stores_nothing(database: str, tmp_path: Path) -> None:
    bad = tmp_path / "2027.yaml"
    bad.write_text("year: 2027\nholidays: [2027-01-01]\nworkdays: [2027-01-01]\n", "utf-8")
    result = _load(database, str(bad))
    assert result.exit_code == 1
    assert "CALENDAR_INVALID" in result.output
    assert rows(database) == []


def test_calendar_unload_removes_a_loaded_year_and_prints_the_diff(database: str) -> None:
    assert _load(database, str(FIXTURES / "calendar-2027-full.yaml")).exit_code == 0
    url = f"sqlite+aiosqlite:///{database}"
    result = runner.invoke(
        calendar_app,
        ["unload", "2027", "--database-url", url],
        env={"INSPECTNET_KEYS_DIR": str(mounted_keys_dir())},
    )
    assert result.exit_code == 0, result.output
    assert "取消节假日 29 天" in result.output
    assert rows(database) == []
    missing = runner.invoke(
        calendar_app,
        ["unload", "2027", "--database-url", url],
        env={"INSPECTNET_KEYS_DIR": str(mounted_keys_dir())},
    )
    assert missing.exit_code == 1 and "CALENDAR_YEAR_NOT_LOADED" in missing.output
