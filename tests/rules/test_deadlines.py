"""The deadline engine: tables of (rule, start, expected due date, article) on real dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from chinese_calendar import constants as chinese_calendar

from inspectnet import clock
from inspectnet.rules.calendar import WorkingDayCalendar, read_calendar_file
from inspectnet.rules.deadlines import Colour, DeadlineStatus, compute_deadline
from inspectnet.rules.format import Event
from inspectnet.rules.registry import RulesetRegistry, registry

FIXTURES = Path(__file__).parent / "fixtures"
CALENDAR = WorkingDayCalendar.from_chinese_calendar()


def beijing(day: date, hour: int = 10) -> datetime:
    """A working-hours instant on ``day`` in Beijing."""
    return datetime.combine(day, time(hour), tzinfo=clock.CHINA)


def calendar_through_2026() -> WorkingDayCalendar:
    """The packaged data cut at 2026, so these tests hold when chinesecalendar learns 2027."""
    return WorkingDayCalendar(
        holidays=[d for d in chinese_calendar.holidays if d.year <= 2026],
        workdays=[d for d in chinese_calendar.workdays if d.year <= 2026],
        sources={year: "chinesecalendar" for year in range(2004, 2027)},
    )


QH, NMG, d = "qh-zrzyt", "nmg-2016", date

# (ruleset, rule, start event's Beijing date, expected due date, article)
DUE_DATES = [
    (QH, "deadline.special_meeting", d(2024, 12, 20), d(2025, 1, 4), "qh-zrzyt §19"),
    (QH, "deadline.rectification_plan", d(2025, 1, 31), d(2025, 2, 28), "qh-zrzyt §19"),
    (QH, "deadline.rectification_report", d(2024, 12, 31), d(2025, 2, 28), "qh-zrzyt §19"),
    (NMG, "deadline.rectification_report", d(2025, 1, 31), d(2025, 3, 31), "nmg-2016 §30"),
    (QH, "deadline.hearing", d(2024, 1, 31), d(2024, 2, 29), "qh-zrzyt §17"),
    (NMG, "deadline.clue_handling_report", d(2025, 11, 30), d(2026, 2, 28), "nmg-2016 §32"),
    (QH, "deadline.clue_handling_report", d(2025, 3, 15), d(2025, 6, 15), "qh-zrzyt §21"),
    # 40 working days from Fri 2025-09-26 across National Day (20th is 10-30, see test_calendar)
    (QH, "deadline.site_duration", d(2025, 9, 26), d(2025, 11, 27), "qh-zrzyt §11"),
]


@pytest.mark.parametrize(("ruleset_id", "rule_id", "start", "due", "article"), DUE_DATES)
def test_due_dates(ruleset_id: str, rule_id: str, start: date, due: date, article: str) -> None:
    ruleset = registry().get(ruleset_id)
    deadline = compute_deadline(
        ruleset, rule_id, started_at=beijing(start), calendar=CALENDAR, today=start
    )
    assert deadline.due_on == due
    assert deadline.article == article
    assert deadline.rule_id == rule_id
    assert deadline.ruleset_id == ruleset_id
    assert deadline.quote == ruleset.rule(rule_id).quote
    assert deadline.started_at == beijing(start)
    assert deadline.provisional is False
    assert deadline.citation == f"{rule_id} ({article})"


def test_a_window_carries_its_earliest_day() -> None:
    deadline = compute_deadline(
        registry().get("qh-zrzyt"),
        "deadline.site_duration",
        started_at=beijing(date(2025, 9, 26)),
        calendar=CALENDAR,
        today=date(2025, 9, 26),
    )
    assert (deadline.earliest_on, deadline.due_on) == (date(2025, 10, 30), date(2025, 11, 27))
    assert (deadline.start_event, deadline.end_event) == (Event.SITE_ENTERED, Event.SITE_LEFT)


def test_the_start_is_counted_on_the_beijing_date() -> None:
    # 16:30 UTC on 12-19 is 00:30 on 12-20 in Beijing: 15 days from 12-20, not 12-19.
    deadline = compute_deadline(
        registry().get("qh-zrzyt"),
        "deadline.special_meeting",
        started_at=datetime(2024, 12, 19, 16, 30, tzinfo=UTC),
        calendar=CALENDAR,
        today=date(2024, 12, 20),
    )
    assert deadline.due_on == date(2025, 1, 4)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_deadline(
            registry().get("qh-zrzyt"),
            "deadline.special_meeting",
            started_at=datetime(2025, 1, 1, 10),
            calendar=CALENDAR,
        )


# nmg §30: feedback on 2025-03-01, report due 2025-05-01; thresholds 20 (yellow) and 10 (red).
# (today, status, colour, days_left, days_late)
NMG_STATUSES = [
    (date(2025, 3, 1), DeadlineStatus.ON_TIME, Colour.GREEN, 61, None),
    (date(2025, 4, 10), DeadlineStatus.ON_TIME, Colour.GREEN, 21, None),
    (date(2025, 4, 11), DeadlineStatus.DUE_SOON, Colour.YELLOW, 20, None),
    (date(2025, 4, 20), DeadlineStatus.DUE_SOON, Colour.YELLOW, 11, None),
    (date(2025, 4, 21), DeadlineStatus.DUE_SOON, Colour.RED, 10, None),
    (date(2025, 5, 1), DeadlineStatus.DUE_SOON, Colour.RED, 0, None),
    (date(2025, 5, 2), DeadlineStatus.OVERDUE, Colour.RED, None, 1),
    (date(2025, 6, 1), DeadlineStatus.OVERDUE, Colour.RED, None, 31),
]


@pytest.mark.parametrize(("today", "status", "colour", "left", "late"), NMG_STATUSES)
def test_status_and_colour(
    today: date, status: DeadlineStatus, colour: Colour, left: int | None, late: int | None
) -> None:
    deadline = compute_deadline(
        registry().get("nmg-2016"),
        "deadline.rectification_report",
        started_at=beijing(date(2025, 3, 1)),
        calendar=CALENDAR,
        today=today,
    )
    assert deadline.due_on == date(2025, 5, 1)
    assert (deadline.status, deadline.colour) == (status, colour)
    assert (deadline.days_left, deadline.days_late) == (left, late)


@pytest.mark.parametrize(
    ("met_on", "late"),
    [(date(2025, 4, 2), 0), (date(2025, 5, 1), 0), (date(2025, 5, 3), 2)],
)
def test_met_deadlines_say_how_late(met_on: date, late: int) -> None:
    deadline = compute_deadline(
        registry().get("nmg-2016"),
        "deadline.rectification_report",
        started_at=beijing(date(2025, 3, 1)),
        met_at=beijing(met_on, hour=23),
        calendar=CALENDAR,
        today=date(2025, 12, 31),
    )
    assert (deadline.status, deadline.colour) == (DeadlineStatus.MET, None)
    assert (deadline.days_left, deadline.days_late) == (None, late)
    assert deadline.met_at == beijing(met_on, hour=23)


def test_not_started() -> None:
    deadline = compute_deadline(
        registry().get("qh-zrzyt"), "deadline.hearing", started_at=None, calendar=CALENDAR
    )
    assert deadline.status is DeadlineStatus.NOT_STARTED
    assert (deadline.due_on, deadline.colour, deadline.days_left) == (None, None, None)
    assert (deadline.article, deadline.start_event) == ("qh-zrzyt §17", Event.SITE_LEFT)
    assert deadline.provisional is False


def test_met_without_a_start_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="without started_at"):
        compute_deadline(
            registry().get("qh-zrzyt"),
            "deadline.hearing",
            started_at=None,
            met_at=beijing(date(2025, 1, 1)),
            calendar=CALENDAR,
        )


def test_today_defaults_to_the_frozen_clock() -> None:
    with clock.frozen(datetime(2025, 4, 20, 16, 30, tzinfo=UTC)):  # 04-21 00:30 in Beijing
        deadline = compute_deadline(
            registry().get("nmg-2016"),
            "deadline.rectification_report",
            started_at=beijing(date(2025, 3, 1)),
            calendar=CALENDAR,
        )
    assert (deadline.days_left, deadline.colour) == (10, Colour.RED)


def test_a_2027_deadline_is_provisional_until_2027_is_loaded() -> None:
    qh = registry().get("qh-zrzyt")
    started = beijing(date(2027, 1, 28))
    before = compute_deadline(
        qh, "deadline.site_duration", started_at=started, calendar=calendar_through_2026()
    )
    # Weekends alone: 20th working day after Thu 2027-01-28 is Thu 02-25 (see test_calendar).
    assert (before.earliest_on, before.provisional) == (date(2027, 2, 25), True)

    year = read_calendar_file(FIXTURES / "calendar-2027.yaml")
    loaded = calendar_through_2026().with_year(
        year.year, holidays=year.holidays, workdays=year.workdays, source=year.source
    )
    after = compute_deadline(qh, "deadline.site_duration", started_at=started, calendar=loaded)
    # The fixture's Spring Festival (Feb 6–14) and 调休 Sat 02-20 move it to Wed 03-03.
    assert (after.earliest_on, after.provisional) == (date(2027, 3, 3), False)


def test_calendar_periods_do_not_depend_on_the_holiday_schedule() -> None:
    # "Within 2 months" ends on the same date whatever 2027's holidays are: never provisional.
    deadline = compute_deadline(
        registry().get("qh-zrzyt"),
        "deadline.rectification_report",
        started_at=beijing(date(2027, 3, 10)),
        calendar=calendar_through_2026(),
        today=date(2027, 3, 10),
    )
    assert (deadline.due_on, deadline.provisional) == (date(2027, 5, 10), False)


def test_a_third_ruleset_drives_deadlines_without_code() -> None:
    rules = RulesetRegistry()
    rules.load([FIXTURES / "region-45.yaml"])
    third = rules.get("test-region")
    report = compute_deadline(
        third,
        "deadline.rectification_report",
        started_at=beijing(date(2025, 3, 1)),
        calendar=CALENDAR,
        today=date(2025, 3, 31),
    )
    # 45 calendar days from 03-01: March has 30 more days (to 03-31), then 15 in April.
    assert (report.due_on, report.article) == (date(2025, 4, 15), "test-region §21")
    # Its own thresholds (15/5): 15 days left is yellow, not red.
    assert (report.days_left, report.colour) == (15, Colour.YELLOW)

    meeting = compute_deadline(
        third,
        "deadline.special_meeting",
        started_at=beijing(date(2025, 9, 26)),
        calendar=CALENDAR,
        today=date(2025, 10, 9),
    )
    # 10 working days after 09-26: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13..10-16.
    assert meeting.due_on == date(2025, 10, 16)
    # The rule's own thresholds (7/3) beat the ruleset's: 7 days left is yellow.
    assert (meeting.days_left, meeting.colour) == (7, Colour.YELLOW)
