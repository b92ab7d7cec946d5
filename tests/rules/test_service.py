"""Calendar service on a private in-memory database (the shared DB fixtures come later)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from inspectnet import clock
from inspectnet.errors import ValidationFailed
from inspectnet.rules import repository
from inspectnet.rules.models import CalendarYear
from inspectnet.rules.service import calendar_from_db, load_calendar_year


@pytest.fixture
async def session() -> AsyncIterator[AsyncSession]:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as connection:
        await connection.run_sync(CalendarYear.__table__.create)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session
    await engine.dispose()


async def test_load_inserts_then_replaces_a_year(session: AsyncSession) -> None:
    at = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    with clock.frozen(at):
        row = await load_calendar_year(
            session,
            year=2027,
            holidays=["2027-01-02", date(2027, 1, 1)],
            workdays=[],
            source="a.yaml",
            loaded_by_user_id=7,
        )
    assert (row.holidays, row.workdays, row.loaded_at, row.loaded_by_user_id) == (
        ["2027-01-01", "2027-01-02"],
        [],
        at,
        7,
    )
    await load_calendar_year(
        session,
        year=2027,
        holidays=[date(2027, 2, 8)],
        workdays=[date(2027, 2, 20)],
        source="b.yaml",
        loaded_by_user_id=None,
    )
    years = await repository.list_calendar_years(session)
    assert [(y.year, y.holidays, y.workdays, y.source) for y in years] == [
        (2027, ["2027-02-08"], ["2027-02-20"], "b.yaml")
    ]


async def test_a_bad_year_is_refused_and_nothing_is_added(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await load_calendar_year(
            session,
            year=2027,
            holidays=["2026-12-31"],
            workdays=[],
            source="bad.yaml",
            loaded_by_user_id=None,
        )
    assert (caught.value.code, caught.value.field) == ("CALENDAR_INVALID", "holidays")
    assert await repository.list_calendar_years(session) == []


async def test_calendar_from_db_lays_loaded_years_over_the_package(session: AsyncSession) -> None:
    await load_calendar_year(
        session,
        year=2027,
        holidays=[date(2027, 1, 1)],
        workdays=[date(2027, 1, 9)],
        source="x.yaml",
        loaded_by_user_id=None,
    )
    calendar = await calendar_from_db(session)
    assert calendar.covers(2025) and calendar.covers(2027)
    assert calendar.sources[2027] == "x.yaml"
    assert calendar.is_workday(date(2027, 1, 9))  # a Saturday made a working day
    assert not calendar.is_workday(date(2027, 1, 1))
