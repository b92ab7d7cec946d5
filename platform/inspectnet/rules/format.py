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
from typing import Annotated, Literal, TypeVar

from pydantic import Field, PrivateAttr, field_validator, model_validator

from inspectnet.errors import NotFound
from inspectnet.rules.params import (
    CategoryParams,
    DeadlineParams,
    DisclosurePointParams,
    FilingDutyParams,
    HandlingOutcomeParams,
    ModeParams,
    PlanApprovalParams,
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
    DecisionBody,
    DisclosureStage,
    Event,
    FilingMode,
    FilingSubject,
    InspectionStage,
    MethodRecord,
    PoolKind,
    Receiver,
    Recipient,
    RecusalGround,
    RuleKind,
)

# The vocabularies and the parameters are named through this module too: a ruleset file is one
# format to its readers.
__all__ = [
    "ARTICLE_PATTERN",
    "ID_PREFIX",
    "RULESET_ID_PATTERN",
    "RULE_ID_PATTERN",
    "STAGE_ZH",
    "CategoryParams",
    "DeadlineParams",
    "DeadlineRule",
    "DecisionBody",
    "DisclosurePointParams",
    "DisclosurePointRule",
    "DisclosureStage",
    "Event",
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
    "PlanApprovalParams",
    "PlanApprovalRule",
    "PoolKind",
    "ProblemCategoryRule",
    "Receiver",
    "Recipient",
    "RecusalGround",
    "RecusalGroundParams",
    "RecusalGroundRule",
    "ReportKindParams",
    "ReportKindRule",
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


class RuleProblem(ValueError):
    """A rule failed a check; names the rule and field so that the loader can report them."""

    def __init__(self, rule_id: str, field: str, message: str) -> None:
        self.rule_id = rule_id
        self.field = field
        self.message = message
        super().__init__(f"rule {rule_id}, field {field}: {message}")


# --- rules ---------------------------------------------------------------------------------


class RuleBase(_Model):
    """What every rule has: a stable id, a Chinese name, its article and a verbatim quote."""

    id: str = Field(pattern=RULE_ID_PATTERN, max_length=80)
    kind: str  # narrowed to one Literal by each subclass: the discriminator
    name: str = Field(min_length=1, max_length=80)
    article: str = Field(max_length=40)
    quote: str = Field(min_length=2, max_length=200)

    @field_validator("article")
    @classmethod
    def _article_format(cls, value: str) -> str:
        if not ARTICLE_PATTERN.match(value):
            raise ValueError("article must look like 'qh-zrzyt §19' or 'qh-zrzyt §8(6)'")
        return value

    @model_validator(mode="after")
    def _id_prefix(self) -> RuleBase:
        prefix = ID_PREFIX[RuleKind(self.kind)]
        if not self.id.startswith(prefix):
            raise RuleProblem(self.id, "id", f"a {self.kind} rule's id must start with '{prefix}'")
        return self

    @property
    def rule_kind(self) -> RuleKind:
        """The kind as the enum."""
        return RuleKind(self.kind)

    @property
    def article_number(self) -> int:
        """The article number (19 for 'qh-zrzyt §19')."""
        match = ARTICLE_PATTERN.match(self.article)
        assert match is not None  # checked at validation
        return int(match["article"])

    @property
    def item_number(self) -> int | None:
        """The item number (6 for 'qh-zrzyt §8(6)'), if the rule cites one."""
        match = ARTICLE_PATTERN.match(self.article)
        assert match is not None
        return int(match["item"]) if match["item"] else None


class DeadlineRule(RuleBase):
    kind: Literal["deadline"]
    params: DeadlineParams


class ProblemCategoryRule(RuleBase):
    kind: Literal["problem_category"]
    params: CategoryParams


class InspectionModeRule(RuleBase):
    kind: Literal["inspection_mode"]
    params: ModeParams = ModeParams()


class ReportKindRule(RuleBase):
    kind: Literal["report_kind"]
    params: ReportKindParams


class TeamRoleRule(RuleBase):
    kind: Literal["team_role"]
    params: TeamRoleParams = TeamRoleParams()


class TeamSizeRule(RuleBase):
    kind: Literal["team_size"]
    params: TeamSizeParams


class FilingDutyRule(RuleBase):
    kind: Literal["filing_duty"]
    params: FilingDutyParams


class TransferRouteRule(RuleBase):
    kind: Literal["transfer_route"]
    params: TransferRouteParams


class PlanApprovalRule(RuleBase):
    kind: Literal["plan_approval"]
    params: PlanApprovalParams


class RecusalGroundRule(RuleBase):
    kind: Literal["recusal_ground"]
    params: RecusalGroundParams


class DisclosurePointRule(RuleBase):
    kind: Literal["disclosure_point"]
    params: DisclosurePointParams


class StageRule(RuleBase):
    kind: Literal["stage"]
    params: StageParams


class WorkMethodRule(RuleBase):
    kind: Literal["work_method"]
    params: WorkMethodParams


class HandlingOutcomeRule(RuleBase):
    """How a receiver may handle a transferred clue (谈话函询、初核、立案、组织处理)."""

    kind: Literal["handling_outcome"]
    params: HandlingOutcomeParams


Rule = Annotated[
    DeadlineRule
    | ProblemCategoryRule
    | InspectionModeRule
    | ReportKindRule
    | TeamRoleRule
    | TeamSizeRule
    | FilingDutyRule
    | TransferRouteRule
    | RecusalGroundRule
    | DisclosurePointRule
    | PlanApprovalRule
    | StageRule
    | WorkMethodRule
    | HandlingOutcomeRule,
    Field(discriminator="kind"),
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

    def warning_for(self, rule: DeadlineRule) -> WarningThresholds:
        """The thresholds that apply to a deadline rule."""
        return rule.params.warning or self.warning
