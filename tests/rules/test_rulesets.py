"""Ruleset files: what they contain, how a third region is added, how a bad file is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from inspectnet.errors import NotFound
from inspectnet.rules.format import (
    CategoryParams,
    DeadlineRule,
    Event,
    FilingDutyRule,
    FilingMode,
    InspectionStage,
    ProblemCategoryRule,
    Recipient,
    RecusalGroundRule,
    RuleKind,
    Ruleset,
    TeamSizeRule,
    TransferRouteRule,
)
from inspectnet.rules.registry import (
    RulesetInvalid,
    RulesetRegistry,
    packaged_files,
    parse_ruleset,
    read_ruleset_file,
    registry,
)

FIXTURES = Path(__file__).parent / "fixtures"
NMG = registry().get("nmg-2016")
QH = registry().get("qh-zrzyt")


def test_packaged_rulesets_load() -> None:
    assert [p.name for p in packaged_files()] == ["nmg-2016.yaml", "qh-zrzyt.yaml"]
    assert registry().ids() == ("nmg-2016", "qh-zrzyt")
    assert NMG.in_force_from is not None and NMG.in_force_from.isoformat() == "2016-01-01"
    assert (QH.warning.yellow_days, QH.warning.red_days) == (20, 10)


FEEDBACK, DAYS, MONTHS = "feedback_delivered", "calendar_days", "calendar_months"

# (ruleset, rule id, article, start event, unit, amount, min_amount)
DEADLINES = [
    ("qh-zrzyt", "deadline.special_meeting", "qh-zrzyt §19", FEEDBACK, DAYS, 15, None),
    ("qh-zrzyt", "deadline.rectification_plan", "qh-zrzyt §19", FEEDBACK, MONTHS, 1, None),
    ("qh-zrzyt", "deadline.rectification_report", "qh-zrzyt §19", FEEDBACK, MONTHS, 2, None),
    ("nmg-2016", "deadline.rectification_report", "nmg-2016 §30", FEEDBACK, MONTHS, 2, None),
    ("qh-zrzyt", "deadline.hearing", "qh-zrzyt §17", "site_left", MONTHS, 1, None),
    (
        "nmg-2016",
        "deadline.clue_handling_report",
        "nmg-2016 §32",
        "transfer_signed",
        MONTHS,
        3,
        None,
    ),
    (
        "qh-zrzyt",
        "deadline.clue_handling_report",
        "qh-zrzyt §21",
        "transfer_signed",
        MONTHS,
        3,
        None,
    ),
    ("qh-zrzyt", "deadline.site_duration", "qh-zrzyt §11", "site_entered", "working_days", 40, 20),
]


@pytest.mark.parametrize(
    ("ruleset_id", "rule_id", "article", "start", "unit", "amount", "minimum"), DEADLINES
)
def test_deadline_rules(
    ruleset_id: str,
    rule_id: str,
    article: str,
    start: str,
    unit: str,
    amount: int,
    minimum: int | None,
) -> None:
    rule = registry().get(ruleset_id).deadline(rule_id)
    assert rule.article == article
    assert (rule.params.start_event, rule.params.unit) == (start, unit)
    assert (rule.params.amount, rule.params.min_amount) == (amount, minimum)


def test_same_concept_same_id_in_both_rulesets() -> None:
    shared = {r.id for r in NMG.rules} & {r.id for r in QH.rules}
    assert {
        "deadline.rectification_report",
        "deadline.clue_handling_report",
        "category.other",
        "mode.regular",
        "mode.special",
        "report.inspection",
        "report.topical",
        "role.leader",
        "role.deputy_leader",
        "role.member",
        "transfer.discipline",
        "transfer.organisation",
        "transfer.other",
        "disclosure.entry",
        "disclosure.rectification",
    } <= shared


def test_problem_categories_differ() -> None:
    def categories(ruleset: Ruleset) -> list[tuple[str, str]]:
        return [(r.id, r.article) for r in ruleset.of_type(ProblemCategoryRule)]

    assert categories(NMG) == [
        ("category.political_discipline", "nmg-2016 §18(1)"),
        ("category.integrity_discipline", "nmg-2016 §18(2)"),
        ("category.organisational_discipline", "nmg-2016 §18(3)"),
        ("category.mass_work_life_discipline", "nmg-2016 §18(4)"),
        ("category.other", "nmg-2016 §18(5)"),
    ]
    assert categories(QH) == [
        ("category.political_building", "qh-zrzyt §12(1)"),
        ("category.ideological_building", "qh-zrzyt §12(2)"),
        ("category.organisational_building", "qh-zrzyt §12(3)"),
        ("category.style_building", "qh-zrzyt §12(4)"),
        ("category.discipline_building", "qh-zrzyt §12(5)"),
        ("category.prior_findings_rectification", "qh-zrzyt §12(6)"),
        ("category.other", "qh-zrzyt §12(7)"),
    ]


def test_modes_reports_roles_and_team_size() -> None:
    assert [r.id for r in QH.of_kind(RuleKind.INSPECTION_MODE)] == [
        "mode.regular",
        "mode.special",
        "mode.mobile",
        "mode.follow_up",
    ]
    assert [r.id for r in NMG.of_kind("inspection_mode")] == ["mode.regular", "mode.special"]
    assert [r.id for r in NMG.of_kind(RuleKind.REPORT_KIND)] == [
        "report.inspection",
        "report.person_clues",
        "report.personnel_selection",
        "report.interview_summary",
        "report.topical",
    ]
    assert [r.id for r in QH.of_kind(RuleKind.REPORT_KIND)] == [
        "report.mid_term",
        "report.inspection",
        "report.topical",
    ]
    size = QH.rule_of("team.size", TeamSizeRule)
    assert (size.article, size.params.min_members, size.params.max_members) == (
        "qh-zrzyt §9",
        6,
        10,
    )
    assert NMG.find("team.size") is None  # nmg sets no size
    assert [r.id for r in NMG.of_kind(RuleKind.TEAM_ROLE)] == [
        "role.leader",
        "role.deputy_leader",
        "role.commissioner",
        "role.member",
        "role.liaison",
    ]


def test_filing_duties_say_record_or_approval_and_who_receives() -> None:
    def duties(ruleset: Ruleset) -> list[tuple[str, str, FilingMode, Recipient]]:
        return [
            (r.id, r.article, r.params.mode, r.params.recipient)
            for r in ruleset.of_type(FilingDutyRule)
        ]

    record, approval = FilingMode.RECORD, FilingMode.APPROVAL
    office, group = Recipient.SUPERIOR_OFFICE, Recipient.SUPERIOR_LEADING_GROUP
    assert duties(QH) == [
        ("filing.work_approval", "qh-zrzyt §3", approval, group),
        ("filing.term_plan", "qh-zrzyt §8(6)", record, office),
        ("filing.annual_plan", "qh-zrzyt §8(6)", record, office),
        ("filing.annual_summary", "qh-zrzyt §8(6)", record, office),
        ("filing.work_programme", "qh-zrzyt §8(6)", record, office),
        ("filing.important_rules", "qh-zrzyt §8(6)", record, office),
        ("filing.director_appointment", "qh-zrzyt §8(6)", record, office),
        ("filing.periodic_data", "qh-zrzyt §8(6)", record, office),
        ("filing.hearing_speech", "qh-zrzyt §17", record, office),
    ]
    assert QH.rule_of("filing.work_approval", FilingDutyRule).params.required_before == (
        Event.ROUND_STARTED
    )
    assert duties(NMG) == [
        ("filing.central_report", "nmg-2016 §28", record, Recipient.CENTRAL_LEADING_GROUP),
        ("filing.liaison_report", "nmg-2016 §16", record, office),
    ]


def test_transfer_routes_and_recusal_grounds() -> None:
    nmg_routes = [(r.id, r.article, r.params.decided_by) for r in NMG.of_type(TransferRouteRule)]
    assert nmg_routes == [
        ("transfer.discipline", "nmg-2016 §31(1)", "five_person_group"),
        ("transfer.organisation", "nmg-2016 §31(2)", "five_person_group"),
        ("transfer.other", "nmg-2016 §31(3)", "five_person_group"),
        ("transfer.during_inspection", "nmg-2016 §23", "leading_group"),
    ]
    assert {r.params.decided_by for r in QH.of_type(TransferRouteRule)} == {"leading_group"}
    assert [r.params.ground for r in NMG.of_type(RecusalGroundRule)] == [
        "post",
        "region",
        "official",
    ]
    # qh-zrzyt §27 names the recusal system, not its grounds: the three, each citing §27.
    assert [(r.id, r.article) for r in QH.of_type(RecusalGroundRule)] == [
        ("recusal.post", "qh-zrzyt §27"),
        ("recusal.region", "qh-zrzyt §27"),
        ("recusal.official", "qh-zrzyt §27"),
    ]


def test_every_stage_after_planning_is_entered_under_a_rule_of_each_ruleset() -> None:
    later = [s for s in InspectionStage if s is not InspectionStage.PLANNED]
    for ruleset in (NMG, QH):
        found = {s: ruleset.stage_rule(s) for s in later}
        assert all(found.values()), ruleset.id
        assert NMG.stage_rule(InspectionStage.PLANNED) is None
    assert QH.stage_rule(InspectionStage.NOTIFIED).article == "qh-zrzyt §13"  # type: ignore[union-attr]
    assert NMG.stage_rule(InspectionStage.FED_BACK).article == "nmg-2016 §29"  # type: ignore[union-attr]


def test_disclosure_points() -> None:
    assert [(r.id, r.article) for r in NMG.of_kind(RuleKind.DISCLOSURE_POINT)] == [
        ("disclosure.entry", "nmg-2016 §35"),
        ("disclosure.feedback", "nmg-2016 §35"),
        ("disclosure.rectification", "nmg-2016 §35"),
    ]
    assert [(r.id, r.article) for r in QH.of_kind(RuleKind.DISCLOSURE_POINT)] == [
        ("disclosure.entry", "qh-zrzyt §13"),
        ("disclosure.rectification", "qh-zrzyt §23"),
    ]


def test_every_kind_is_covered_by_the_qh_ruleset_but_nmg_lacks_team_size() -> None:
    assert {r.kind for r in QH.rules} == set(RuleKind)
    # nmg-2016 sets no team size and names no one who attends the feedback (§29).
    assert set(RuleKind) - {r.kind for r in NMG.rules} == {RuleKind.TEAM_SIZE, RuleKind.ATTENDANCE}


def test_deadlines_started_by_an_event() -> None:
    assert [r.id for r in QH.deadlines_started_by(Event.FEEDBACK_DELIVERED)] == [
        "deadline.special_meeting",
        "deadline.rectification_plan",
        "deadline.rectification_report",
    ]
    assert [r.id for r in NMG.deadlines_started_by("feedback_delivered")] == [
        "deadline.rectification_report"
    ]


def test_asking_for_a_rule_a_ruleset_lacks() -> None:
    assert NMG.find("deadline.special_meeting") is None
    with pytest.raises(NotFound) as caught:
        NMG.deadline("deadline.special_meeting")
    assert (caught.value.code, caught.value.rule_id) == (
        "RULE_NOT_IN_RULESET",
        "deadline.special_meeting",
    )
    with pytest.raises(NotFound):
        QH.deadline("category.other")  # exists, but is not a deadline


def test_unknown_ruleset() -> None:
    with pytest.raises(NotFound) as caught:
        registry().get("gd-2030")
    assert caught.value.code == "RULESET_UNKNOWN"


def test_a_third_ruleset_is_a_file() -> None:
    rules = RulesetRegistry()
    rules.load([FIXTURES / "region-45.yaml"])
    assert rules.ids() == ("nmg-2016", "qh-zrzyt", "test-region")
    third = rules.get("test-region")
    assert [r.id for r in third.of_type(ProblemCategoryRule)] == [
        "category.economic_responsibility",
        "category.ecological_protection",
        "category.other",
    ]
    report = third.deadline("deadline.rectification_report")
    assert (report.params.unit, report.params.amount) == ("calendar_days", 45)
    assert (third.warning.yellow_days, third.warning.red_days) == (15, 5)


def test_a_bad_ruleset_is_refused_and_the_rules_in_force_stay() -> None:
    rules = RulesetRegistry()
    rules.load([FIXTURES / "region-45.yaml"])
    before = rules.all()

    with pytest.raises(RulesetInvalid) as caught:
        rules.load([FIXTURES / "bad-ruleset.yaml"])

    error = caught.value
    assert error.code == "RULESET_INVALID"
    assert (error.file, error.rule_id, error.field) == (
        "bad-ruleset.yaml",
        "deadline.rectification_report",
        "params.amount",
    )
    assert "bad-ruleset.yaml" in error.message
    assert "deadline.rectification_report" in error.message
    assert "params.amount" in error.message
    assert "规则未更改" in error.message
    assert rules.all() == before  # the third region is still in force, the bad one is not
    assert "bad-region" not in rules


def raw(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def with_rule(change: dict[str, Any], index: int = 1) -> dict[str, Any]:
    data = raw(FIXTURES / "region-45.yaml")
    data["rules"][index] = {**data["rules"][index], **change}
    return data


def with_params(**change: object) -> dict[str, Any]:
    params = {"start_event": FEEDBACK, "end_event": "special_meeting_held", "unit": DAYS}
    return with_rule({"params": {**params, "amount": 5, **change}})


MEETING = "deadline.special_meeting"


@pytest.mark.parametrize(
    ("data", "rule_id", "field", "words"),
    [
        (with_rule({"kind": "deadlin"}), MEETING, "kind", "deadlin"),
        (with_rule({"article": "qh-zrzyt §21"}), MEETING, "article", "test-region"),
        (with_rule({"article": "第21条"}), MEETING, "article", "§19"),
        (with_rule({"id": "deadline.rectification_report"}), "deadline.rectification_report", "id",
         "duplicate"),
        (with_rule({"id": "special_meeting.deadline"}), "special_meeting.deadline", "id",
         "deadline."),
        (with_params(unit="fortnights"), MEETING, "params.unit", "fortnights"),
        (with_params(start_event="feedback_given"), MEETING, "params.start_event",
         "feedback_given"),
        (with_params(end_event=FEEDBACK), MEETING, "params", "must differ"),
        (with_params(min_amount=9), MEETING, "params", "min_amount"),
        (with_params(amout=9), MEETING, "params.amout", "Extra inputs"),
        (with_params(amount=0), MEETING, "params.amount", "greater than or equal to 1"),
        (with_rule({"quote": ""}), MEETING, "quote", "at least 2"),
        (with_rule({"params": {"min_members": 9, "max_members": 8}}, index=5), "team.size",
         "params", "min_members"),
    ],
)  # fmt: skip
def test_rule_problems_name_the_rule_and_field(
    data: dict[str, Any], rule_id: str, field: str, words: str
) -> None:
    with pytest.raises(RulesetInvalid) as caught:
        parse_ruleset(data, file="region-45.yaml")
    problem = caught.value.problems[0]
    assert (problem.file, problem.rule_id, problem.field) == ("region-45.yaml", rule_id, field)
    assert words in problem.message


def test_ruleset_level_problems() -> None:
    data = raw(FIXTURES / "region-45.yaml")
    data["warning"] = {"yellow_days": 5, "red_days": 5}
    with pytest.raises(RulesetInvalid) as caught:
        parse_ruleset(data, file="region-45.yaml")
    problem = caught.value.problems[0]
    assert (problem.rule_id, problem.field) == (None, "warning")
    assert "red_days" in problem.message


def test_a_rule_without_an_id_is_named_by_position() -> None:
    data = raw(FIXTURES / "region-45.yaml")
    del data["rules"][2]["id"]
    with pytest.raises(RulesetInvalid) as caught:
        parse_ruleset(data, file="region-45.yaml")
    assert (caught.value.rule_id, caught.value.field) == ("#3", "id")


def test_unparsable_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\nrules:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesetInvalid) as caught:
        read_ruleset_file(bad)
    assert caught.value.file == "broken.yaml"
    assert caught.value.field.startswith("第 ")


def test_two_files_with_one_ruleset_id_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "again.yaml"
    copy.write_text((FIXTURES / "region-45.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    rules = RulesetRegistry()
    with pytest.raises(RulesetInvalid) as caught:
        rules.load([FIXTURES / "region-45.yaml", copy])
    assert (caught.value.file, caught.value.field) == ("again.yaml", "id")
    assert rules.ids() == ()  # nothing was ever in force, and still nothing is


def test_rules_are_immutable() -> None:
    rule = QH.deadline("deadline.hearing")
    with pytest.raises(ValueError, match="frozen"):
        rule.params.amount = 2  # type: ignore[misc]
    assert isinstance(rule, DeadlineRule)
    assert CategoryParams(position=1).catch_all is False
