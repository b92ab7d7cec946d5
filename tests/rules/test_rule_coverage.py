"""Rules coverage (issue 16 item 6): every rule of every ruleset is reached by a workflow.

A rule counts as used when a module of the platform outside the rules package (which defines
the format, not a workflow) reaches it in one of these ways, each checked against the source:

1. it names the rule's id (``ruleset.find("deadline.hearing")``, a module constant);
2. another used rule names it in its params (``rectification.reports`` names its deadline);
3. a deadline is started by an event a workflow starts (``deadlines_started_by(Event.X)``);
4. its kind is one the caller chooses from the ruleset or the workflow selects among by a
   parameter, and the module in ``BY_KIND`` holds the lookup: then every rule of the kind is
   reached through that lookup (a clue's ``categoryRule``, a transfer's route, the matter a
   body decides, …);
5. it is selected by a matter a workflow names in its code (``ApprovalRule``:
   ``ApprovalMatter.TEAM_LEADER``).

Anything else fails the test, unless it is listed in ``DEBT`` with the reason it is not wired
yet (named debt: visible here, never silent). The test also fails when a debt entry is paid.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from inspectnet.filings.service import IN_NETWORK
from inspectnet.rules import format as fmt
from inspectnet.rules.registry import get_ruleset, registry

PLATFORM = Path(__file__).resolve().parents[2] / "platform" / "inspectnet"

# (kind, module under platform/inspectnet, pattern the module must hold, how the rule is reached)
BY_KIND: tuple[tuple[type[fmt.RuleBase], str, str, str], ...] = (
    (
        fmt.ProblemCategoryRule,
        "casework/service.py",
        r"ProblemCategoryRule,",
        "a clue's or finding's categoryRule names one (rule_of)",
    ),
    (
        fmt.InspectionModeRule,
        "planning/service.py",
        r"rule_of\(mode_value, InspectionModeRule\)",
        "a plan item's mode names one",
    ),
    (fmt.ReportKindRule, "reports/service.py", r"ReportKindRule,", "a report's kind names one"),
    (fmt.WorkMethodRule, "casework/interviews.py", r"WorkMethodRule,", "an activity's method"),
    (fmt.TransferRouteRule, "transfers/service.py", r"TransferRouteRule,", "a transfer's route"),
    (
        fmt.HandlingOutcomeRule,
        "transfers/service.py",
        r"HandlingOutcomeRule,",
        "a handling report's outcome names one",
    ),
    (
        fmt.DisciplineOffenceRule,
        "discipline/service.py",
        r"isinstance\(found, DisciplineOffenceRule\)",
        "a discipline record (or an upheld complaint) names the offence",
    ),
    (
        fmt.FilingDutyRule,
        "filings/service.py",
        r"rule_of\(rule_id, FilingDutyRule\)",
        "a filing names its duty; periodic ones are swept (filings/warnings.py); only duties "
        "to a recipient in the network (filings refuse the others: RECIPIENT_OUTSIDE_NETWORK)",
    ),
    (
        fmt.PlanApprovalRule,
        "planning/service.py",
        r"of_type\(PlanApprovalRule\)",
        "a plan is approved by the body its kind's rule names",
    ),
    (
        fmt.RecusalGroundRule,
        "inspections/recusal.py",
        r"of_type\(RecusalGroundRule\)",
        "every ground is checked for every assignment",
    ),
    (
        fmt.DisclosurePointRule,
        "disclosure/service.py",
        r"of_type\(DisclosurePointRule\)",
        "a disclosure's stage selects its point",
    ),
    (
        fmt.StageRule,
        "inspections/stages.py",
        r"ruleset\.stage_rule\(stage\)",
        "the stage an inspection enters selects its rule",
    ),
    (fmt.TeamSizeRule, "inspections/draw.py", r"of_type\(TeamSizeRule\)", "the team's size"),
    (
        fmt.ExpertiseRule,
        "people/expertise.py",
        r"isinstance\(ruleset\.find\(rule_id\), ExpertiseRule\)",
        "a person's expertise names them; the draw counts them (inspections/positions.py)",
    ),
    (
        fmt.DecisionRule,
        "rectification/service.py",
        r'ruleset\.find\(f"decision\.\{matter\.value\}"\)',
        "the matter a body decides after the site selects its rule (decidePostSite, hearings)",
    ),
)
# Rules selected by the matter their params name: used when a workflow names the matter.
BY_MATTER: dict[type[fmt.RuleBase], str] = {fmt.ApprovalRule: "ApprovalMatter"}

# Named debt: (ruleset, rule id) -> why no workflow uses it yet. Each entry is a gap to close.
# (The team-role rules are reached by the draw, inspections/positions.py, which fills each place
# from the pool and at the levels the rule names.)
DEBT: dict[tuple[str, str], str] = {
    ("nmg-2016", "filing.central_report"): (
        "nmg-2016 §28 ¶2: the five-person group's report to the central leading group goes "
        "outside the network; filings refuse such duties (RECIPIENT_OUTSIDE_NETWORK) and no "
        "step records that the report was made yet (issue 15)"
    ),
}


def _sources() -> dict[str, str]:
    return {
        path.relative_to(PLATFORM).as_posix(): path.read_text(encoding="utf-8")
        for path in PLATFORM.rglob("*.py")
        if path.relative_to(PLATFORM).parts[0] != "rules"
    }


def _named_ids(text: str) -> set[str]:
    return set(re.findall(r"[\"']([a-z_]+(?:\.[a-z_]+)+)[\"']", text))


def _started_events(text: str) -> set[str]:
    return {m.lower() for m in re.findall(r"deadlines_started_by\(Event\.([A-Z_]+)\)", text)}


def _by_kind(rule: fmt.RuleBase) -> bool:
    """Whether the lookup of the rule's kind can actually take it."""
    if isinstance(rule, fmt.FilingDutyRule):
        return rule.params.recipient.value in IN_NETWORK
    return True


