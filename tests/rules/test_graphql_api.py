"""Rulesets and deadlines through GraphQL (who loads the calendar: test_calendar_load.py)."""

from __future__ import annotations

from inspectnet.ids import global_id
from tests.conftest import Api
from tests.rules.conftest import Desks


async def test_an_office_shows_its_ruleset_with_cited_rules(api: Api, desks: Desks) -> None:
    result = await api.gql(
        "query($id: ID!) { office(id: $id) { ruleset { id rules(kind: DEADLINE) { id article quote } } } }",
        {"id": desks.qh_id},
        user=desks.qh_admin,
    )
    ruleset = result["data"]["office"]["ruleset"]
    assert ruleset["id"] == "qh-zrzyt"
    by_id = {rule["id"]: rule for rule in ruleset["rules"]}
    assert by_id["deadline.rectification_report"]["article"].startswith("qh-zrzyt §19")
    assert "2个月内" in by_id["deadline.rectification_report"]["quote"]


DEADLINE = """query($office: ID!, $rule: String!, $start: DateTime) {
  deadline(officeId: $office, ruleId: $rule, startedAt: $start) {
    ruleId article startEvent dueOn status colour daysLeft provisional } }"""


async def test_a_deadline_names_its_rule_article_and_start_event(api: Api, desks: Desks) -> None:
    qh = desks.qh_id
    # Feedback signed for on 2026-10-20: the report is due 2 months later (qh-zrzyt §19);
    # the clock is frozen on 2026-11-25, 26 days before it.
    result = await api.gql(
        DEADLINE,
        {"office": qh, "rule": "deadline.rectification_report", "start": "2026-10-20T02:00:00Z"},
        user=desks.qh_admin,
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


async def test_a_rule_the_offices_ruleset_lacks_is_not_found(api: Api, desks: Desks) -> None:
    nmg = global_id("Office", desks.nmg.mine.id)
    result = await api.gql(
        DEADLINE, {"office": nmg, "rule": "deadline.hearing"}, user=desks.nmg.staff.admin
    )
    assert result["data"] == {"deadline": None}
    assert result["errors"][0]["extensions"]["code"] == "RULE_NOT_IN_RULESET"
