"""What a calendar load is held to: plausibility against the shipped years, and its diff.

A year's schedule that is well-formed (``calendar.validate_calendar_year``) may still be wrong:
120 days off, or one holiday where the State Council published thirty. Such a file would move
every office's working-day deadlines, so a load is compared with the years the
``chinesecalendar`` package ships (2004 to its release) and refused when it falls outside what
those years show, each failed check named by its own code:

* working days in the year within the shipped minimum and maximum ± ``WORKING_DAYS_MARGIN``;
* holidays on weekdays (days off that would have been working days; weekend days a file lists
  or omits change nothing) within the shipped range ± ``COUNT_MARGIN``;
* make-up working days (调休) within the shipped range ± ``COUNT_MARGIN``, each on a weekend;
* holidays clustered in festival blocks (runs of days off holding a listed holiday): as many
  blocks as the shipped years have ± 1, none longer than the longest shipped block + 2.

Pure: no database, no I/O beyond the packaged data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from inspectnet.errors import ValidationFailed
from inspectnet.rules.calendar import CalendarYearData, WorkingDayCalendar

CALENDAR_IMPLAUSIBLE = "CALENDAR_IMPLAUSIBLE"
WORKING_DAYS_MARGIN = 3
COUNT_MARGIN = 2
BLOCK_COUNT_MARGIN = 1
BLOCK_LENGTH_MARGIN = 2


@dataclass(frozen=True, slots=True)
class YearProfile:
    """The measures a year's schedule is judged by."""

    working_days: int
    weekday_holidays: int
    makeup_workdays: int
    weekday_makeups: tuple[date, ...]  # make-up days that were working days anyway
    blocks: tuple[tuple[date, date], ...]  # first and last day off of each festival block

    @property
    def longest_block(self) -> int:
        return max(((last - first).days + 1 for first, last in self.blocks), default=0)


def profile(year: int, holidays: Iterable[date], workdays: Iterable[date]) -> YearProfile:
    """Measure one year's schedule (dates outside ``year`` are ignored)."""
    off = {d for d in holidays if d.year == year}
    on = {d for d in workdays if d.year == year}
    day, last_day = date(year, 1, 1), date(year, 12, 31)
    working = 0
    blocks: list[tuple[date, date]] = []
    run: list[date] = []

    def close() -> None:
        if run and any(d in off for d in run):
            blocks.append((run[0], run[-1]))
        run.clear()

    while day <= last_day:
        if day in on or (day.weekday() < 5 and day not in off):
            working += 1
            close()
        else:
            run.append(day)
        day += timedelta(days=1)
    close()
    return YearProfile(
        working_days=working,
        weekday_holidays=sum(1 for d in off if d.weekday() < 5),
        makeup_workdays=len(on),
        weekday_makeups=tuple(sorted(d for d in on if d.weekday() < 5)),
        blocks=tuple(blocks),
    )


@dataclass(frozen=True, slots=True)
class ShippedRange:
    """Minimum and maximum of each measure over the shipped years."""

    years: tuple[int, int]
    working_days: tuple[int, int]
    weekday_holidays: tuple[int, int]
    makeup_workdays: tuple[int, int]
    blocks: tuple[int, int]
    longest_block: int


def shipped_range_of(calendar: WorkingDayCalendar) -> ShippedRange:
    """The range of every measure over the years ``calendar`` covers."""
    profiles = []
    for year in sorted(calendar.covered_years):
        schedule = calendar.year_schedule(year)
        if schedule is not None:
            profiles.append(profile(year, schedule.holidays, schedule.workdays))
    if not profiles:
        raise ValueError("no shipped year to compare a calendar with")

    def span(values: list[int]) -> tuple[int, int]:
        return min(values), max(values)

    years = sorted(calendar.covered_years)
    return ShippedRange(
        years=(years[0], years[-1]),
        working_days=span([p.working_days for p in profiles]),
        weekday_holidays=span([p.weekday_holidays for p in profiles]),
        makeup_workdays=span([p.makeup_workdays for p in profiles]),
        blocks=span([len(p.blocks) for p in profiles]),
        longest_block=max(p.longest_block for p in profiles),
    )


@lru_cache(maxsize=1)
def shipped_range() -> ShippedRange:
    """The range over the years the ``chinesecalendar`` package ships."""
    return shipped_range_of(WorkingDayCalendar.from_chinese_calendar())


@dataclass(frozen=True, slots=True)
class CalendarProblem:
    """One failed plausibility check."""

    code: str
    field: str
    message: str


