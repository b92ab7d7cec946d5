"""Calendar periods and Chinese working days (法定节假日与调休).

Two ways of counting appear in the regulations:

* calendar periods, "within 15 days / 1 month / 2 months" (15天内, 1个月内): the day of the start
  event is not counted (the rule of 《民法典》 §201), so 15 days from 2024-12-20 end on 2025-01-04;
  a month ends on the same day number of the target month, clamped to its last day, so 1 month
  from 2025-01-31 ends on 2025-02-28. The last day is NOT moved off a weekend or holiday: the
  regulations say "within N days" and offices read them plainly;
* working days, "20–40 working days" (20～40个工作日): days that are working days on the Chinese
  statutory calendar, i.e. Monday to Friday unless a statutory holiday, plus the make-up working
  days 调休 that fall on a weekend. Again the start day itself is not counted.

The statutory calendar comes from the ``chinesecalendar`` package (years 2004 to its release) and
from years a platform operator loads. A working-day count that touches a year known to neither is
made on weekends alone and flagged ``provisional``, never silently presented as exact.

Calendar file format (``inspectnet calendar load FILE``), YAML or JSON, one year per file::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知   # optional, free text
    holidays:            # every day off for a statutory holiday; weekend days may be listed too
      - 2027-01-01
      - 2027-01-02
    workdays:            # make-up working days 调休 (normally weekend days)
      - 2027-02-20

Every date must lie in ``year``, no date may be both a holiday and a workday, and ``holidays``
may not be empty (every Chinese year has statutory holidays: an empty list is a mistake, and
would make the year look exact while being wrong). A well-formed year is then held to the
shipped years (``calendar_checks``: plausibility, the diff of what it replaces) before it loads.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from chinese_calendar import constants as _chinese_calendar

from inspectnet.errors import ValidationFailed

CALENDAR_INVALID = "CALENDAR_INVALID"

# Ten years' worth: a longer working-day count is a broken rule or calendar, so the day-by-day
# walk stops instead of looping for ever.
_MAX_WORKING_DAYS = 3660


class PeriodUnit(StrEnum):
    """How a deadline's amount is counted."""

    CALENDAR_DAYS = "calendar_days"
    CALENDAR_MONTHS = "calendar_months"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    """The last day of a period, and whether it rests on an unknown holiday calendar."""

    on: date
    provisional: bool = False


def add_calendar_days(start: date, days: int) -> date:
    """The last day of "within ``days`` days" from ``start`` (start day not counted)."""
    return start + timedelta(days=days)


def add_calendar_months(start: date, months: int) -> date:
    """The last day of "within ``months`` months" from ``start``, clamped to the month's end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


class WorkingDayCalendar:
    """The Chinese statutory calendar for the years it covers; weekends alone elsewhere.

    Immutable: ``with_year`` returns a new calendar, so one built per request can be shared.
    """

    __slots__ = ("_holidays", "_sources", "_workdays")

    def __init__(
        self,
        *,
        holidays: Iterable[date],
        workdays: Iterable[date],
        sources: Mapping[int, str],
    ) -> None:
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        self._sources: Mapping[int, str] = MappingProxyType(dict(sources))
        stray = {d.year for d in self._holidays | self._workdays} - set(self._sources)
        if stray:
            raise ValueError(f"dates given for years without a source: {sorted(stray)}")

    @classmethod
    def from_chinese_calendar(cls) -> WorkingDayCalendar:
        """The calendar the ``chinesecalendar`` package knows (2004 to its release year)."""
        return _packaged_calendar()

    @classmethod
    def weekends_only(cls) -> WorkingDayCalendar:
        """A calendar that covers no year (every count provisional); for tests and fallbacks."""
        return cls(holidays=(), workdays=(), sources={})

    def with_year(
        self, year: int, *, holidays: Iterable[date], workdays: Iterable[date], source: str
    ) -> WorkingDayCalendar:
        """A copy in which ``year`` is replaced by the given schedule (a loaded year wins)."""
        data = validate_calendar_year(year, holidays, workdays, source=source)
        sources = dict(self._sources)
        sources[year] = source
        return WorkingDayCalendar(
            holidays={d for d in self._holidays if d.year != year} | set(data.holidays),
            workdays={d for d in self._workdays if d.year != year} | set(data.workdays),
            sources=sources,
        )

    @property
    def covered_years(self) -> frozenset[int]:
        """Years whose holidays and make-up working days are known."""
        return frozenset(self._sources)

    @property
    def sources(self) -> Mapping[int, str]:
        """Where each covered year's schedule came from (package or loaded file)."""
        return self._sources

    def covers(self, year: int) -> bool:
        """Whether ``year``'s statutory schedule is known."""
        return year in self._sources

    def year_schedule(self, year: int) -> CalendarYearData | None:
        """The holidays and make-up working days of ``year``, or None when not covered."""
        if year not in self._sources:
            return None
        return CalendarYearData(
            year=year,
            holidays=tuple(sorted(d for d in self._holidays if d.year == year)),
            workdays=tuple(sorted(d for d in self._workdays if d.year == year)),
            source=self._sources[year],
        )

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (weekends alone for years not covered)."""
        if day in self._workdays:
            return True
        return day.weekday() < 5 and day not in self._holidays

    def add_working_days(self, start: date, days: int) -> PeriodEnd:
        """The ``days``-th working day after ``start`` (start day not counted)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        day = start
        counted = 0
        provisional = False
        for _ in range(_MAX_WORKING_DAYS * 2):
            day += timedelta(days=1)
            # Any day looked at in an unknown year could have been a holiday or a 调休 workday.
            provisional = provisional or not self.covers(day.year)
            if self.is_workday(day):
                counted += 1
                if counted == days:
                    return PeriodEnd(day, provisional)
        raise ValueError(f"no {days} working days found after {start}")

    def end_of_period(self, start: date, unit: PeriodUnit, amount: int) -> PeriodEnd:
        """The last day of a period of ``amount`` ``unit`` counted from ``start``."""
        if unit is PeriodUnit.CALENDAR_DAYS:
            return PeriodEnd(add_calendar_days(start, amount))
        if unit is PeriodUnit.CALENDAR_MONTHS:
            return PeriodEnd(add_calendar_months(start, amount))
        return self.add_working_days(start, amount)

    def __repr__(self) -> str:
        years = sorted(self._sources)
        span = f"{years[0]}..{years[-1]}" if years else "none"
        return f"<WorkingDayCalendar years={span} ({len(years)})>"


