"""Persistence of the working-day calendar: years a platform operator loaded (节假日安排)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet import clock
from inspectnet.db import Base, UTCDateTime
from inspectnet.validation import FREE_TEXT, text_kind


class CalendarYear(Base):
    """One year's statutory holidays and make-up working days (调休), loaded from a file.

    Not tenant-owned: the State Council's schedule is the same for every office, so the row has
    no ``office_id``; only the platform loads it. A loaded year replaces what the
    ``chinesecalendar`` package says about it.
    """

    __tablename__ = "calendar_years"
    # Loading is a platform action (authz.platform): policies/base.csv names this type.
    __authz_type__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # ISO dates ("2027-01-01"), sorted; JSON keeps SQLite and PostgreSQL alike.
    holidays: Mapped[list[str]] = mapped_column(JSON)
    workdays: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200), info=text_kind(FREE_TEXT))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # No foreign key yet: accounts arrive in a later revision.
    loaded_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    @property
    def holiday_dates(self) -> list[date]:
        """The holidays as dates."""
        return [date.fromisoformat(d) for d in self.holidays]

    @property
    def workday_dates(self) -> list[date]:
        """The make-up working days as dates."""
        return [date.fromisoformat(d) for d in self.workdays]