def _rulesets() -> tuple[str, ...]:
    return registry().ids()  # the shipped rulesets (rules/data): nmg-2016, qh-zrzyt


def _unused() -> dict[tuple[str, str], str]:
    sources = _sources()
    text = "\n".join(sources.values())
    named, started = _named_ids(text), _started_events(text)
    kinds: dict[type[fmt.RuleBase], str] = {}
    for kind, module, pattern, _how in BY_KIND:
        assert re.search(pattern, sources[module]), f"{module} no longer holds {pattern}"
        kinds[kind] = module
    unused: dict[tuple[str, str], str] = {}
    for ruleset_id in _rulesets():
        ruleset = get_ruleset(ruleset_id)
        params = {r.id: json.dumps(r.params.model_dump(mode="json")) for r in ruleset.rules}
        for rule in ruleset.rules:
            if rule.id in named or (type(rule) in kinds and _by_kind(rule)):
                continue
            if any(f'"{rule.id}"' in p for other, p in params.items() if other != rule.id):
                continue
            if isinstance(rule, fmt.DeadlineRule) and rule.params.start_event.value in started:
                continue
            matter_enum = BY_MATTER.get(type(rule))
            if matter_enum is not None:
                member = rule.params.matter.name  # type: ignore[attr-defined]
                if f"{matter_enum}.{member}" in text:
                    continue
            unused[(ruleset_id, rule.id)] = f"{type(rule).__name__} {rule.article}"
    return unused


def test_every_rule_is_reached_by_a_workflow_or_is_named_debt() -> None:
    assert {"nmg-2016", "qh-zrzyt"} <= set(_rulesets())
    unused = _unused()
    silent = {key: what for key, what in unused.items() if key not in DEBT}
    assert silent == {}, f"rules no workflow reaches (wire them or name them in DEBT): {silent}"
    paid = sorted(key for key in DEBT if key not in unused)
    assert paid == [], f"remove from DEBT, a workflow reaches them now: {paid}"


def test_the_check_finds_a_rule_nobody_names() -> None:
    text = "ruleset.find(\"deadline.hearing\")\nx = 'filing.hearing_speech'\n"
    assert _named_ids(text) == {"deadline.hearing", "filing.hearing_speech"}
    assert _started_events("ruleset.deadlines_started_by(Event.FEEDBACK_DELIVERED)") == {
        "feedback_delivered"
    }
    assert "deadline.nonexistent" not in _named_ids("\n".join(_sources().values()))
