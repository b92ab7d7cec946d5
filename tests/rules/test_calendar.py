"""Calendar periods and Chinese working days, on real dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from chinese_calendar import constants as chinese_calendar

from inspectnet.errors import ValidationFailed
from inspectnet.rules.calendar import (
    PeriodUnit,
    WorkingDayCalendar,
    add_calendar_days,
    add_calendar_months,
    parse_calendar_document,
    read_calendar_file,
    validate_calendar_year,
)

FIXTURES = Path(__file__).parent / "fixtures"
CALENDAR = WorkingDayCalendar.from_chinese_calendar()


def calendar_through_2026() -> WorkingDayCalendar:
    """The packaged data cut at 2026, so these tests hold when chinesecalendar learns 2027."""
    return WorkingDayCalendar(
        holidays=[d for d in chinese_calendar.holidays if d.year <= 2026],
        workdays=[d for d in chinese_calendar.workdays if d.year <= 2026],
        sources={year: "chinesecalendar" for year in range(2004, 2027)},
    )


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 12, 20), 15, date(2025, 1, 4)),  # a Saturday: "within 15 days" is not moved
        (date(2025, 2, 28), 1, date(2025, 3, 1)),
        (date(2024, 2, 28), 1, date(2024, 2, 29)),  # leap day
        (date(2025, 12, 31), 1, date(2026, 1, 1)),
    ],
)
def test_calendar_days(start: date, days: int, expected: date) -> None:
    assert add_calendar_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamped to the end of February
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across a year end
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 5, 15), 12, date(2026, 5, 15)),
    ],
)
def test_calendar_months_clamp_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_calendar_months(start, months) == expected


def test_twenty_working_days_across_national_day_2025() -> None:
    # Worked by hand on the 2025 schedule (国办发明电〔2024〕12号): Oct 1–8 off for National Day
    # and Mid-Autumn; make-up working days Sun 2025-09-28 and Sat 2025-10-11. The start day
    # (Fri 09-26) is not counted:
    #   Sat 09-27 off            Sun 09-28 调休 -> 1    Mon 09-29 -> 2    Tue 09-30 -> 3
    #   Wed 10-01 … Wed 10-08 holiday (8 days)
    #   Thu 10-09 -> 4           Fri 10-10 -> 5         Sat 10-11 调休 -> 6    Sun 10-12 off
    #   Mon 10-13 … Fri 10-17 -> 7..11
    #   Mon 10-20 … Fri 10-24 -> 12..16
    #   Mon 10-27 -> 17, Tue 10-28 -> 18, Wed 10-29 -> 19, Thu 10-30 -> 20
    end = CALENDAR.add_working_days(date(2025, 9, 26), 20)
    assert end.on == date(2025, 10, 30)
    assert end.provisional is False


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Sunday make-up working day
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # over the whole holiday
        (date(2025, 10, 10), 1, date(2025, 10, 11)),  # Saturday make-up working day
        (date(2025, 9, 26), 40, date(2025, 11, 27)),  # 20 more after 10-30: 10-31, 4 weeks
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Sat 调休 before Spring Festival 2026
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # Feb 15–23 off
        (date(2025, 6, 6), 1, date(2025, 6, 9)),  # ordinary weekend
        (date(2025, 5, 30), 1, date(2025, 6, 3)),  # Dragon Boat: May 31–Jun 2 off
    ],
)
def test_working_days(start: date, days: int, expected: date) -> None:
    assert CALENDAR.add_working_days(start, days).on == expected


def test_end_of_period_dispatches_on_unit() -> None:
    start = date(2025, 9, 26)
    assert CALENDAR.end_of_period(start, PeriodUnit.CALENDAR_DAYS, 20).on == date(2025, 10, 16)
    assert CALENDAR.end_of_period(start, PeriodUnit.CALENDAR_MONTHS, 1).on == date(2025, 10, 26)
    assert CALENDAR.end_of_period(start, PeriodUnit.WORKING_DAYS, 20).on == date(2025, 10, 30)


def test_packaged_calendar_covers_2025_and_2026() -> None:
    assert {2004, 2025, 2026} <= CALENDAR.covered_years
    assert CALENDAR.sources[2026].startswith("chinesecalendar ")


def test_a_year_not_covered_counts_weekends_alone_and_is_provisional() -> None:
    calendar = calendar_through_2026()
    assert not calendar.covers(2027)
    # Weekends alone from Thu 2027-01-28: Fri 01-29 -> 1, Feb 1–5 -> 2..6, Feb 8–12 -> 7..11,
    # Feb 15–19 -> 12..16, Mon 02-22 … Thu 02-25 -> 17..20.
    end = calendar.add_working_days(date(2027, 1, 28), 20)
    assert (end.on, end.provisional) == (date(2027, 2, 25), True)


def test_a_count_that_crosses_into_an_unknown_year_is_provisional() -> None:
    end = calendar_through_2026().add_working_days(date(2026, 12, 28), 5)
    # Tue 12-29, Wed 12-30, Thu 12-31 (known), Fri 2027-01-01 and Mon 01-04 (guessed)
    assert (end.on, end.provisional) == (date(2027, 1, 4), True)


def test_a_count_inside_known_years_is_exact_even_near_an_unknown_one() -> None:
    end = calendar_through_2026().add_working_days(date(2026, 12, 28), 3)
    assert (end.on, end.provisional) == (date(2026, 12, 31), False)


def test_loading_2027_makes_the_count_exact() -> None:
    data = read_calendar_file(FIXTURES / "calendar-2027.yaml")
    calendar = calendar_through_2026().with_year(
        data.year, holidays=data.holidays, workdays=data.workdays, source=data.source
    )
    # With the fixture's Spring Festival (Feb 6–14 off, Sat 02-20 调休) from Thu 2027-01-28:
    # Fri 01-29 -> 1, Feb 1–5 -> 2..6, Feb 6–14 off, Feb 15–19 -> 7..11, Sat 02-20 -> 12,
    # Feb 22–26 -> 13..17, Mon 03-01 -> 18, Tue 03-02 -> 19, Wed 03-03 -> 20.
    end = calendar.add_working_days(date(2027, 1, 28), 20)
    assert (end.on, end.provisional) == (date(2027, 3, 3), False)
    assert calendar.sources[2027] == "calendar-2027.yaml: 测试用虚构安排"


def test_a_loaded_year_replaces_the_packaged_one() -> None:
    # An administrator corrects 2026: only New Year's Day off, no make-up days.
    calendar = CALENDAR.with_year(2026, holidays=[date(2026, 1, 1)], workdays=[], source="fix")
    assert calendar.is_workday(date(2026, 2, 16))  # was Spring Festival
    assert not calendar.is_workday(date(2026, 2, 14))  # was a Saturday 调休
    assert not calendar.is_workday(date(2026, 1, 1))
    assert CALENDAR.is_workday(date(2026, 2, 14))  # the original is untouched


def test_calendar_file_formats_agree(tmp_path: Path) -> None:
    yaml_data = read_calendar_file(FIXTURES / "calendar-2027.yaml")
    as_json = tmp_path / "calendar-2027.json"
    as_json.write_text(
        json.dumps(
            {
                "year": 2027,
                "source": "测试用虚构安排",
                "holidays": [d.isoformat() for d in yaml_data.holidays],
                "workdays": [d.isoformat() for d in yaml_data.workdays],
            }
        ),
        encoding="utf-8",
    )
    json_data = read_calendar_file(as_json)
    assert (json_data.year, json_data.holidays, json_data.workdays) == (
        yaml_data.year,
        yaml_data.holidays,
        yaml_data.workdays,
    )
    assert len(yaml_data.holidays) == 18
    assert yaml_data.workdays == (date(2027, 2, 20), date(2027, 5, 8))


@pytest.mark.parametrize(
    ("year", "holidays", "workdays", "field", "words"),
    [
        (2027, ["2027-01-01", "2028-01-01"], [], "holidays", "不在 2027 年内"),
        (2027, ["2027-01-01"], ["2026-12-27"], "workdays", "不在 2027 年内"),
        (2027, ["2027-02-08"], ["2027-02-08"], "workdays", "不能同时是节假日和调休工作日"),
        (2027, [], ["2027-02-20"], "holidays", "列表为空"),
        (2027, ["2027-13-01"], [], "holidays", "日期格式无效"),
        ("2027", ["2027-01-01"], [], "year", "年份无效"),
        (1900, ["1900-01-01"], [], "year", "年份无效"),
    ],
)
def test_bad_calendar_years_are_refused(
    year: object, holidays: list[str], workdays: list[str], field: str, words: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_calendar_year(year, holidays, workdays)
    assert caught.value.code == "CALENDAR_INVALID"
    assert caught.value.field == field
    assert words in caught.value.message


def test_weekends_listed_as_holidays_are_fine() -> None:
    data = validate_calendar_year(2027, ["2027-01-02", "2027-01-01", "2027-01-01"], [])
    assert data.holidays == (date(2027, 1, 1), date(2027, 1, 2))  # sorted, deduplicated


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([2027], "year"),
        ({"year": 2027, "holidays": ["2027-01-01"]}, "workdays"),
        ({"year": 2027, "holidays": "2027-01-01", "workdays": []}, "holidays"),
        ({"year": 2027, "holidays": ["2027-01-01"], "workdays": [], "extra": 1}, "extra"),
    ],
)
def test_bad_calendar_documents_name_the_file_and_field(document: object, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_calendar_document(document, source="y2027.yaml")
    assert caught.value.code == "CALENDAR_INVALID"
    assert caught.value.field == field
    assert "y2027.yaml" in caught.value.message


def test_unparsable_calendar_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("year: 2027\nholidays: [2027-01-01\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        read_calendar_file(bad)
    assert (caught.value.code, caught.value.field) == ("CALENDAR_INVALID", "file")
    assert "broken.yaml" in caught.value.message
