"""Loading the statutory calendar through GraphQL: the platform's, not any tenant's.

Reproductions: the Inner Mongolia regional admin loaded a 2027 calendar with 120 holidays and
moved Qinghai's deadlines; a valid file listing one 2026 holiday silently replaced the shipped
year. Both now change nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from chinese_calendar import constants as chinese_calendar
from sqlalchemy import func, select

from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.rules.calendar import read_calendar_file
from inspectnet.rules.models import CalendarYear
from tests.conftest import Api
from tests.rules.conftest import Desks

FIXTURES = Path(__file__).parent / "fixtures"

LOAD = """mutation($input: LoadCalendarYearInput!) { loadCalendarYear(input: $input) {
  calendarYear { year holidays workdays source }
  diff { replaces holidaysAdded holidaysRemoved workdaysAdded workdaysRemoved statusChanged summary }
  userErrors { field code message } } }"""

DEADLINE = """query($office: ID!, $rule: String!, $start: DateTime) {
  deadline(officeId: $office, ruleId: $rule, startedAt: $start) { dueOn provisional } }"""


def _input(
    year: int, holidays: list[date], workdays: list[date], *, replace: bool | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "year": year,
        "holidays": [d.isoformat() for d in holidays],
        "workdays": [d.isoformat() for d in workdays],
        "source": "国务院办公厅通知（测试）",
    }
    if replace is not None:
        values["replace"] = replace
    return {"input": values}


def _full_2027(*, replace: bool | None = None) -> dict[str, Any]:
    data = read_calendar_file(FIXTURES / "calendar-2027-full.yaml")
    return _input(2027, list(data.holidays), list(data.workdays), replace=replace)


def _120_holidays_2027() -> dict[str, Any]:
    weekdays = [
        date(2027, 1, 1) + timedelta(days=n)
        for n in range(365)
        if (date(2027, 1, 1) + timedelta(days=n)).weekday() < 5
    ]
    return _input(2027, weekdays[::2][:120], [])


def _shipped_2026() -> tuple[list[date], list[date]]:
    holidays = sorted(d for d in chinese_calendar.holidays if d.year == 2026)
    workdays = sorted(d for d in chinese_calendar.workdays if d.year == 2026)
    return holidays, workdays


async def _loaded_years(api: Api) -> list[tuple[int, list[str]]]:
    async with api.app.state.graphql.database.session() as session:
        rows = (await session.scalars(select(CalendarYear).order_by(CalendarYear.year))).all()
        return [(row.year, list(row.holidays)) for row in rows]


async def _calendar_audit(api: Api) -> list[AuditEntry]:
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == "calendar.load")
        return list((await session.scalars(query.order_by(AuditEntry.id))).all())


async def _qinghai_deadline(api: Api, desks: Desks) -> dict[str, Any]:
    qh = desks.qh_id
    # 20–40 working days on site from 2026-12-20: the count runs into 2027.
    variables = {"office": qh, "rule": "deadline.site_duration", "start": "2026-12-20T02:00:00Z"}
    result = await api.gql(DEADLINE, variables, user=desks.qh_admin)
    return result["data"]["deadline"]  # type: ignore[no-any-return]


async def test_the_regional_office_admin_cannot_load_a_calendar_and_qinghai_is_unchanged(
    api: Api,
    desks: Desks,
) -> None:
    before = await _qinghai_deadline(api, desks)
    assert before["provisional"] is True
    for variables in (_120_holidays_2027(), _full_2027()):
        result = await api.gql(LOAD, variables, user=desks.nmg.top_admin)
        payload = result["data"]["loadCalendarYear"]
        assert (payload["calendarYear"], payload["diff"]) == (None, None)
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert await _loaded_years(api) == []
    assert await _qinghai_deadline(api, desks) == before
    refusals = await _calendar_audit(api)
    assert [(e.actor_name, e.outcome) for e in refusals] == [
        (desks.nmg.top_admin, Outcome.DENIED)
    ] * 2


async def test_no_office_role_reaches_the_platform(api: Api, desks: Desks) -> None:
    for user in (desks.nmg.staff.admin, desks.qh_admin, desks.nmg.top_auditor):
        result = await api.gql(LOAD, _full_2027(), user=user)
        assert [e["code"] for e in result["data"]["loadCalendarYear"]["userErrors"]] == [
            "FORBIDDEN"
        ]
    assert await _loaded_years(api) == []


async def test_a_platform_operator_loads_a_year_sees_the_diff_and_it_is_audited(
    api: Api, desks: Desks
) -> None:
    operator = desks.operator
    before = await _qinghai_deadline(api, desks)
    result = await api.gql(LOAD, _full_2027(), user=operator)
    payload = result["data"]["loadCalendarYear"]
    assert payload["userErrors"] == []
    assert payload["calendarYear"]["year"] == 2027
    diff = payload["diff"]
    assert diff["replaces"] is None
    assert len(diff["holidaysAdded"]) == 29
    assert diff["workdaysAdded"] == ["2027-02-20", "2027-05-08", "2027-09-26", "2027-10-09"]
    assert (diff["holidaysRemoved"], diff["workdaysRemoved"]) == ([], [])
    # 17 weekday holidays become days off, 4 weekend days become working days.
    assert len(diff["statusChanged"]) == 21
    assert "新增节假日 29 天" in diff["summary"]
    after = await _qinghai_deadline(api, desks)
    assert after["provisional"] is False
    assert after["dueOn"] > before["dueOn"]  # 2027-01-01 is now a holiday
    [entry] = await _calendar_audit(api)
    assert (entry.actor_name, entry.outcome, entry.office_id) == (operator, Outcome.SUCCESS, None)
    assert entry.object_id == "CalendarYear:2027"
    assert entry.detail["summary"] == diff["summary"]
    assert entry.detail["diff"]["workdays_added"] == diff["workdaysAdded"]


async def test_a_one_holiday_2026_file_is_refused_as_implausible_naming_each_check(
    api: Api, desks: Desks
) -> None:
    operator = desks.operator
    result = await api.gql(LOAD, _input(2026, [date(2026, 1, 1)], [], replace=True), user=operator)
    payload = result["data"]["loadCalendarYear"]
    assert payload["calendarYear"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("CALENDAR_WORKING_DAYS_IMPLAUSIBLE", ["input", "holidays"]),
        ("CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE", ["input", "holidays"]),
        ("CALENDAR_WORKDAY_COUNT_IMPLAUSIBLE", ["input", "workdays"]),
        ("CALENDAR_HOLIDAY_BLOCKS_TOO_FEW", ["input", "holidays"]),
    ]
    assert "全年工作日 260 天" in payload["userErrors"][0]["message"]
    assert await _loaded_years(api) == []
    [entry] = await _calendar_audit(api)
    assert (entry.outcome, entry.detail["code"]) == (Outcome.FAILED, "CALENDAR_IMPLAUSIBLE")


async def test_a_120_holiday_year_is_refused_even_for_an_operator(api: Api, desks: Desks) -> None:
    operator = desks.operator
    before = await _qinghai_deadline(api, desks)
    result = await api.gql(LOAD, _120_holidays_2027(), user=operator)
    codes = {e["code"] for e in result["data"]["loadCalendarYear"]["userErrors"]}
    assert {"CALENDAR_WORKING_DAYS_IMPLAUSIBLE", "CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE"} <= codes
    assert await _loaded_years(api) == []
    assert await _qinghai_deadline(api, desks) == before


async def test_a_plausible_2026_file_needs_replace_and_then_shows_the_diff(
    api: Api, desks: Desks
) -> None:
    operator = desks.operator
    holidays, workdays = _shipped_2026()
    dropped = workdays[-1]  # one make-up Saturday (调休) cancelled: a correction
    corrected = _input(2026, holidays, workdays[:-1])

    refused = (await api.gql(LOAD, corrected, user=operator))["data"]["loadCalendarYear"]
    [error] = refused["userErrors"]
    assert (error["code"], error["field"]) == ("CALENDAR_YEAR_EXISTS", ["input", "replace"])
    assert "chinesecalendar" in error["message"]
    assert "取消调休上班日 1 天" in error["message"]  # the diff is shown with the refusal
    assert await _loaded_years(api) == []

    corrected["input"]["replace"] = True
    loaded = (await api.gql(LOAD, corrected, user=operator))["data"]["loadCalendarYear"]
    assert loaded["userErrors"] == []
    assert loaded["diff"]["replaces"].startswith("chinesecalendar ")
    assert loaded["diff"]["workdaysRemoved"] == [dropped.isoformat()]
    assert loaded["diff"]["statusChanged"] == [dropped.isoformat()]
    assert (loaded["diff"]["holidaysAdded"], loaded["diff"]["holidaysRemoved"]) == ([], [])
    assert [year for year, _ in await _loaded_years(api)] == [2026]


async def test_a_loaded_year_also_needs_replace(api: Api, desks: Desks) -> None:
    operator = desks.operator
    assert (await api.gql(LOAD, _full_2027(), user=operator))["data"]["loadCalendarYear"][
        "userErrors"
    ] == []
    again = (await api.gql(LOAD, _full_2027(), user=operator))["data"]["loadCalendarYear"]
    assert [e["code"] for e in again["userErrors"]] == ["CALENDAR_YEAR_EXISTS"]
    replaced = (await api.gql(LOAD, _full_2027(replace=True), user=operator))["data"][
        "loadCalendarYear"
    ]
    assert replaced["userErrors"] == []
    assert replaced["diff"]["replaces"] == "国务院办公厅通知（测试）"
    assert replaced["diff"]["statusChanged"] == []
    # Refusals are written by the outbox after their response: compare what, not in which order.
    outcomes = [e.outcome for e in await _calendar_audit(api)]
    assert sorted(outcomes) == sorted([Outcome.SUCCESS, Outcome.FAILED, Outcome.SUCCESS])


async def test_a_malformed_schedule_is_refused_naming_the_field(api: Api, desks: Desks) -> None:
    operator = desks.operator
    variables = _full_2027()
    variables["input"]["workdays"].append("2027-01-01")  # also listed as a holiday
    result = await api.gql(LOAD, variables, user=operator)
    [error] = result["data"]["loadCalendarYear"]["userErrors"]
    assert (error["code"], error["field"]) == ("CALENDAR_INVALID", ["input", "workdays"])
    async with api.app.state.graphql.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(CalendarYear)) == 0


UNLOAD = """mutation($input: UnloadCalendarYearInput!) { unloadCalendarYear(input: $input) {
  diff { replaces holidaysRemoved workdaysRemoved statusChanged summary }
  userErrors { field code } } }"""


async def test_an_operator_unloads_a_wrong_year_and_the_deadlines_are_provisional_again(
    api: Api, desks: Desks
) -> None:
    operator = desks.operator
    before = await _qinghai_deadline(api, desks)
    await api.gql(LOAD, _full_2027(), user=operator)

    refused = await api.gql(UNLOAD, {"input": {"year": 2027}}, user=desks.nmg.top_admin)
    assert [e["code"] for e in refused["data"]["unloadCalendarYear"]["userErrors"]] == ["FORBIDDEN"]
    assert [year for year, _ in await _loaded_years(api)] == [2027]

    result = (await api.gql(UNLOAD, {"input": {"year": 2027}}, user=operator))["data"][
        "unloadCalendarYear"
    ]
    assert result["userErrors"] == []
    assert result["diff"]["replaces"] == "国务院办公厅通知（测试）"
    assert len(result["diff"]["holidaysRemoved"]) == 29
    assert len(result["diff"]["statusChanged"]) == 21
    assert await _loaded_years(api) == []
    assert await _qinghai_deadline(api, desks) == before

    again = (await api.gql(UNLOAD, {"input": {"year": 2027}}, user=operator))["data"]
    assert again["unloadCalendarYear"]["userErrors"] == [
        {"field": ["input", "year"], "code": "CALENDAR_YEAR_NOT_LOADED"}
    ]
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        query = select(AuditEntry.outcome).where(AuditEntry.action == "calendar.unload")
        outcomes = list((await session.scalars(query)).all())
    assert sorted(outcomes) == sorted([Outcome.DENIED, Outcome.SUCCESS, Outcome.FAILED])