@lru_cache(maxsize=1)
def _packaged_calendar() -> WorkingDayCalendar:
    holidays = set(_chinese_calendar.holidays)
    workdays = set(_chinese_calendar.workdays)
    # The package covers whole years: from its first to its last year with any holiday.
    first, last = min(d.year for d in holidays), max(d.year for d in holidays)
    version = _package_version()
    return WorkingDayCalendar(
        holidays=holidays,
        workdays=workdays,
        sources={year: f"chinesecalendar {version}" for year in range(first, last + 1)},
    )


def _package_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # vendored or renamed: the data is still what it is
        return "unknown"


@dataclass(frozen=True, slots=True)
class CalendarYearData:
    """One year's statutory schedule, validated."""

    year: int
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]
    source: str


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=CALENDAR_INVALID, field=field)


def _as_date(value: object, field: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _invalid(f"日期格式无效：{value!r}（应为 YYYY-MM-DD）", field)


def validate_calendar_year(
    year: object, holidays: Iterable[object], workdays: Iterable[object], *, source: str = ""
) -> CalendarYearData:
    """Check one year's schedule; a bad one raises ValidationFailed (CALENDAR_INVALID)."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2200:
        raise _invalid(f"年份无效：{year!r}", "year")
    if isinstance(holidays, str | bytes) or isinstance(workdays, str | bytes):
        raise _invalid("节假日和调休工作日应为日期列表", "holidays")
    parsed: dict[str, list[date]] = {}
    for field, values in (("holidays", holidays), ("workdays", workdays)):
        days = [_as_date(v, field) for v in values]
        outside = sorted(d for d in days if d.year != year)
        if outside:
            raise _invalid(f"日期 {outside[0].isoformat()} 不在 {year} 年内", field)
        parsed[field] = sorted(set(days))
    if not parsed["holidays"]:
        raise _invalid(f"{year} 年的法定节假日列表为空", "holidays")
    both = sorted(set(parsed["holidays"]) & set(parsed["workdays"]))
    if both:
        raise _invalid(f"日期 {both[0].isoformat()} 不能同时是节假日和调休工作日", "workdays")
    return CalendarYearData(
        year=year,
        holidays=tuple(parsed["holidays"]),
        workdays=tuple(parsed["workdays"]),
        source=source,
    )


def parse_calendar_document(data: Any, *, source: str) -> CalendarYearData:
    """Validate a parsed calendar file (see the module docstring for its format)."""
    if not isinstance(data, dict):
        raise _invalid(f"日历文件 {source} 应为一个映射（year、holidays、workdays）", "year")
    unknown = sorted(set(data) - {"year", "source", "holidays", "workdays"})
    if unknown:
        raise _invalid(f"日历文件 {source} 含有未知字段 {unknown[0]}", str(unknown[0]))
    for field in ("year", "holidays", "workdays"):
        if field not in data:
            raise _invalid(f"日历文件 {source} 缺少字段 {field}", field)
    for field in ("holidays", "workdays"):
        if not isinstance(data[field], list):
            raise _invalid(f"日历文件 {source} 的 {field} 应为日期列表", field)
    note = data.get("source")
    label = f"{source}: {note}" if isinstance(note, str) and note.strip() else source
    try:
        return validate_calendar_year(
            data["year"], data["holidays"], data["workdays"], source=label
        )
    except ValidationFailed as error:
        raise _invalid(f"日历文件 {source}：{error.message}", error.field or "year") from None


def read_calendar_file(path: Path) -> CalendarYearData:
    """Read and validate a YAML or JSON calendar file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _invalid(f"无法读取日历文件 {path.name}：{error.strerror}", "file") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise _invalid(f"日历文件 {path.name} 无法解析：{error}", "file") from None
    return parse_calendar_document(data, source=path.name)
