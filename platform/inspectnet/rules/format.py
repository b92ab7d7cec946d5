"""Typed models of a ruleset file: every rule cites its article and quotes it.

A ruleset file (YAML) holds one regulation's rules::

    id: qh-zrzyt
    title: 中共青海省自然资源厅党组巡察工作实施办法（试行）
    issuer: 中共青海省自然资源厅党组
    seed_file: 004_8a1834848bfd6c8e.txt     # the regulation's text, for the citation tests
    warning: {yellow_days: 20, red_days: 10} # 三色预警 thresholds, in days left
    rules:
      - id: deadline.rectification_report   # same concept, same id in every ruleset
        kind: deadline
        name: 整改落实情况报告期限
        article: qh-zrzyt §19               # "<ruleset> §<article>" or "…§<article>(<item>)"
        quote: 并于签收之日起2个月内…        # verbatim from the article
        params: {start_event: feedback_delivered, end_event: rectification_report_filed,
                 unit: calendar_months, amount: 2}

Rules are discriminated by ``kind``; each kind has its own typed ``params`` and its own id
prefix (``deadline.``, ``category.`` …), so that services can ask for "the rectification-report
deadline of this office's ruleset" without knowing which ruleset it is. Unknown fields are
refused: a misspelt parameter must not silently fall back to a default.

Events (``start_event``/``end_event``) are a closed vocabulary because a service has to record
each one; a region whose measures need a new event needs that service too.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from pydantic import Field, PrivateAttr, model_validator

from inspectnet.errors import NotFound

# The vocabularies and the parameters are named through this module too: a ruleset file is one
# format to its readers.
from inspectnet.rules.kinds import (
    ApprovalRule,
    AttendanceRule,
    DeadlineRule,
    DecisionRule,
    DisciplineOffenceRule,
    DisclosurePointRule,
    ExpertiseRule,
    FilingDutyRule,
    HandlingOutcomeRule,
    InspectionModeRule,
    PlanApprovalRule,
    ProblemCategoryRule,
    RectificationReportRule,
    RecusalGroundRule,
    ReportKindRule,
    Rule,
    RuleBase,
    RuleProblem,
    StageRule,
    TeamRoleRule,
    TeamSizeRule,
    TransferRouteRule,
    WorkMethodRule,
)
from inspectnet.rules.params import (
    ApprovalParams,
    AttendanceParams,
    CategoryParams,
    DeadlineParams,
    DecisionParams,
    DisciplineOffenceParams,
    DisclosurePointParams,
    ExpertiseParams,
    FilingDutyParams,
    HandlingOutcomeParams,
    ModeParams,
    PlanApprovalParams,
    RectificationReportParams,
    RecusalGroundParams,
    ReportKindParams,
    StageParams,
    TeamRoleParams,
    TeamSizeParams,
    TransferRouteParams,
    WarningThresholds,
    WorkMethodParams,
    _Model,
)
from inspectnet.rules.vocabulary import (
    ARTICLE_PATTERN,
    ID_PREFIX,
    RULE_ID_PATTERN,
    RULESET_ID_PATTERN,
    STAGE_ZH,
    ApprovalMatter,
    Attendee,
    Conduct,
    DecisionBody,
    DecisionMatter,
    DisclosureStage,
    Event,
    FilingMode,
    FilingSubject,
    InspectionStage,
    MethodRecord,
    OffenderParty,
    PoolKind,
    Receiver,
    Recipient,
    RectificationReportKind,
    RecusalGround,
    ReportRecipient,
    RuleKind,
)

__all__ = [
    "ARTICLE_PATTERN",
    "ID_PREFIX",
    "RULESET_ID_PATTERN",
    "RULE_ID_PATTERN",
    "STAGE_ZH",
    "ApprovalMatter",
    "ApprovalParams",
    "ApprovalRule",
    "AttendanceParams",
    "AttendanceRule",
    "Attendee",
    "CategoryParams",
    "Conduct",
    "DeadlineParams",
    "DeadlineRule",
    "DecisionBody",
    "DecisionMatter",
    "DecisionParams",
    "DecisionRule",
    "DisciplineOffenceParams",
    "DisciplineOffenceRule",
    "DisclosurePointParams",
    "DisclosurePointRule",
    "DisclosureStage",
    "Event",
    "ExpertiseParams",
    "ExpertiseRule",
    "FilingDutyParams",
    "FilingDutyRule",
    "FilingMode",
    "FilingSubject",
    "HandlingOutcomeParams",
    "HandlingOutcomeRule",
    "InspectionModeRule",
    "InspectionStage",
    "MethodRecord",
    "ModeParams",
    "OffenderParty",
    "PlanApprovalParams",
    "PlanApprovalRule",
    "PoolKind",
    "ProblemCategoryRule",
    "Receiver",
    "Recipient",
    "RectificationReportKind",
    "RectificationReportParams",
    "RectificationReportRule",
    "RecusalGround",
    "RecusalGroundParams",
    "RecusalGroundRule",
    "ReportKindParams",
    "ReportKindRule",
    "ReportRecipient",
    "Rule",
    "RuleBase",
    "RuleKind",
    "RuleProblem",
    "Ruleset",
    "StageParams",
    "StageRule",
    "TeamRoleParams",
    "TeamRoleRule",
    "TeamSizeParams",
    "TeamSizeRule",
    "TransferRouteParams",
    "TransferRouteRule",
    "WarningThresholds",
    "WorkMethodParams",
    "WorkMethodRule",
]


R = TypeVar("R", bound=RuleBase)


class Ruleset(_Model):
    """One regulation's rules, as bound to offices."""

    id: str = Field(pattern=RULESET_ID_PATTERN, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    issuer: str = Field(min_length=1, max_length=200)
    in_force_from: date | None = None
    seed_file: str | None = Field(default=None, description="file name of the regulation's text")
    warning: WarningThresholds = WarningThresholds()
    rules: tuple[Rule, ...] = Field(min_length=1)

    _by_id: dict[str, RuleBase] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_checks(self) -> Ruleset:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise RuleProblem(rule.id, "id", "duplicate rule id")
            seen.add(rule.id)
            match = ARTICLE_PATTERN.match(rule.article)
            if match is None or match["ruleset"] != self.id:
                raise RuleProblem(
                    rule.id, "article", f"article must cite this ruleset: '{self.id} §N'"
                )
        return self

    @model_validator(mode="after")
    def _report_deadlines_exist(self) -> Ruleset:
        # The reports fall due with the feedback: their deadline must be one it starts.
        started = {
            rule.id
            for rule in self.rules
            if isinstance(rule, DeadlineRule)
            and rule.params.start_event is Event.FEEDBACK_DELIVERED
        }
        for rule in self.rules:
            if isinstance(rule, RectificationReportRule) and rule.params.deadline not in started:
                raise RuleProblem(
                    rule.id, "params.deadline", "names no deadline the feedback starts"
                )
        return self

    def model_post_init(self, context: object, /) -> None:
        self._by_id = {rule.id: rule for rule in self.rules}

    def find(self, rule_id: str) -> RuleBase | None:
        """The rule with this id, or None when this ruleset has no such rule."""
        return self._by_id.get(rule_id)

    def rule(self, rule_id: str) -> RuleBase:
        """The rule with this id; NotFound (RULE_NOT_IN_RULESET) when absent."""
        return self.rule_of(rule_id, RuleBase)

    def rule_of(self, rule_id: str, cls: type[R]) -> R:
        """The rule with this id and model class; NotFound (RULE_NOT_IN_RULESET) otherwise."""
        rule = self._by_id.get(rule_id)
        if rule is None or not isinstance(rule, cls):
            raise NotFound(
                f"规则集 {self.id} 中没有规则 {rule_id}",
                code="RULE_NOT_IN_RULESET",
                rule_id=rule_id,
            )
        return rule

    def deadline(self, rule_id: str) -> DeadlineRule:
        """The deadline rule with this id."""
        return self.rule_of(rule_id, DeadlineRule)

    def of_kind(self, kind: RuleKind | str) -> tuple[RuleBase, ...]:
        """This ruleset's rules of one kind, in file order."""
        wanted = RuleKind(kind)
        return tuple(rule for rule in self.rules if rule.kind == wanted)

    def of_type(self, cls: type[R]) -> tuple[R, ...]:
        """This ruleset's rules of one model class, typed, in file order."""
        return tuple(rule for rule in self.rules if isinstance(rule, cls))

    def deadlines_started_by(self, event: Event | str) -> tuple[DeadlineRule, ...]:
        """Deadline rules that a given event starts (e.g. all that run from feedback)."""
        wanted = Event(event)
        return tuple(r for r in self.of_type(DeadlineRule) if r.params.start_event == wanted)

    def stage_rule(self, stage: InspectionStage | str) -> StageRule | None:
        """The rule under which an inspection enters ``stage``, if this ruleset has one."""
        wanted = InspectionStage(stage)
        return next((r for r in self.of_type(StageRule) if r.params.stage is wanted), None)

    def approval(self, matter: ApprovalMatter) -> ApprovalRule | None:
        """The rule naming the body that approves ``matter``, if this ruleset names one."""
        return next((r for r in self.of_type(ApprovalRule) if r.params.matter is matter), None)

    def warning_for(self, rule: DeadlineRule) -> WarningThresholds:
        """The thresholds that apply to a deadline rule."""
        return rule.params.warning or self.warning
