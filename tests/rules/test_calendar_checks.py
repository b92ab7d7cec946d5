"""Plausibility of a year's schedule against the shipped years, and the diff of a load (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from inspectnet.rules.calendar import (
    CalendarYearData,
    WorkingDayCalendar,
    read_calendar_file,
    validate_calendar_year,
)
from inspectnet.rules.calendar_checks import (
    CalendarImplausible,
    check_plausible,
    diff_years,
    plausibility_problems,
    profile,
    shipped_range,
)

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = WorkingDayCalendar.from_chinese_calendar()
FULL_2027 = read_calendar_file(FIXTURES / "calendar-2027-full.yaml")


def _codes(data: CalendarYearData) -> list[str]:
    return [p.code for p in plausibility_problems(data)]


def _with(
    holidays: list[date] | None = None, workdays: list[date] | None = None
) -> CalendarYearData:
    return validate_calendar_year(
        2027,
        FULL_2027.holidays if holidays is None else holidays,
        FULL_2027.workdays if workdays is None else workdays,
    )


def test_every_shipped_year_is_plausible() -> None:
    for year in sorted(SHIPPED.covered_years):
        schedule = SHIPPED.year_schedule(year)
        assert schedule is not None
        assert plausibility_problems(schedule) == [], year


def test_the_shipped_range_is_what_chinesecalendar_shows() -> None:
    shipped = shipped_range()
    assert shipped.years[0] == 2004
    # 2004–2026 (chinesecalendar 1.11.0): 248–252 working days, 16–23 weekday holidays,
    # 5–12 make-up days, 4–8 festival blocks, at most 10 days off in a row.
    assert shipped.working_days[0] >= 245 and shipped.working_days[1] <= 255
    assert shipped.blocks[0] >= 3 and shipped.blocks[1] <= 9


def test_a_plausible_year_passes() -> None:
    assert _codes(FULL_2027) == []
    check_plausible(FULL_2027)


def test_one_holiday_in_2026_fails_every_count_it_breaks() -> None:
    data = validate_calendar_year(2026, [date(2026, 1, 1)], [])
    with pytest.raises(CalendarImplausible) as caught:
        check_plausible(data)
    assert [p.code for p in caught.value.problems] == [
        "CALENDAR_WORKING_DAYS_IMPLAUSIBLE",
        "CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE",
        "CALENDAR_WORKDAY_COUNT_IMPLAUSIBLE",
        "CALENDAR_HOLIDAY_BLOCKS_TOO_FEW",
    ]
    assert caught.value.code == "CALENDAR_IMPLAUSIBLE"
    assert "全年工作日 260 天" in caught.value.message


def test_120_weekday_holidays_are_implausible() -> None:
    weekdays = [d for d in (date(2027, 1, 1) + timedelta(n) for n in range(365)) if d.weekday() < 5]
    codes = _codes(validate_calendar_year(2027, weekdays[:120], []))
    assert codes[:2] == ["CALENDAR_WORKING_DAYS_IMPLAUSIBLE", "CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE"]


def test_scattered_holidays_are_refused_though_the_counts_fit() -> None:
    # 17 single Wednesdays off, 4 make-up Saturdays: right counts, no festival blocks.
    wednesdays = [date(2027, 1, 6) + timedelta(weeks=3 * n) for n in range(17)]
    assert _codes(_with(holidays=wednesdays)) == ["CALENDAR_HOLIDAYS_SCATTERED"]


def test_one_long_block_is_refused() -> None:
    # The National Day block stretched to 15 days off, the Spring Festival shortened to match.
    october = [date(2027, 10, 1) + timedelta(n) for n in range(15)]
    holidays = [d for d in FULL_2027.holidays if d.month not in (2, 10)] + october
    holidays += [date(2027, 2, 6), date(2027, 2, 7)]
    workdays = [d for d in FULL_2027.workdays if d != date(2027, 10, 9)] + [date(2027, 10, 16)]
    assert _codes(_with(holidays=holidays, workdays=workdays)) == [
        "CALENDAR_HOLIDAY_BLOCK_TOO_LONG"
    ]


def test_a_make_up_day_on_a_weekday_is_refused() -> None:
    workdays = [*FULL_2027.workdays, date(2027, 3, 3)]  # a Wednesday: a working day anyway
    assert _codes(_with(workdays=workdays)) == ["CALENDAR_WORKDAY_NOT_WEEKEND"]


def test_too_many_make_up_days_are_refused() -> None:
    saturdays = [date(2027, 1, 9) + timedelta(weeks=n) for n in range(20)]
    codes = _codes(_with(workdays=[d for d in saturdays if d not in FULL_2027.holidays]))
    assert "CALENDAR_WORKDAY_COUNT_IMPLAUSIBLE" in codes


def test_profile_counts_weekday_holidays_whether_or_not_weekends_are_listed() -> None:
    listed = profile(2027, FULL_2027.holidays, FULL_2027.workdays)
    weekdays_only = profile(
        2027, [d for d in FULL_2027.holidays if d.weekday() < 5], FULL_2027.workdays
    )
    assert (listed.weekday_holidays, listed.working_days, len(listed.blocks)) == (17, 248, 7)
    assert (weekdays_only.weekday_holidays, weekdays_only.working_days) == (17, 248)


def test_the_diff_against_a_year_nobody_knew_adds_everything() -> None:
    diff = diff_years(None, FULL_2027)
    assert diff.replaces is None
    assert diff.holidays_added == FULL_2027.holidays
    assert diff.workdays_added == FULL_2027.workdays
    assert (diff.holidays_removed, diff.workdays_removed) == ((), ())
    assert len(diff.status_changed) == 17 + 4  # weekday holidays and make-up weekend days
    assert diff.summary().startswith("2027 年（此前无该年安排）：新增节假日 29 天")


def test_the_diff_against_the_shipped_year_names_added_removed_and_changed_days() -> None:
    shipped = SHIPPED.year_schedule(2026)
    assert shipped is not None
    moved = CalendarYearData(
        year=2026,
        holidays=(*shipped.holidays[1:], date(2026, 3, 4)),  # Jan 1 off no more; a Wednesday off
        workdays=shipped.workdays,
        source="fix.yaml",
    )
    diff = diff_years(shipped, moved)
    assert diff.replaces == shipped.source
    assert diff.holidays_added == (date(2026, 3, 4),)
    assert diff.holidays_removed == (date(2026, 1, 1),)
    assert diff.status_changed == (date(2026, 1, 1), date(2026, 3, 4))
    assert diff.as_detail()["holidays_removed"] == ["2026-01-01"]
    assert not diff.is_empty
    assert diff_years(shipped, shipped).is_empty
