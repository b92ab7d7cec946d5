"""GraphQL read types of rulesets, rules and deadlines, and pure converters to them.

Every field is a plain attribute filled by the converters (no per-field resolvers on the hot
path); ``Ruleset.rules(kind:)`` filters an already built list.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

import strawberry

from inspectnet import validation
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.parts import SchemaPart
from inspectnet.ids import expect_global_id
from inspectnet.rules import service
from inspectnet.rules.calendar import PeriodUnit
from inspectnet.rules.deadlines import Colour, Deadline, DeadlineStatus, instant_problems
from inspectnet.rules.format import RULE_ID_PATTERN, Event, RuleBase, RuleKind, Ruleset
from inspectnet.rules.graphql_calendar import RulesMutation
from inspectnet.rules.graphql_labels import DeadlineEventEnum, PeriodUnitEnum
from inspectnet.rules.graphql_params import RuleParams, params_type
from inspectnet.rules.registry import registry

RULE_KIND_LABELS = {
    RuleKind.DEADLINE: "期限",
    RuleKind.PROBLEM_CATEGORY: "问题类别",
    RuleKind.INSPECTION_MODE: "巡视巡察方式",
    RuleKind.REPORT_KIND: "报告类别",
    RuleKind.TEAM_ROLE: "巡视巡察组职务",
    RuleKind.TEAM_SIZE: "巡视巡察组人数",
    RuleKind.FILING_DUTY: "报备报批事项",
    RuleKind.TRANSFER_ROUTE: "移交渠道",
    RuleKind.PLAN_APPROVAL: "计划审定",
    RuleKind.DECISION: "巡后决策",
    RuleKind.ATTENDANCE: "反馈参加人员",
    RuleKind.RECTIFICATION_REPORT: "整改报告",
    RuleKind.RECUSAL_GROUND: "回避情形",
    RuleKind.DISCLOSURE_POINT: "公开事项",
    RuleKind.STAGE: "巡视巡察阶段",
    RuleKind.DISCIPLINE_OFFENCE: "违纪情形",
    RuleKind.WORK_METHOD: "巡视工作方式",
    RuleKind.APPROVAL: "审批事项",
    RuleKind.HANDLING_OUTCOME: "移交办理方式",
    RuleKind.EXPERTISE: "专业领域",
}
RuleKindEnum = labelled_enum(
    RuleKind, RULE_KIND_LABELS, name="RuleKind", description="Kind of rule (规则类别)"
)
DEADLINE_STATUS_LABELS = {
    DeadlineStatus.NOT_STARTED: "未开始",
    DeadlineStatus.ON_TIME: "正常",
    DeadlineStatus.DUE_SOON: "即将到期",
    DeadlineStatus.OVERDUE: "已逾期",
    DeadlineStatus.MET: "已完成",
}
DeadlineStatusEnum = labelled_enum(
    DeadlineStatus,
    DEADLINE_STATUS_LABELS,
    name="DeadlineStatus",
    description="Status of a deadline (期限状态)",
)
COLOUR_LABELS = {Colour.GREEN: "绿色", Colour.YELLOW: "黄色", Colour.RED: "红色"}
DeadlineColourEnum = labelled_enum(
    Colour, COLOUR_LABELS, name="DeadlineColour", description="Three-colour warning (三色预警)"
)


@strawberry.type(name="Rule", description="Rule of a ruleset, citing its article (规则及条款依据)")
class RuleType:
    id: str = strawberry.field(description="Stable id, the same concept in every ruleset")
    kind: RuleKind = strawberry.field(description="Kind of rule (规则类别)")
    name: str = strawberry.field(description="Chinese name (名称)")
    article: str = strawberry.field(description="Article cited, e.g. 'qh-zrzyt §19' (条款)")
    quote: str = strawberry.field(description="Verbatim quote from the article (原文)")
    params: RuleParams = strawberry.field(
        description="Typed parameters of the rule's kind (规则参数)"
    )


@strawberry.type(
    name="WarningThresholds", description="Three-colour warning thresholds (三色预警阈值)"
)
class WarningThresholdsType:
    yellow_days: int = strawberry.field(description="Yellow at most this many days left")
    red_days: int = strawberry.field(description="Red at most this many days left")


@strawberry.type(name="Ruleset", description="Ruleset (巡视巡察工作规定): one regulation's rules")
class RulesetType:
    id: str = strawberry.field(description="Stable id, e.g. 'nmg-2016' (规定编号)")
    title: str = strawberry.field(description="Title of the regulation (文件名称)")
    issuer: str = strawberry.field(description="Issuing body (制定机关)")
    in_force_from: date | None = strawberry.field(description="Date in force (施行日期)")
    warning: WarningThresholdsType = strawberry.field(
        description="Three-colour warning thresholds (三色预警阈值)"
    )
    all_rules: strawberry.Private[tuple[RuleType, ...]]

    @strawberry.field(description="Rules in file order, optionally of one kind")
    def rules(self, kind: RuleKind | None = None) -> list[RuleType]:
        if kind is None:
            return list(self.all_rules)
        return [rule for rule in self.all_rules if rule.kind == kind]


@strawberry.type(name="Deadline", description="Deadline set by a rule (期限), with its article")
class DeadlineType:
    ruleset_id: str = strawberry.field(description="Ruleset of the rule (规则集)")
    rule_id: str = strawberry.field(description="Id of the rule that sets it")
    name: str = strawberry.field(description="Chinese name of the rule (名称)")
    article: str = strawberry.field(description="Article that sets it (条款)")
    quote: str = strawberry.field(description="Verbatim quote of the article (原文)")
    start_event: Event = strawberry.field(description="Event that starts it (起算事件)")
    end_event: Event = strawberry.field(description="Event that meets it (终止事件)")
    unit: PeriodUnit = strawberry.field(description="How the period is counted (期间计算单位)")
    amount: int = strawberry.field(
        description="Length of the period in units; a window's upper bound (期间)"
    )
    started_at: datetime | None = strawberry.field(description="When the start event happened")
    met_at: datetime | None = strawberry.field(description="When the end event happened")
    due_on: date | None = strawberry.field(description="Last day, a Beijing date (截止日期)")
    earliest_on: date | None = strawberry.field(
        description="Earliest day of a window such as 20～40个工作日"
    )
    status: DeadlineStatus = strawberry.field(description="Status of the deadline (期限状态)")
    colour: Colour | None = strawberry.field(
        description="Three-colour warning; none before the start and once met (三色预警)"
    )
    days_left: int | None = strawberry.field(description="Calendar days left, 0 on the due day")
    days_late: int | None = strawberry.field(description="Days late: overdue, or met late")
    provisional: bool = strawberry.field(
        description="True when the holiday schedule of a year it spans is not yet loaded"
    )


def rule_type(rule: RuleBase) -> RuleType:
    """The GraphQL value of one rule."""
    return RuleType(
        id=rule.id,
        kind=rule.rule_kind,
        name=rule.name,
        article=rule.article,
        quote=rule.quote,
        params=params_type(rule.params),  # type: ignore[attr-defined]  (every kind has params)
    )


def ruleset_type(ruleset: Ruleset) -> RulesetType:
    """The GraphQL value of a ruleset, with all its rules."""
    return RulesetType(
        id=ruleset.id,
        title=ruleset.title,
        issuer=ruleset.issuer,
        in_force_from=ruleset.in_force_from,
        warning=WarningThresholdsType(
            yellow_days=ruleset.warning.yellow_days, red_days=ruleset.warning.red_days
        ),
        all_rules=tuple(rule_type(rule) for rule in ruleset.rules),
    )


def deadline_type(deadline: Deadline) -> DeadlineType:
    """The GraphQL value of a computed deadline."""
    return DeadlineType(
        ruleset_id=deadline.ruleset_id,
        rule_id=deadline.rule_id,
        name=deadline.name,
        article=deadline.article,
        quote=deadline.quote,
        start_event=deadline.start_event,
        end_event=deadline.end_event,
        unit=deadline.unit,
        amount=deadline.amount,
        started_at=deadline.started_at,
        met_at=deadline.met_at,
        due_on=deadline.due_on,
        earliest_on=deadline.earliest_on,
        status=deadline.status,
        colour=deadline.colour,
        days_left=deadline.days_left,
        days_late=deadline.days_late,
        provisional=deadline.provisional,
    )


__all__ = [
    "DeadlineColourEnum",
    "DeadlineEventEnum",
    "DeadlineStatusEnum",
    "DeadlineType",
    "PeriodUnitEnum",
    "RuleKindEnum",
    "RuleType",
    "RulesetType",
    "WarningThresholdsType",
    "deadline_type",
    "rule_type",
    "ruleset_type",
]


_RULE_ID = re.compile(RULE_ID_PATTERN)


def _check_deadline_arguments(
    rule_id: str, started_at: datetime | None, met_at: datetime | None
) -> None:
    """Every bad argument of ``deadline`` at once, before anything is looked up."""
    inputs = validation.Inputs()
    # A rule id is repeated in the NOT_FOUND answer: only a well-formed one is looked up.
    if len(rule_id) > 80 or not _RULE_ID.fullmatch(rule_id):
        inputs.add(ValidationFailed("规则编号格式无效", code="INVALID_RULE_ID", field="ruleId"))
    if met_at is not None and started_at is None:
        inputs.add(
            ValidationFailed(
                "给出完成时间时须给出起算时间", code="MET_WITHOUT_START", field="metAt"
            )
        )
    for problem in instant_problems(started_at, met_at):
        inputs.add(problem)
    inputs.done()


@strawberry.type
class RulesQuery:
    @strawberry.field(description="Every ruleset in force (适用规定)")
    def rulesets(self) -> list[RulesetType]:
        return [ruleset_type(r) for r in registry().all()]

    @strawberry.field(
        description="A deadline of an office's ruleset from its start event (期限测算), "
        "on the loaded working-day calendar"
    )
    async def deadline(
        self,
        info: Info,
        office_id: Annotated[
            strawberry.ID, strawberry.argument(description="The office whose ruleset applies")
        ],
        rule_id: Annotated[
            str, strawberry.argument(description="e.g. deadline.rectification_report")
        ],
        started_at: Annotated[
            datetime | None, strawberry.argument(description="When the start event happened")
        ] = None,
        met_at: Annotated[
            datetime | None, strawberry.argument(description="When it was met, if it was")
        ] = None,
    ) -> DeadlineType | None:
        _check_deadline_arguments(rule_id, started_at, met_at)
        deadline = await service.deadline_for_office(
            info.context.session,
            info.context.actor,
            office_id=expect_global_id(office_id, "Office", field="officeId"),
            rule_id=rule_id,
            started_at=started_at,
            met_at=met_at,
        )
        return deadline_type(deadline)


SCHEMA = SchemaPart(query=RulesQuery, mutation=RulesMutation)
