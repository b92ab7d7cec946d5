"""Use cases of the calendar: load a year, build the working-day calendar in force.

Services flush, never commit: the request or CLI command owns the transaction. Who may load a
year (the regional office's administrators) is checked by the caller before calling here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.errors import Forbidden
from inspectnet.network.models import Office, OfficeKind
from inspectnet.rules import repository
from inspectnet.rules.calendar import WorkingDayCalendar, validate_calendar_year
from inspectnet.rules.deadlines import Deadline, compute_deadline
from inspectnet.rules.models import CalendarYear
from inspectnet.rules.registry import registry


async def load_calendar_year(
    session: AsyncSession,
    *,
    year: int,
    holidays: Iterable[date | str],
    workdays: Iterable[date | str],
    source: str,
    loaded_by_user_id: int | None,
) -> CalendarYear:
    """Validate one year's schedule and insert or replace it (CALENDAR_INVALID if bad)."""
    data = validate_calendar_year(year, holidays, workdays, source=source)
    row = await repository.get_calendar_year(session, data.year)
    if row is None:
        row = CalendarYear(year=data.year)
        session.add(row)
    row.holidays = [d.isoformat() for d in data.holidays]
    row.workdays = [d.isoformat() for d in data.workdays]
    row.source = source[:200]
    row.loaded_at = clock.now()
    row.loaded_by_user_id = loaded_by_user_id
    await session.flush()
    return row


async def calendar_from_db(session: AsyncSession) -> WorkingDayCalendar:
    """The packaged calendar with every loaded year laid over it (one statement)."""
    calendar = WorkingDayCalendar.from_chinese_calendar()
    for row in await repository.list_calendar_years(session):
        calendar = calendar.with_year(
            row.year, holidays=row.holiday_dates, workdays=row.workday_dates, source=row.source
        )
    return calendar


async def load_calendar_year_for_network(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    year: int,
    holidays: Iterable[date | str],
    workdays: Iterable[date | str],
    source: str,
) -> CalendarYear:
    """A regional office (巡视办) loads a further year of the statutory calendar for everyone."""
    office = await get_readable(session, actor, Office, office_id)
    await require(session, actor, "load_calendar", office)
    if office.kind is not OfficeKind.REGIONAL_OFFICE:
        raise Forbidden("只有自治区/省委巡视办可以加载工作日历", code="FORBIDDEN", field="officeId")
    row = await load_calendar_year(
        session,
        year=year,
        holidays=holidays,
        workdays=workdays,
        source=source,
        loaded_by_user_id=actor.user_id,
    )
    await record(
        session,
        actor,
        "calendar.load",
        office_id=office.id,
        object_id=f"CalendarYear:{row.year}",
        detail={"source": row.source},
    )
    return row


async def load_calendar_year_as_platform(
    session: AsyncSession,
    actor: Actor,
    *,
    year: int,
    holidays: Iterable[date | str],
    workdays: Iterable[date | str],
    source: str,
) -> CalendarYear:
    """The CLI's path (``inspectnet calendar load``): the platform itself, audited."""
    if not actor.is_system:
        raise Forbidden()
    row = await load_calendar_year(
        session,
        year=year,
        holidays=holidays,
        workdays=workdays,
        source=source,
        loaded_by_user_id=None,
    )
    await record(
        session,
        actor,
        "calendar.load",
        object_id=f"CalendarYear:{row.year}",
        detail={"source": row.source},
    )
    return row


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
