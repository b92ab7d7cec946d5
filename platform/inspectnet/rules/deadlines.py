"""The deadline engine: pure functions from a rule and its start event to a due date and status.

Nothing here reads the database or the clock unless asked: pass ``today`` to make a result
reproducible (tests do), or let it default to today's Beijing date.

Status and colour (三色预警), with ``days_left`` counted in calendar days to the due date:

================  ==========================================  ==========
status            when                                        colour
================  ==========================================  ==========
NOT_STARTED       the start event has not happened            none
ON_TIME           more than ``yellow_days`` left              GREEN
DUE_SOON          at most ``yellow_days`` left (due day = 0)  YELLOW, or RED at most ``red_days``
OVERDUE           today is after the due date                 RED
MET               the end event happened (``days_late`` ≥ 0)  none
================  ==========================================  ==========
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from inspectnet import clock, validation
from inspectnet.errors import ValidationFailed
from inspectnet.rules.calendar import PeriodEnd, PeriodUnit, WorkingDayCalendar
from inspectnet.rules.format import DeadlineRule, Event, Ruleset, WarningThresholds


class DeadlineStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline; it always says which rule and article set it."""

    ruleset_id: str
    rule_id: str
    name: str
    article: str
    quote: str
    start_event: Event
    end_event: Event
    unit: PeriodUnit
    amount: int
    started_at: datetime | None
    met_at: datetime | None
    due_on: date | None
    earliest_on: date | None  # lower bound of a window (20～40个工作日), else None
    status: DeadlineStatus
    colour: Colour | None
    days_left: int | None  # open deadlines only: calendar days until due_on (0 on the day)
    days_late: int | None  # OVERDUE (> 0) and MET (0 when met on time)
    provisional: bool  # the working-day count touched a year with no known holiday schedule

    @property
    def citation(self) -> str:
        """``deadline.hearing (qh-zrzyt §17)``: how refusals and logs name it."""
        return f"{self.rule_id} ({self.article})"


def _china_date(instant: datetime, name: str) -> date:
    if instant.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    # Deadlines count on Beijing dates: 23:30 UTC on the 19th is the 20th in Beijing.
    return instant.astimezone(clock.CHINA).date()


def instant_problems(
    started_at: datetime | None, met_at: datetime | None
) -> list[ValidationFailed]:
    """Why the start and end instants cannot be counted: a year outside the range the
    calendar arithmetic is meant for (year 9999 overflowed it), or an end before the start.

    Checked on the instants as given, before any conversion to Beijing time, which could itself
    overflow. Fields are named as the API names them.
    """
    inputs = validation.Inputs()
    inputs.date(started_at, "startedAt")
    inputs.date(met_at, "metAt")
    problems = list(inputs)
    if not problems and started_at is not None and met_at is not None and met_at < started_at:
        problems.append(
            ValidationFailed("完成时间不能早于起算时间", code="MET_BEFORE_START", field="metAt")
        )
    return problems


def period_end(rule: DeadlineRule, start: date, calendar: WorkingDayCalendar) -> PeriodEnd:
    """The due date of ``rule`` for a start event on ``start`` (a Beijing date)."""
    return calendar.end_of_period(start, rule.params.unit, rule.params.amount)


def _colour(days_left: int, warning: WarningThresholds) -> Colour:
    if days_left <= warning.red_days:
        return Colour.RED
    if days_left <= warning.yellow_days:
        return Colour.YELLOW
    return Colour.GREEN


def evaluate(
    rule: DeadlineRule,
    *,
    ruleset_id: str,
    warning: WarningThresholds,
    started_at: datetime | None,
    calendar: WorkingDayCalendar,
    met_at: datetime | None = None,
    today: date | None = None,
) -> Deadline:
    """The deadline of ``rule`` given when its start (and maybe end) event happened."""
    params = rule.params
    shell = Deadline(
        ruleset_id=ruleset_id,
        rule_id=rule.id,
        name=rule.name,
        article=rule.article,
        quote=rule.quote,
        start_event=params.start_event,
        end_event=params.end_event,
        unit=params.unit,
        amount=params.amount,
        started_at=started_at,
        met_at=met_at,
        due_on=None,
        earliest_on=None,
        status=DeadlineStatus.NOT_STARTED,
        colour=None,
        days_left=None,
        days_late=None,
        provisional=False,
    )
    if started_at is None:
        if met_at is not None:
            raise ValueError(f"{rule.id}: met_at given without started_at")
        return shell
    for name, instant in (("started_at", started_at), ("met_at", met_at)):
        if instant is not None and instant.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware")
    problems = instant_problems(started_at, met_at)
    if problems:
        raise ValidationFailed.of(problems)
    start = _china_date(started_at, "started_at")
    due = calendar.end_of_period(start, params.unit, params.amount)
    earliest: date | None = None
    provisional = due.provisional
    if params.min_amount is not None:
        lower = calendar.end_of_period(start, params.unit, params.min_amount)
        earliest = lower.on
        provisional = provisional or lower.provisional
    timed = replace(shell, due_on=due.on, earliest_on=earliest, provisional=provisional)

    if met_at is not None:
        late = (_china_date(met_at, "met_at") - due.on).days
        return replace(timed, status=DeadlineStatus.MET, days_late=max(late, 0))
    day = today if today is not None else clock.today_in_china()
    left = (due.on - day).days
    if left < 0:
        return replace(timed, status=DeadlineStatus.OVERDUE, colour=Colour.RED, days_late=-left)
    colour = _colour(left, warning)
    status = DeadlineStatus.ON_TIME if colour is Colour.GREEN else DeadlineStatus.DUE_SOON
    return replace(timed, status=status, colour=colour, days_left=left)


def compute_deadline(
    ruleset: Ruleset,
    rule: DeadlineRule | str,
    *,
    started_at: datetime | None,
    calendar: WorkingDayCalendar,
    met_at: datetime | None = None,
    today: date | None = None,
) -> Deadline:
    """The deadline of a ruleset's rule (given or by id), with the ruleset's warning thresholds."""
    resolved = ruleset.deadline(rule) if isinstance(rule, str) else rule
    return evaluate(
        resolved,
        ruleset_id=ruleset.id,
        warning=ruleset.warning_for(resolved),
        started_at=started_at,
        calendar=calendar,
        met_at=met_at,
        today=today,
    )
