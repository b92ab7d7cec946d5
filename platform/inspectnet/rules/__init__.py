"""Rulesets as cited data, the Chinese working-day calendar and the pure deadline engine.

Services ask "the rectification-report deadline of this office's ruleset"::

    ruleset = get_ruleset(office.ruleset_id)
    deadline = compute_deadline(
        ruleset, "deadline.rectification_report", started_at=feedback_at, calendar=calendar
    )
    deadline.due_on, deadline.status, deadline.citation  # … "(qh-zrzyt §19)"

The database-backed parts (``models``, ``repository``, ``service``) and the GraphQL types
(``graphql``) are imported from their modules; this package exports only pure code.
"""

from inspectnet.rules.calendar import (
    CALENDAR_INVALID,
    CalendarYearData,
    PeriodEnd,
    PeriodUnit,
    WorkingDayCalendar,
    add_calendar_days,
    add_calendar_months,
    read_calendar_file,
    validate_calendar_year,
)
from inspectnet.rules.deadlines import Colour, Deadline, DeadlineStatus, compute_deadline, evaluate
from inspectnet.rules.format import (
    DeadlineRule,
    Event,
    RuleBase,
    RuleKind,
    Ruleset,
    WarningThresholds,
)
from inspectnet.rules.registry import (
    RULESET_INVALID,
    Problem,
    RulesetInvalid,
    RulesetRegistry,
    get_ruleset,
    read_ruleset_file,
    registry,
)

__all__ = [
    "CALENDAR_INVALID",
    "RULESET_INVALID",
    "CalendarYearData",
    "Colour",
    "Deadline",
    "DeadlineRule",
    "DeadlineStatus",
    "Event",
    "PeriodEnd",
    "PeriodUnit",
    "Problem",
    "RuleBase",
    "RuleKind",
    "Ruleset",
    "RulesetInvalid",
    "RulesetRegistry",
    "WarningThresholds",
    "WorkingDayCalendar",
    "add_calendar_days",
    "add_calendar_months",
    "compute_deadline",
    "evaluate",
    "get_ruleset",
    "read_calendar_file",
    "read_ruleset_file",
    "registry",
    "validate_calendar_year",
]
