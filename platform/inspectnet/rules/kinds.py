"""The kinds of rule (规则种类): what every rule has, and each kind's typed parameters.

``rules/format.py`` re-exports them with the ruleset that holds them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

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
    WorkMethodParams,
    _Model,
)
from inspectnet.rules.vocabulary import (
    ARTICLE_PATTERN,
    ID_PREFIX,
    RULE_ID_PATTERN,
    RuleKind,
)

# The vocabularies and the parameters are named through this module too: a ruleset file is one
# format to its readers.


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


class DecisionRule(RuleBase):
    kind: Literal["decision"]
    params: DecisionParams


class AttendanceRule(RuleBase):
    kind: Literal["attendance"]
    params: AttendanceParams


class RectificationReportRule(RuleBase):
    kind: Literal["rectification_report"]
    params: RectificationReportParams


class DisciplineOffenceRule(RuleBase):
    kind: Literal["discipline_offence"]
    params: DisciplineOffenceParams


class WorkMethodRule(RuleBase):
    kind: Literal["work_method"]
    params: WorkMethodParams


class ApprovalRule(RuleBase):
    kind: Literal["approval"]
    params: ApprovalParams


class HandlingOutcomeRule(RuleBase):
    """How a receiver may handle a transferred clue (谈话函询、初核、立案、组织处理)."""

    kind: Literal["handling_outcome"]
    params: HandlingOutcomeParams


class ExpertiseRule(RuleBase):
    """A field of expertise (专业领域) a person may hold and the draw covers."""

    kind: Literal["expertise"]
    params: ExpertiseParams


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
    | DecisionRule
    | AttendanceRule
    | RectificationReportRule
    | DisciplineOffenceRule
    | WorkMethodRule
    | ApprovalRule
    | HandlingOutcomeRule
    | ExpertiseRule,
    Field(discriminator="kind"),
]
