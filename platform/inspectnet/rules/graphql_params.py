"""Typed parameters of each kind of rule (规则参数): one GraphQL type per kind, in a union.

``rules/format.py`` is the one definition of the parameters; these types mirror it field for
field and ``params_type`` converts, so a screen reads ``... on DeadlineParams { amount unit }``
instead of an untyped JSON blob.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from inspectnet.rules import format as fmt
from inspectnet.rules import graphql_labels  # noqa: F401  (labels the enums the types use)
from inspectnet.rules.calendar import PeriodUnit


@strawberry.type(description="Warning thresholds of one deadline (三色预警阈值)")
class DeadlineWarning:
    yellow_days: int = strawberry.field(description="Yellow at most this many days left (黄色)")
    red_days: int = strawberry.field(description="Red at most this many days left (红色)")


@strawberry.type(description="Parameters of a deadline rule (期限参数)")
class DeadlineParams:
    start_event: fmt.Event = strawberry.field(description="Event that starts it (起算事件)")
    end_event: fmt.Event = strawberry.field(description="Event that meets it (终止事件)")
    unit: PeriodUnit = strawberry.field(description="How the period is counted (期间计算单位)")
    amount: int = strawberry.field(description="The period; a window's upper bound (期间)")
    min_amount: int | None = strawberry.field(
        description="Lower bound of a window such as 20～40个工作日 (下限)"
    )
    warning: DeadlineWarning | None = strawberry.field(
        description="Overrides the ruleset's thresholds for this deadline (三色预警阈值)"
    )


@strawberry.type(description="Parameters of a problem category (问题类别参数)")
class CategoryParams:
    position: int = strawberry.field(description="Order in the article's list (序号)")
    catch_all: bool = strawberry.field(description="The 'other problems' category (其他问题)")


@strawberry.type(description="Parameters of an inspection mode (巡视巡察方式参数)")
class ModeParams:
    revisit: bool = strawberry.field(description="Re-inspects an inspected target (回头看)")


@strawberry.type(description="Parameters of a kind of report (报告类别参数)")
class ReportKindParams:
    required: bool = strawberry.field(description="Produced after every inspection (必须形成)")
    condition_zh: str | None = strawberry.field(
        description="When it is produced, if not always (形成条件)"
    )
    working_papers_required: bool = strawberry.field(
        description="Every problem in it needs a working paper (底稿)"
    )


@strawberry.type(description="Parameters of a team role (巡视巡察组职务参数)")
class TeamRoleParams:
    max_per_team: int | None = strawberry.field(description="Most per team (每组人数上限)")
    from_pool: fmt.PoolKind | None = strawberry.field(description="Pool drawn from (人员来源库)")
    levels_zh: list[str] = strawberry.field(description="Rank required, e.g. 副厅级 (职级要求)")


@strawberry.type(description="Parameters of a team's size (巡视巡察组人数参数)")
class TeamSizeParams:
    min_members: int = strawberry.field(description="Fewest members (人数下限)")
    max_members: int = strawberry.field(description="Most members (人数上限)")


@strawberry.type(description="Parameters of a filing duty (报备报批事项参数)")
class FilingDutyParams:
    mode: fmt.FilingMode = strawberry.field(description="For record or approval (报备或报批)")
    recipient: fmt.Recipient = strawberry.field(description="Who receives it (报送对象)")
    recipient_zh: str = strawberry.field(description="The recipient as the article names it")
    required_before: fmt.Event | None = strawberry.field(
        description="An approval needed before this event (须事先批准的事项)"
    )
    periodic: bool = strawberry.field(description="Filed periodically (定期报送)")
    subjects: list[fmt.FilingSubject] = strawberry.field(
        description="What may be filed under this duty; empty: not yet modelled (报送内容)"
    )
    filer_kinds: list[str] = strawberry.field(
        description="Office kinds the duty binds; empty: every office of the ruleset (报送机构类别)"
    )
    decided_by: fmt.DecisionBody | None = strawberry.field(
        description="The body of the office filed to that approves; null: for record (审批机构)"
    )


@strawberry.type(description="Parameters of a transfer route (移交渠道参数)")
class TransferRouteParams:
    receivers: list[fmt.Receiver] = strawberry.field(description="Bodies receiving (移交对象)")
    receivers_zh: str = strawberry.field(description="The receivers as the article names them")
    matters_zh: str | None = strawberry.field(description="What goes this way (移交事项)")
    decided_by: fmt.DecisionBody = strawberry.field(description="Who decides it (决定机构)")
    during_inspection: bool = strawberry.field(description="A transfer while on site (巡中移交)")


@strawberry.type(description="Parameters of who approves an office's plans (计划审定参数)")
class PlanApprovalParams:
    plan_kinds: list[str] = strawberry.field(
        description="Plan kinds: term, annual, round (计划类别)"
    )
    decided_by: fmt.DecisionBody = strawberry.field(description="Who approves them (审定机构)")


@strawberry.type(description="Parameters of a ground of recusal (回避情形参数)")
class RecusalGroundParams:
    ground: fmt.RecusalGround = strawberry.field(description="Ground of recusal (回避情形)")


@strawberry.type(description="Parameters of a disclosure point (公开事项参数)")
class DisclosurePointParams:
    stage: fmt.DisclosureStage = strawberry.field(description="Stage disclosed (公开环节)")
    channels_zh: list[str] = strawberry.field(description="Channels of disclosure (公开渠道)")
    approved_by: fmt.DecisionBody | None = strawberry.field(
        description="The body that approves publication; null: the office's admin (审批机构)"
    )


@strawberry.type(description="Parameters of a breach of the inspection's discipline (违纪情形参数)")
class DisciplineOffenceParams:
    party: fmt.OffenderParty = strawberry.field(description="Who breaches it (责任主体)")
    conduct: fmt.Conduct = strawberry.field(description="The conduct named (违纪行为)")


@strawberry.type(description="Parameters of a stage an inspection enters (巡视巡察阶段参数)")
class StageParams:
    stage: fmt.InspectionStage = strawberry.field(description="The stage entered (进入的阶段)")


@strawberry.type(description="Parameters of a step after the site (巡后决策参数)")
class DecisionParams:
    matter: fmt.DecisionMatter = strawberry.field(description="The step (事项)")
    decided_by: fmt.DecisionBody = strawberry.field(description="Who takes it (决定机构)")


@strawberry.type(description="Parameters of who attends the feedback (反馈参加人员参数)")
class AttendanceParams:
    attendees: list[fmt.Attendee] = strawberry.field(description="Who must attend (参加人员)")


@strawberry.type(description="Parameters of the reports due after feedback (整改报告参数)")
class RectificationReportParams:
    reports: list[fmt.RectificationReportKind] = strawberry.field(
        description="The reports due (报告)"
    )
    recipients: list[fmt.ReportRecipient] = strawberry.field(
        description="Who receives each of them (报送对象)"
    )
    deadline: str = strawberry.field(description="The deadline rule's id (期限规则)")


@strawberry.type(description="Parameters of a working method (巡视工作方式参数)")
class WorkMethodParams:
    position: int = strawberry.field(description="Order in the article's list (序号)")
    record: fmt.MethodRecord = strawberry.field(description="The record kept of it (工作记录)")


@strawberry.type(description="Parameters of a matter a named body approves (审批事项参数)")
class ApprovalParams:
    matter: fmt.ApprovalMatter = strawberry.field(description="The matter (审批事项)")
    decided_by: fmt.DecisionBody = strawberry.field(description="Who approves it (审批机构)")


@strawberry.type(description="Parameters of a handling outcome (移交办理方式参数)")
class HandlingOutcomeParams:
    position: int = strawberry.field(description="Order in the article's list (序号)")


@strawberry.type(description="Parameters of a field of expertise (专业领域参数)")
class ExpertiseParams:
    position: int = strawberry.field(description="Order in the article's list (序号)")


RuleParams = Annotated[
    DeadlineParams
    | CategoryParams
    | ModeParams
    | ReportKindParams
    | TeamRoleParams
    | TeamSizeParams
    | FilingDutyParams
    | TransferRouteParams
    | RecusalGroundParams
    | DisclosurePointParams
    | PlanApprovalParams
    | StageParams
    | DecisionParams
    | AttendanceParams
    | RectificationReportParams
    | DisciplineOffenceParams
    | WorkMethodParams
    | ApprovalParams
    | HandlingOutcomeParams
    | ExpertiseParams,
    strawberry.union("RuleParams", description="Typed parameters of a rule's kind (规则参数)"),
]

_TYPES: dict[type, type] = {
    fmt.DeadlineParams: DeadlineParams,
    fmt.CategoryParams: CategoryParams,
    fmt.ModeParams: ModeParams,
    fmt.ReportKindParams: ReportKindParams,
    fmt.TeamRoleParams: TeamRoleParams,
    fmt.TeamSizeParams: TeamSizeParams,
    fmt.FilingDutyParams: FilingDutyParams,
    fmt.TransferRouteParams: TransferRouteParams,
    fmt.RecusalGroundParams: RecusalGroundParams,
    fmt.DisclosurePointParams: DisclosurePointParams,
    fmt.PlanApprovalParams: PlanApprovalParams,
    fmt.StageParams: StageParams,
    fmt.DecisionParams: DecisionParams,
    fmt.AttendanceParams: AttendanceParams,
    fmt.RectificationReportParams: RectificationReportParams,
    fmt.DisciplineOffenceParams: DisciplineOffenceParams,
    fmt.WorkMethodParams: WorkMethodParams,
    fmt.ApprovalParams: ApprovalParams,
    fmt.HandlingOutcomeParams: HandlingOutcomeParams,
    fmt.ExpertiseParams: ExpertiseParams,
}


def params_type(params: fmt._Model) -> object:
    """The GraphQL value of a rule's parameters (a kind without a type here is a bug)."""
    values = {name: getattr(params, name) for name in type(params).model_fields}
    for name, value in values.items():
        if isinstance(value, tuple):
            values[name] = list(value)
        elif isinstance(value, fmt.WarningThresholds):
            values[name] = DeadlineWarning(yellow_days=value.yellow_days, red_days=value.red_days)
    return _TYPES[type(params)](**values)