class CalendarImplausible(ValidationFailed):
    """A well-formed schedule unlike any shipped year; ``problems`` names every failed check."""

    default_code = CALENDAR_IMPLAUSIBLE
    default_message = "节假日安排不合常理"

    def __init__(self, year: int, problems: Iterable[CalendarProblem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("CalendarImplausible needs at least one problem")
        listed = "；".join(f"{p.code}：{p.message}" for p in self.problems)
        super().__init__(
            f"{year} 年节假日安排未通过合理性检查（未加载）：{listed}",
            code=CALENDAR_IMPLAUSIBLE,
            field=self.problems[0].field,
        )


def _outside(value: int, low: int, high: int, margin: int) -> bool:
    return not low - margin <= value <= high + margin


def plausibility_problems(
    data: CalendarYearData, shipped: ShippedRange | None = None
) -> list[CalendarProblem]:
    """Every check the schedule fails against the shipped years (empty: plausible)."""
    ref = shipped or shipped_range()
    seen = profile(data.year, data.holidays, data.workdays)
    basis = f"{ref.years[0]}–{ref.years[1]} 年"
    problems: list[CalendarProblem] = []
    low, high = ref.working_days
    if _outside(seen.working_days, low, high, WORKING_DAYS_MARGIN):
        problems.append(
            CalendarProblem(
                "CALENDAR_WORKING_DAYS_IMPLAUSIBLE",
                "holidays",
                f"全年工作日 {seen.working_days} 天，{basis}为 {low}～{high} 天"
                f"（允许相差 {WORKING_DAYS_MARGIN} 天）",
            )
        )
    low, high = ref.weekday_holidays
    if _outside(seen.weekday_holidays, low, high, COUNT_MARGIN):
        problems.append(
            CalendarProblem(
                "CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE",
                "holidays",
                f"落在周一至周五的节假日 {seen.weekday_holidays} 天，{basis}为 {low}～{high} 天"
                f"（允许相差 {COUNT_MARGIN} 天）",
            )
        )
    low, high = ref.makeup_workdays
    if _outside(seen.makeup_workdays, low, high, COUNT_MARGIN):
        problems.append(
            CalendarProblem(
                "CALENDAR_WORKDAY_COUNT_IMPLAUSIBLE",
                "workdays",
                f"调休上班日 {seen.makeup_workdays} 天，{basis}为 {low}～{high} 天"
                f"（允许相差 {COUNT_MARGIN} 天）",
            )
        )
    if seen.weekday_makeups:
        shown = "、".join(d.isoformat() for d in seen.weekday_makeups[:5])
        problems.append(
            CalendarProblem(
                "CALENDAR_WORKDAY_NOT_WEEKEND",
                "workdays",
                f"调休上班日应在周末，{shown} 本就是工作日",
            )
        )
    low, high = ref.blocks
    if len(seen.blocks) > high + BLOCK_COUNT_MARGIN:
        problems.append(
            CalendarProblem(
                "CALENDAR_HOLIDAYS_SCATTERED",
                "holidays",
                f"节假日分散为 {len(seen.blocks)} 段，{basis}为 {low}～{high} 段（应集中于节日）",
            )
        )
    elif len(seen.blocks) < low - BLOCK_COUNT_MARGIN:
        problems.append(
            CalendarProblem(
                "CALENDAR_HOLIDAY_BLOCKS_TOO_FEW",
                "holidays",
                f"节假日只有 {len(seen.blocks)} 段，{basis}为 {low}～{high} 段（缺少节日）",
            )
        )
    if seen.longest_block > ref.longest_block + BLOCK_LENGTH_MARGIN:
        first, last = max(seen.blocks, key=lambda b: b[1] - b[0])
        problems.append(
            CalendarProblem(
                "CALENDAR_HOLIDAY_BLOCK_TOO_LONG",
                "holidays",
                f"{first.isoformat()} 至 {last.isoformat()} 连续放假 {seen.longest_block} 天，"
                f"{basis}最长 {ref.longest_block} 天",
            )
        )
    return problems


def check_plausible(data: CalendarYearData, shipped: ShippedRange | None = None) -> None:
    """Raise CalendarImplausible naming every failed check, or return."""
    problems = plausibility_problems(data, shipped)
    if problems:
        raise CalendarImplausible(data.year, problems)


@dataclass(frozen=True, slots=True)
class CalendarDiff:
    """What a load changes in one year, against the schedule it replaces (or none)."""

    year: int
    replaces: str | None  # the source of the schedule replaced; None for a year not known
    holidays_added: tuple[date, ...]
    holidays_removed: tuple[date, ...]
    workdays_added: tuple[date, ...]
    workdays_removed: tuple[date, ...]
    # Days whose working/non-working status flips: what moves deadlines.
    status_changed: tuple[date, ...]

    @property
    def is_empty(self) -> bool:
        return not (
            self.holidays_added
            or self.holidays_removed
            or self.workdays_added
            or self.workdays_removed
        )

    def summary(self) -> str:
        """One Chinese line of counts."""
        against = f"相对于现有安排（{self.replaces}）" if self.replaces else "（此前无该年安排）"
        return (
            f"{self.year} 年{against}：新增节假日 {len(self.holidays_added)} 天，"
            f"取消节假日 {len(self.holidays_removed)} 天，"
            f"新增调休上班日 {len(self.workdays_added)} 天，"
            f"取消调休上班日 {len(self.workdays_removed)} 天，"
            f"工作日/休息日变化 {len(self.status_changed)} 天"
        )

    def as_detail(self) -> dict[str, object]:
        """The diff as JSON for the audit log."""

        def iso(days: tuple[date, ...]) -> list[str]:
            return [d.isoformat() for d in days]

        return {
            "year": self.year,
            "replaces": self.replaces,
            "holidays_added": iso(self.holidays_added),
            "holidays_removed": iso(self.holidays_removed),
            "workdays_added": iso(self.workdays_added),
            "workdays_removed": iso(self.workdays_removed),
            "status_changed": len(self.status_changed),
        }


def diff_years(before: CalendarYearData | None, after: CalendarYearData) -> CalendarDiff:
    """The diff of ``after`` against ``before`` (None: a year nobody knew, weekends alone)."""
    old_off = set(before.holidays) if before else set()
    old_on = set(before.workdays) if before else set()
    new_off, new_on = set(after.holidays), set(after.workdays)

    def working(day: date, off: set[date], on: set[date]) -> bool:
        return day in on or (day.weekday() < 5 and day not in off)

    touched = old_off | old_on | new_off | new_on
    return CalendarDiff(
        year=after.year,
        replaces=before.source if before else None,
        holidays_added=tuple(sorted(new_off - old_off)),
        holidays_removed=tuple(sorted(old_off - new_off)),
        workdays_added=tuple(sorted(new_on - old_on)),
        workdays_removed=tuple(sorted(old_on - new_on)),
        status_changed=tuple(
            sorted(d for d in touched if working(d, old_off, old_on) != working(d, new_off, new_on))
        ),
    )
