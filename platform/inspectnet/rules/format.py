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

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from inspectnet.errors import NotFound
from inspectnet.rules.calendar import PeriodUnit

RULESET_ID_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$"
# "qh-zrzyt §19" or "qh-zrzyt §8(6)": article and optional item, ASCII parentheses.
ARTICLE_PATTERN = re.compile(
    r"^(?P<ruleset>[a-z][a-z0-9-]*) §(?P<article>[1-9]\d*)(?:\((?P<item>[1-9]\d*)\))?$"
)


class RuleKind(StrEnum):
    """What a rule is about; each kind has its own parameters and id prefix."""

    DEADLINE = "deadline"
    PROBLEM_CATEGORY = "problem_category"
    INSPECTION_MODE = "inspection_mode"
    REPORT_KIND = "report_kind"
    TEAM_ROLE = "team_role"
    TEAM_SIZE = "team_size"
    FILING_DUTY = "filing_duty"
    TRANSFER_ROUTE = "transfer_route"
    RECUSAL_GROUND = "recusal_ground"
    DISCLOSURE_POINT = "disclosure_point"


ID_PREFIX: dict[RuleKind, str] = {
    RuleKind.DEADLINE: "deadline.",
    RuleKind.PROBLEM_CATEGORY: "category.",
    RuleKind.INSPECTION_MODE: "mode.",
    RuleKind.REPORT_KIND: "report.",
    RuleKind.TEAM_ROLE: "role.",
    RuleKind.TEAM_SIZE: "team.",
    RuleKind.FILING_DUTY: "filing.",
    RuleKind.TRANSFER_ROUTE: "transfer.",
    RuleKind.RECUSAL_GROUND: "recusal.",
    RuleKind.DISCLOSURE_POINT: "disclosure.",
}


class Event(StrEnum):
    """Events that start or end a deadline; the services that record them use these names."""

    ROUND_STARTED = "round_started"  # 巡视/巡察轮次开始
    SITE_ENTERED = "site_entered"  # 进驻
    SITE_LEFT = "site_left"  # 现场巡视/巡察结束
    HEARING_HELD = "hearing_held"  # 领导小组听取汇报
    FEEDBACK_DELIVERED = "feedback_delivered"  # 反馈意见送达（签收）
    SPECIAL_MEETING_HELD = "special_meeting_held"  # 专题会议、专题民主生活会召开
    RECTIFICATION_PLAN_SUBMITTED = "rectification_plan_submitted"  # 整改方案报审定
    RECTIFICATION_REPORT_FILED = "rectification_report_filed"  # 整改情况报告报送
    TRANSFER_SIGNED = "transfer_signed"  # 移交的问题线索签收（收到）
    TRANSFER_HANDLING_REPORTED = "transfer_handling_reported"  # 办理情况反馈


class FilingMode(StrEnum):
    """报备 (for record: acknowledged) or 报批 (for approval: approved or returned)."""

    RECORD = "record"
    APPROVAL = "approval"


class FilingSubject(StrEnum):
    """What a filing freezes (the filings domain snapshots one of these)."""

    TERM_PLAN = "term_plan"  # 巡视/巡察工作规划
    ANNUAL_PLAN = "annual_plan"  # 年度计划
    ROUND_PLAN = "round_plan"  # 阶段任务安排 / 巡察工作方案


class Recipient(StrEnum):
    """Who receives a filing, relative to the filing office."""

    SUPERIOR_OFFICE = "superior_office"  # 上级巡视工作领导小组办公室
    SUPERIOR_LEADING_GROUP = "superior_leading_group"  # 上级巡视工作领导小组
    CENTRAL_LEADING_GROUP = "central_leading_group"  # 中央巡视工作领导小组 (outside the network)


class Receiver(StrEnum):
    """Bodies that receive transferred problems and clues (移交)."""

    DISCIPLINE_BODY = "discipline_body"  # 纪律检查机关 / 纪检监察机关（机构）
    ORGANISATION_DEPARTMENT = "organisation_department"  # 组织部门 / 人事部门
    POLITICAL_LEGAL_BODY = "political_legal_body"  # 政法机关
    OTHER_UNIT = "other_unit"  # 相关单位 / 其他相关部门


class DecisionBody(StrEnum):
    """Who decides a matter before it happens."""

    LEADING_GROUP = "leading_group"  # 巡视/巡察工作领导小组
    FIVE_PERSON_GROUP = "five_person_group"  # 党委“五人小组”会议


class PoolKind(StrEnum):
    """The pools team members are drawn from: the one pool enum (people's memberships use it too)."""

    LEADER = "LEADER"  # 组长库 (nmg-2016 §9)
    TALENT = "TALENT"  # 人才库 (nmg-2016 §13, qh-zrzyt §9)


