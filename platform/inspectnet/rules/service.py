"""Use cases of the calendar: load or unload a year, build the working-day calendar in force.

Services flush, never commit: the request or CLI command owns the transaction. The statutory
calendar is the platform's, shared by every office: only a platform operator (or the platform
itself, the CLI) loads a year, through ``authz.platform.require_platform``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.authz.platform import require_platform
from inspectnet.errors import Conflict, NotFound
from inspectnet.network.models import Office
from inspectnet.rules import repository
from inspectnet.rules.calendar import CalendarYearData, WorkingDayCalendar, validate_calendar_year
from inspectnet.rules.calendar_checks import CalendarDiff, check_plausible, diff_years
from inspectnet.rules.deadlines import Deadline, compute_deadline
from inspectnet.rules.models import CalendarYear
from inspectnet.rules.registry import registry


@dataclass(frozen=True, slots=True)
class CalendarLoad:
    """A loaded year and what it changed."""

    row: CalendarYear
    diff: CalendarDiff


async def load_calendar_year(
    session: AsyncSession,
    actor: Actor,
    *,
    year: int,
    holidays: Iterable[date | str],
    workdays: Iterable[date | str],
    source: str,
    replace: bool = False,
) -> CalendarLoad:
    """A platform operator loads one year of the statutory calendar for every office.

    Refused unless the actor holds the platform role (FORBIDDEN), the schedule is well-formed
    (CALENDAR_INVALID) and plausible against the shipped years (CALENDAR_IMPLAUSIBLE), and,
    for a year already known (shipped or loaded), ``replace`` is set (CALENDAR_YEAR_EXISTS).
    """
    require_platform(actor, "load", CalendarYear.__authz_type__, str(year))
    data = validate_calendar_year(year, holidays, workdays, source=source[:200])
    check_plausible(data)
    row = await repository.get_calendar_year(session, data.year)
    before = _schedule_of(row) if row is not None else _shipped_schedule(data.year)
    diff = diff_years(before, data)
    if before is not None and not replace:
        raise Conflict(
            f"{data.year} 年已有节假日安排（{before.source}），未作更改；"
            f"确需替换请加 --replace（GraphQL：replace: true）。{diff.summary()}",
            code="CALENDAR_YEAR_EXISTS",
            field="replace",
        )
    if row is None:
        row = CalendarYear(year=data.year)
        session.add(row)
    row.holidays = [d.isoformat() for d in data.holidays]
    row.workdays = [d.isoformat() for d in data.workdays]
    row.source = data.source
    row.loaded_at = clock.now()
    row.loaded_by_user_id = actor.user_id
    await session.flush()
    await record(
        session,
        actor,
        "calendar.load",
        object_id=f"CalendarYear:{data.year}",
        detail={"source": row.source, "summary": diff.summary(), "diff": diff.as_detail()},
    )
    return CalendarLoad(row, diff)


async def unload_calendar_year(session: AsyncSession, actor: Actor, *, year: int) -> CalendarDiff:
    """A platform operator removes a loaded year: the shipped schedule, or none, applies again.

    The way back from a wrong load (e.g. one made before loads were checked): the diff says
    what returns, and the removal is audited with it.
    """
    require_platform(actor, "unload", CalendarYear.__authz_type__, str(year))
    row = await repository.get_calendar_year(session, year)
    if row is None:
        raise NotFound(
            f"{year} 年没有加载的节假日安排", code="CALENDAR_YEAR_NOT_LOADED", field="year"
        )
    before = _schedule_of(row)
    # A year the package does not know falls back to weekends alone: an empty schedule.
    after = _shipped_schedule(year) or CalendarYearData(year, (), (), source="")
    diff = diff_years(before, after)
    await session.delete(row)
    await session.flush()
    await record(
        session,
        actor,
        "calendar.unload",
        object_id=f"CalendarYear:{year}",
        detail={"source": before.source, "summary": diff.summary(), "diff": diff.as_detail()},
    )
    return diff


def _schedule_of(row: CalendarYear) -> CalendarYearData:
    return CalendarYearData(
        year=row.year,
        holidays=tuple(row.holiday_dates),
        workdays=tuple(row.workday_dates),
        source=row.source,
    )


def _shipped_schedule(year: int) -> CalendarYearData | None:
    return WorkingDayCalendar.from_chinese_calendar().year_schedule(year)


async def calendar_from_db(session: AsyncSession) -> WorkingDayCalendar:
    """The packaged calendar with every loaded year laid over it (one statement)."""
    calendar = WorkingDayCalendar.from_chinese_calendar()
    for row in await repository.list_calendar_years(session):
        calendar = calendar.with_year(
            row.year, holidays=row.holiday_dates, workdays=row.workday_dates, source=row.source
        )
    return calendar


async def deadline_for_office(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    rule_id: str,
    started_at: datetime | None,
    met_at: datetime | None,
) -> Deadline:
    """A deadline of the office's ruleset, from its start event, on the loaded calendar."""
    office = await get_readable(session, actor, Office, office_id)
    ruleset = registry().get(office.ruleset_id)
    return compute_deadline(
        ruleset,
        rule_id,
        started_at=started_at,
        met_at=met_at,
        calendar=await calendar_from_db(session),
        today=clock.today_in_china(),
    )
