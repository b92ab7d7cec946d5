"""The on-site clock (qh-zrzyt §11): the stay at the target in Chinese working days.

The convention, stated with every answer: the entry day and the last day both count when they
are working days; statutory holidays are off and make-up working days (调休) are on, as the
working-day calendar knows them (a year it does not cover counts weekends only and the answer
says it is provisional). The stay runs from the day the team entered the site to the day it
left, or to today while it is still there. A stay below the ruleset's minimum or above its
maximum is not a silent pass: leaving the site then needs the office's recorded decision
("视具体情况由巡察办决定", same article).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from inspectnet.clock import CHINA
from inspectnet.inspections.models import Stage
from inspectnet.rules.calendar import WorkingDayCalendar
from inspectnet.rules.format import DeadlineRule, Ruleset

CONVENTION = "进驻当日和撤离当日如为工作日均计入；按国家法定节假日和调休上班日计算工作日"
RULE_ID = "deadline.site_duration"


@dataclass(frozen=True)
class SiteClock:
    entered_on: date
    until: date  # the day it left, or today while on site
    left: bool
    working_days: int
    provisional: bool  # a year the calendar does not cover was counted by weekends alone
    rule: DeadlineRule | None  # the ruleset's bounds, if it sets any
    convention: str = CONVENTION

    @property
    def min_days(self) -> int | None:
        return None if self.rule is None else self.rule.params.min_amount

    @property
    def max_days(self) -> int | None:
        return None if self.rule is None else self.rule.params.amount

    @property
    def outside(self) -> bool:
        """Below the minimum or above the maximum: needs the office's recorded decision."""
        low, high = self.min_days, self.max_days
        return (low is not None and self.working_days < low) or (
            high is not None and self.working_days > high
        )


def working_days_between(calendar: WorkingDayCalendar, first: date, last: date) -> int:
    """Working days from ``first`` to ``last``, both counted (0 when last precedes first)."""
    return sum(
        calendar.is_workday(first + timedelta(days=n)) for n in range((last - first).days + 1)
    )


def china_date(instant: datetime) -> date:
    """The Beijing date of an instant."""
    return instant.astimezone(CHINA).date()


def clock_of(
    events: Iterable[tuple[Stage, datetime]],
    ruleset: Ruleset,
    calendar: WorkingDayCalendar,
    today: date,
) -> SiteClock | None:
    """The clock from an inspection's entry and departure steps (None before entry)."""
    found = {stage: china_date(at) for stage, at in events}
    entered = found.get(Stage.ON_SITE)
    if entered is None:
        return None
    left = found.get(Stage.LEFT_SITE)
    until = left or today
    rule = ruleset.find(RULE_ID)
    return SiteClock(
        entered_on=entered,
        until=until,
        left=left is not None,
        working_days=working_days_between(calendar, entered, until),
        provisional=any(not calendar.covers(year) for year in range(entered.year, until.year + 1)),
        rule=rule if isinstance(rule, DeadlineRule) else None,
    )
