"""Rulesets and deadlines through GraphQL (who loads the calendar: test_calendar_load.py)."""

from __future__ import annotations

from inspectnet.ids import global_id
from tests.conftest import Api, office_id


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


async def test_a_rule_the_offices_ruleset_lacks_is_not_found(api: Api) -> None:
    nmg = global_id("Office", await office_id(api.app.state.graphql.database, "nmg.baotou"))
    result = await api.gql(
        DEADLINE, {"office": nmg, "rule": "deadline.hearing"}, user="baotou_admin"
    )
    assert result["data"] == {"deadline": None}
    assert result["errors"][0]["extensions"]["code"] == "RULE_NOT_IN_RULESET"
