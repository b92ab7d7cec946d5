"""The GraphQL read types, through a throw-away schema (the real one is assembled elsewhere)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import strawberry

from inspectnet import clock
from inspectnet.rules.calendar import WorkingDayCalendar
from inspectnet.rules.deadlines import compute_deadline
from inspectnet.rules.graphql import DeadlineType, RulesetType, deadline_type, ruleset_type
from inspectnet.rules.registry import registry


@strawberry.type
class Query:
    @strawberry.field
    def ruleset(self, id: str) -> RulesetType:
        return ruleset_type(registry().get(id))

    @strawberry.field
    def deadline(self, rule_id: str, started_on: date | None = None) -> DeadlineType:
        started = datetime.combine(started_on, time(10), tzinfo=clock.CHINA) if started_on else None
        return deadline_type(
            compute_deadline(
                registry().get("qh-zrzyt"),
                rule_id,
                started_at=started,
                calendar=WorkingDayCalendar.from_chinese_calendar(),
                today=date(2025, 10, 20),
            )
        )


SCHEMA = strawberry.Schema(Query)


def run(query: str) -> dict[str, Any]:
    result = SCHEMA.execute_sync(query)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_ruleset_rules_carry_their_articles() -> None:
    data = run(
        '{ ruleset(id: "qh-zrzyt") { id title warning { yellowDays redDays }'
        " rules(kind: TEAM_SIZE) { id article quote kind"
        " params { __typename ... on TeamSizeParams { minMembers maxMembers } } } } }"
    )
    assert data["ruleset"] == {
        "id": "qh-zrzyt",
        "title": "中共青海省自然资源厅党组巡察工作实施办法（试行）",
        "warning": {"yellowDays": 20, "redDays": 10},
        "rules": [
            {
                "id": "team.size",
                "article": "qh-zrzyt §9",
                "quote": "巡察组由6～10人组成",
                "kind": "TEAM_SIZE",
                "params": {"__typename": "TeamSizeParams", "minMembers": 6, "maxMembers": 10},
            }
        ],
    }


def test_all_rules_without_a_kind() -> None:
    data = run('{ ruleset(id: "nmg-2016") { rules { id kind } } }')
    rules = data["ruleset"]["rules"]
    assert len(rules) == len(registry().get("nmg-2016").rules)
    assert rules[0] == {"id": "deadline.rectification_report", "kind": "DEADLINE"}


def test_deadline_fields() -> None:
    data = run(
        '{ deadline(ruleId: "deadline.site_duration", startedOn: "2025-09-26") {'
        " rulesetId ruleId article quote startEvent endEvent unit amount startedAt metAt"
        " dueOn earliestOn status colour daysLeft daysLate provisional } }"
    )
    assert data["deadline"] == {
        "rulesetId": "qh-zrzyt",
        "ruleId": "deadline.site_duration",
        "article": "qh-zrzyt §11",
        "quote": "巡察组对每个巡察对象的巡察时间一般为20～40个工作日",
        "startEvent": "SITE_ENTERED",
        "endEvent": "SITE_LEFT",
        "unit": "WORKING_DAYS",
        "amount": 40,
        "startedAt": "2025-09-26T10:00:00+08:00",
        "metAt": None,
        "dueOn": "2025-11-27",
        "earliestOn": "2025-10-30",
        "status": "ON_TIME",
        "colour": "GREEN",
        "daysLeft": 38,
        "daysLate": None,
        "provisional": False,
    }


def test_a_deadline_not_started() -> None:
    data = run('{ deadline(ruleId: "deadline.hearing") { status colour dueOn article } }')
    assert data["deadline"] == {
        "status": "NOT_STARTED",
        "colour": None,
        "dueOn": None,
        "article": "qh-zrzyt §17",
    }


def test_descriptions_carry_the_chinese_term() -> None:
    sdl = SCHEMA.as_str()
    assert '"""Ruleset (巡视巡察工作规定): one regulation\'s rules"""' in sdl
    assert "三色预警" in sdl
    assert "期限" in sdl


def test_every_rule_has_typed_params_of_its_kind() -> None:
    data = run(
        '{ ruleset(id: "nmg-2016") { rules(kind: DEADLINE) { id params { __typename'
        " ... on DeadlineParams { startEvent endEvent unit amount minAmount } } } } }"
    )
    rules = data["ruleset"]["rules"]
    assert rules and all(r["params"]["__typename"] == "DeadlineParams" for r in rules)
    assert all(r["params"]["amount"] >= 1 and r["params"]["unit"] for r in rules)
    kinds = run('{ ruleset(id: "qh-zrzyt") { rules { kind params { __typename } } } }')
    for rule in kinds["ruleset"]["rules"]:
        expected = "".join(w.title() for w in rule["kind"].split("_")) + "Params"
        expected = {
            "ProblemCategoryParams": "CategoryParams",
            "InspectionModeParams": "ModeParams",
            "DisclosurePointParams": "DisclosurePointParams",
        }.get(expected, expected)
        assert rule["params"]["__typename"] == expected, rule
