"""Queries on loaded calendar years.

Calendar years are national reference data, not tenant rows, so these queries do not start from
``authz.scopes.readable``: every office may read them; only loading them is restricted (to the
platform's operators, by ``service.load_calendar_year``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.rules.models import CalendarYear


async def get_calendar_year(session: AsyncSession, year: int) -> CalendarYear | None:
    """The loaded year, or None."""
    # system scope: the statutory calendar is the platform's reference data, read by every office
    return await session.get(CalendarYear, year)


async def list_calendar_years(session: AsyncSession) -> Sequence[CalendarYear]:
    """Every loaded year, oldest first (one statement)."""
    # system scope: the statutory calendar is the platform's reference data, read by every office
    result = await session.scalars(select(CalendarYear).order_by(CalendarYear.year))
    return result.all()
