"""Rulesets and the calendar through GraphQL: what a frontend reads and who may load a year."""

from __future__ import annotations

from sqlalchemy import func, select

from inspectnet.ids import global_id
from inspectnet.rules.models import CalendarYear
from tests.conftest import Api, office_id

LOAD = """mutation($input: LoadCalendarYearInput!) { loadCalendarYear(input: $input) {
  calendarYear { year holidays workdays } userErrors { field code } } }"""


def _year_2027(office: int) -> dict[str, object]:
    return {
        "input": {
            "officeId": global_id("Office", office),
            "year": 2027,
            "holidays": ["2027-01-01", "2027-10-01", "2027-10-04"],
            "workdays": ["2027-10-09"],
            "source": "国务院办公厅通知（测试）",
        }
    }


async def test_an_office_shows_its_ruleset_with_cited_rules(api: Api) -> None:
    qh = await office_id(api.app.state.graphql.database, "qh.dnr")
    result = await api.gql(
        "query($id: ID!) { office(id: $id) { ruleset { id rules(kind: DEADLINE) { id article quote } } } }",
        {"id": global_id("Office", qh)},
        user="qh_dnr_admin",
    )
    ruleset = result["data"]["office"]["ruleset"]
    assert ruleset["id"] == "qh-zrzyt"
    by_id = {rule["id"]: rule for rule in ruleset["rules"]}
    assert by_id["deadline.rectification_report"]["article"].startswith("qh-zrzyt §19")
    assert "2个月内" in by_id["deadline.rectification_report"]["quote"]


async def test_the_regional_office_loads_a_calendar_year(api: Api) -> None:
    region = await office_id(api.app.state.graphql.database, "nmg.region")
    result = await api.gql(LOAD, _year_2027(region), user="region_admin")
    payload = result["data"]["loadCalendarYear"]
    assert payload["userErrors"] == []
    assert payload["calendarYear"]["year"] == 2027
    assert payload["calendarYear"]["workdays"] == ["2027-10-09"]


async def test_a_league_office_may_not_load_the_calendar(api: Api) -> None:
    baotou = await office_id(api.app.state.graphql.database, "nmg.baotou")
    result = await api.gql(LOAD, _year_2027(baotou), user="baotou_admin")
    assert result["data"]["loadCalendarYear"] == {
        "calendarYear": None,
        "userErrors": [{"field": ["input", "officeId"], "code": "FORBIDDEN"}],
    }
    async with api.app.state.graphql.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(CalendarYear)) == 0


async def test_a_bad_schedule_is_refused_naming_the_field(api: Api) -> None:
    region = await office_id(api.app.state.graphql.database, "nmg.region")
    variables = _year_2027(region)
    variables["input"]["workdays"] = ["2027-01-01"]  # also listed as a holiday
    result = await api.gql(LOAD, variables, user="region_admin")
    [error] = result["data"]["loadCalendarYear"]["userErrors"]
    assert error["code"] == "CALENDAR_INVALID"


DEADLINE = """query($office: ID!, $rule: String!, $start: DateTime) {
  deadline(officeId: $office, ruleId: $rule, startedAt: $start) {
    ruleId article startEvent dueOn status colour daysLeft provisional } }"""


async def test_a_deadline_names_its_rule_article_and_start_event(api: Api) -> None:
    qh = global_id("Office", await office_id(api.app.state.graphql.database, "qh.dnr"))
    # Feedback signed for on 2026-10-20: the report is due 2 months later (qh-zrzyt §19);
    # the clock is frozen on 2026-11-25, 26 days before it.
    result = await api.gql(
        DEADLINE,
        {"office": qh, "rule": "deadline.rectification_report", "start": "2026-10-20T02:00:00Z"},
        user="qh_dnr_admin",
    )
    assert result["data"]["deadline"] == {
        "ruleId": "deadline.rectification_report",
        "article": result["data"]["deadline"]["article"],
        "startEvent": "FEEDBACK_DELIVERED",
        "dueOn": "2026-12-20",
        "status": "ON_TIME",
        "colour": "GREEN",
        "daysLeft": 25,
        "provisional": False,
    }
    assert result["data"]["deadline"]["article"].startswith("qh-zrzyt §19")


async def test_working_days_in_an_unloaded_year_are_provisional_until_the_year_is_loaded(
    api: Api,
) -> None:
    region = await office_id(api.app.state.graphql.database, "nmg.region")
    qh = global_id("Office", await office_id(api.app.state.graphql.database, "qh.dnr"))
    variables = {"office": qh, "rule": "deadline.site_duration", "start": "2026-12-20T02:00:00Z"}
    before = (await api.gql(DEADLINE, variables, user="qh_dnr_admin"))["data"]["deadline"]
    assert before["provisional"] is True
    loaded = await api.gql(LOAD, _year_2027(region), user="region_admin")
    assert loaded["data"]["loadCalendarYear"]["userErrors"] == []
    after = (await api.gql(DEADLINE, variables, user="qh_dnr_admin"))["data"]["deadline"]
    assert after["provisional"] is False
    # 2027-01-01 is a holiday in the loaded schedule, so the loaded calendar ends a day later.
    assert after["dueOn"] > before["dueOn"]


async def test_a_rule_the_offices_ruleset_lacks_is_not_found(api: Api) -> None:
    nmg = global_id("Office", await office_id(api.app.state.graphql.database, "nmg.baotou"))
    result = await api.gql(
        DEADLINE, {"office": nmg, "rule": "deadline.hearing"}, user="baotou_admin"
    )
    assert result["data"] == {"deadline": None}
    assert result["errors"][0]["extensions"]["code"] == "RULE_NOT_IN_RULESET"