class RecusalGround(StrEnum):
    """Grounds of recusal (回避)."""

    POST = "post"  # 任职回避
    REGION = "region"  # 地域回避
    OFFICIAL = "official"  # 公务回避
    GENERAL = "general"  # 回避制度 without enumerated grounds: decided case by case


class DisclosureStage(StrEnum):
    """Stages of an inspection whose facts are disclosed (公开)."""

    ENTRY = "entry"  # 进驻 / 巡察公告
    FEEDBACK = "feedback"  # 反馈
    RECTIFICATION = "rectification"  # 整改


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class WarningThresholds(_Model):
    """三色预警: yellow when at most ``yellow_days`` are left, red at most ``red_days``."""

    yellow_days: int = Field(default=20, ge=1, le=366)
    red_days: int = Field(default=10, ge=0, le=366)

    @model_validator(mode="after")
    def _red_before_yellow(self) -> WarningThresholds:
        if self.red_days >= self.yellow_days:
            raise ValueError("red_days must be less than yellow_days")
        return self


# --- parameters, one model per kind --------------------------------------------------------


class DeadlineParams(_Model):
    """A period from a start event within which an end event is due."""

    start_event: Event
    end_event: Event
    unit: PeriodUnit
    amount: int = Field(ge=1, le=3660, description="the period; the upper bound of a window")
    min_amount: int | None = Field(
        default=None, ge=1, description="lower bound of a window such as 20～40个工作日"
    )
    warning: WarningThresholds | None = Field(
        default=None, description="overrides the ruleset's thresholds for this deadline"
    )

    @model_validator(mode="after")
    def _consistent(self) -> DeadlineParams:
        if self.start_event == self.end_event:
            raise ValueError("start_event and end_event must differ")
        if self.min_amount is not None and self.min_amount > self.amount:
            raise ValueError("min_amount must not exceed amount")
        return self


class CategoryParams(_Model):
    position: int = Field(ge=1, description="order in the article's list")
    catch_all: bool = Field(default=False, description="the 'other problems' category")


class ModeParams(_Model):
    revisit: bool = Field(default=False, description="回头看: re-inspects an inspected target")


class ReportKindParams(_Model):
    required: bool = Field(description="produced after every inspection, or only on condition")
    condition_zh: str | None = Field(default=None, description="when it is produced, if not always")
    working_papers_required: bool = Field(
        default=False, description="every problem in it needs a working paper (底稿)"
    )

    @model_validator(mode="after")
    def _condition_when_optional(self) -> ReportKindParams:
        if not self.required and not self.condition_zh:
            raise ValueError("condition_zh is required when required is false")
        return self


class TeamRoleParams(_Model):
    max_per_team: int | None = Field(default=None, ge=1)
    from_pool: PoolKind | None = None
    levels_zh: tuple[str, ...] = Field(default=(), description="rank required, e.g. 副厅级、处级")


class TeamSizeParams(_Model):
    min_members: int = Field(ge=1)
    max_members: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> TeamSizeParams:
        if self.min_members > self.max_members:
            raise ValueError("min_members must not exceed max_members")
        return self


class FilingDutyParams(_Model):
    mode: FilingMode
    recipient: Recipient
    recipient_zh: str = Field(min_length=1, description="the recipient as the article names it")
    required_before: Event | None = Field(
        default=None, description="an approval that must be granted before this event"
    )
    periodic: bool = Field(default=False, description="filed periodically (定期报送)")
    subjects: tuple[FilingSubject, ...] = Field(
        default=(), description="what may be filed under this duty (none: not yet modelled)"
    )
    filer_kinds: tuple[str, ...] = Field(
        default=(), description="office kinds the duty binds (none: every office of the ruleset)"
    )


class TransferRouteParams(_Model):
    receivers: tuple[Receiver, ...] = Field(min_length=1)
    receivers_zh: str = Field(min_length=1)
    matters_zh: str | None = Field(default=None, description="what goes this way")
    decided_by: DecisionBody
    during_inspection: bool = Field(default=False, description="a transfer while still on site")


class RecusalGroundParams(_Model):
    ground: RecusalGround


class DisclosurePointParams(_Model):
    stage: DisclosureStage
    channels_zh: tuple[str, ...] = Field(min_length=1)


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


class RecusalGroundRule(RuleBase):
    kind: Literal["recusal_ground"]
    params: RecusalGroundParams


class DisclosurePointRule(RuleBase):
    kind: Literal["disclosure_point"]
    params: DisclosurePointParams


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
    | DisclosurePointRule,
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

    def warning_for(self, rule: DeadlineRule) -> WarningThresholds:
        """The thresholds that apply to a deadline rule."""
        return rule.params.warning or self.warning
