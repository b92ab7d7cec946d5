"""Deadline inputs as a browser sends them: naive times are Beijing time; nonsense is a
userError naming the argument, never a 500 or an OverflowError."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from inspectnet import clock
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.scalars import parse_datetime
from inspectnet.rules.calendar import WorkingDayCalendar
from inspectnet.rules.deadlines import compute_deadline
from inspectnet.rules.registry import registry
from tests.conftest import Api
from tests.inputs import post_ascii
from tests.rules.conftest import Desks

DEADLINE = """query($office: ID!, $rule: String!, $start: DateTime, $met: DateTime) {
  deadline(officeId: $office, ruleId: $rule, startedAt: $start, metAt: $met) {
    startedAt metAt dueOn status daysLate } }"""
RULE = "deadline.rectification_report"  # qh-zrzyt §19: 2 months


async def _ask(api: Api, desks: Desks, **variables: Any) -> dict[str, Any]:
    return await post_ascii(
        api, DEADLINE, {"office": desks.qh_id, "rule": RULE} | variables, user=desks.qh_admin
    )


def _errors(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    assert result["data"] == {"deadline": None}, result
    return [(e["extensions"].get("field"), e["extensions"]["code"]) for e in result["errors"]]


async def test_a_naive_datetime_from_a_browser_is_beijing_time(api: Api, desks: Desks) -> None:
    # 20:00 on 30 November in Beijing is 12:00 UTC: the deadline counts from the Beijing date.
    result = await _ask(api, desks, start="2026-11-30T20:00:00")
    assert "errors" not in result, result
    assert result["data"]["deadline"]["startedAt"] == "2026-11-30T20:00:00+08:00"
    assert result["data"]["deadline"]["dueOn"] == "2027-01-30"


async def test_a_naive_time_just_after_midnight_counts_from_that_beijing_date(
    api: Api, desks: Desks
) -> None:
    # 00:30 Beijing on 1 December is still 30 November in UTC; the Beijing date wins.
    result = await _ask(api, desks, start="2026-12-01T00:30:00")
    assert result["data"]["deadline"]["dueOn"] == "2027-02-01"


@pytest.mark.parametrize(
    "start", ["9999-11-30T20:00:00Z", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"]
)
async def test_far_dates_are_a_user_error_not_an_overflow(
    api: Api, start: str, desks: Desks
) -> None:
    assert _errors(await _ask(api, desks, start=start)) == [("startedAt", "DATE_OUT_OF_RANGE")]


async def test_a_met_time_before_the_start_is_refused(api: Api, desks: Desks) -> None:
    result = await _ask(api, desks, start="2026-11-30T20:00:00", met="2026-11-29T09:00:00")
    assert _errors(result) == [("metAt", "MET_BEFORE_START")]
    assert result["errors"][0]["message"] == "完成时间不能早于起算时间"


async def test_a_met_time_without_a_start_is_refused(api: Api, desks: Desks) -> None:
    assert _errors(await _ask(api, desks, met="2026-11-29T09:00:00")) == [
        ("metAt", "MET_WITHOUT_START")
    ]


async def test_every_bad_argument_is_a_separate_error_at_once(api: Api, desks: Desks) -> None:
    result = await _ask(
        api, desks, rule="deadline.\ud800", start="1066-10-14T09:00:00", met="9999-01-01"
    )
    assert _errors(result) == [
        ("ruleId", "INVALID_RULE_ID"),
        ("startedAt", "DATE_OUT_OF_RANGE"),
        ("metAt", "DATE_OUT_OF_RANGE"),
    ]
    assert all(e["path"] == ["deadline"] for e in result["errors"])


async def test_an_unparseable_datetime_is_refused_without_repeating_it(
    api: Api, desks: Desks
) -> None:
    result = await _ask(api, desks, start="2026-11-30T20:00:00\ud800")
    [error] = result["errors"]
    assert error["extensions"]["code"] == "INVALID_VARIABLES"
    assert "\ud800" not in error["message"]
    assert "ISO 8601" in error["message"]


def test_the_scalar_reads_offsets_as_given_and_naive_text_as_beijing_time() -> None:
    assert parse_datetime("2026-11-30T20:00:00") == datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert parse_datetime("2026-11-30T20:00:00Z") == datetime(2026, 11, 30, 20, tzinfo=UTC)
    assert parse_datetime("2026-11-30T20:00:00+09:00").utcoffset() == timedelta(hours=9)
    assert parse_datetime("2026-11-30T20:00:00").tzinfo is clock.CHINA


CALENDAR = WorkingDayCalendar.from_chinese_calendar()


@pytest.mark.parametrize(
    ("started_at", "met_at", "expected"),
    [
        (datetime(9999, 12, 31, tzinfo=UTC), None, [("startedAt", "DATE_OUT_OF_RANGE")]),
        (datetime(1899, 12, 31, tzinfo=UTC), None, [("startedAt", "DATE_OUT_OF_RANGE")]),
        (
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2201, 1, 1, tzinfo=UTC),
            [("metAt", "DATE_OUT_OF_RANGE")],
        ),
        (
            datetime(2026, 1, 2, tzinfo=UTC),
            datetime(2026, 1, 1, 23, tzinfo=UTC),
            [("metAt", "MET_BEFORE_START")],
        ),
    ],
)
def test_the_engine_refuses_instants_it_cannot_count(
    started_at: datetime, met_at: datetime | None, expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        compute_deadline(
            registry().get("qh-zrzyt"),
            "deadline.site_duration",  # working days: the walk that overflowed
            started_at=started_at,
            met_at=met_at,
            calendar=CALENDAR,
            today=date(2026, 1, 1),
        )
    assert [(e.field, e.code) for e in refused.value.errors] == expected


def test_the_engine_counts_at_the_edges_of_its_range() -> None:
    ruleset = registry().get("qh-zrzyt")
    east = timezone(timedelta(hours=14))
    for instant in (datetime(1900, 1, 1, tzinfo=east), datetime(2200, 12, 31, 23, tzinfo=UTC)):
        deadline = compute_deadline(
            ruleset, "deadline.site_duration", started_at=instant, calendar=CALENDAR, today=None
        )
        assert deadline.due_on is not None
