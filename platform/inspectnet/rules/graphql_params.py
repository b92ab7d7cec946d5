"""Typed parameters of each kind of rule (规则参数): one GraphQL type per kind, in a union.

``rules/format.py`` is the one definition of the parameters; these types mirror it field for
field and ``params_type`` converts, so a screen reads ``... on DeadlineParams { amount unit }``
instead of an untyped JSON blob.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from inspectnet.graphql.labels import labelled_enum
from inspectnet.rules import format as fmt
from inspectnet.rules.calendar import PeriodUnit

# Enums the parameters use are labelled before the types that use them are declared.
EVENT_LABELS = {
    fmt.Event.ROUND_STARTED: "巡视巡察轮次开始",
    fmt.Event.SITE_ENTERED: "进驻",
    fmt.Event.SITE_LEFT: "现场巡视巡察结束",
    fmt.Event.HEARING_HELD: "领导小组听取汇报",
    fmt.Event.FEEDBACK_DELIVERED: "反馈意见送达（签收）",
    fmt.Event.SPECIAL_MEETING_HELD: "专题会议、专题民主生活会召开",
    fmt.Event.RECTIFICATION_PLAN_SUBMITTED: "整改方案报审定",
    fmt.Event.RECTIFICATION_REPORT_FILED: "整改情况报告报送",
    fmt.Event.TRANSFER_SIGNED: "移交的问题线索签收",
    fmt.Event.TRANSFER_HANDLING_REPORTED: "办理情况反馈",
}
DeadlineEventEnum = labelled_enum(
    fmt.Event,
    EVENT_LABELS,
    name="DeadlineEvent",
    description="Event that starts or ends a deadline (起止事件)",
)
PERIOD_UNIT_LABELS = {
    PeriodUnit.CALENDAR_DAYS: "日（自然日）",
    PeriodUnit.CALENDAR_MONTHS: "个月",
    PeriodUnit.WORKING_DAYS: "个工作日",
}
PeriodUnitEnum = labelled_enum(
    PeriodUnit,
    PERIOD_UNIT_LABELS,
    name="PeriodUnit",
    description="How a period is counted (期间计算单位)",
)
labelled_enum(
    fmt.FilingMode,
    {fmt.FilingMode.RECORD: "报备", fmt.FilingMode.APPROVAL: "报批"},
    name="FilingMode",
    description="For record (报备) or for approval (报批)",
)
labelled_enum(
    fmt.Recipient,
    {
        fmt.Recipient.SUPERIOR_OFFICE: "上级巡视工作领导小组办公室",
        fmt.Recipient.SUPERIOR_LEADING_GROUP: "上级巡视工作领导小组",
        fmt.Recipient.CENTRAL_LEADING_GROUP: "中央巡视工作领导小组",
    },
    name="FilingRecipient",
    description="Who receives a filing (报送对象)",
)
labelled_enum(
    fmt.Receiver,
    {
        fmt.Receiver.DISCIPLINE_BODY: "纪检监察机关",
        fmt.Receiver.ORGANISATION_DEPARTMENT: "组织人事部门",
        fmt.Receiver.POLITICAL_LEGAL_BODY: "政法机关",
        fmt.Receiver.OTHER_UNIT: "其他相关单位",
    },
    name="TransferReceiver",
    description="Body that receives transferred problems and clues (移交对象)",
)
labelled_enum(
    fmt.FilingSubject,
    {
        fmt.FilingSubject.TERM_PLAN: "巡视巡察工作规划",
        fmt.FilingSubject.ANNUAL_PLAN: "年度计划",
        fmt.FilingSubject.ROUND_PLAN: "阶段任务安排",
    },
    name="FilingSubject",
    description="What a filing freezes (报送内容)",
)
labelled_enum(
    fmt.DecisionBody,
    {
        fmt.DecisionBody.LEADING_GROUP: "巡视巡察工作领导小组",
        fmt.DecisionBody.FIVE_PERSON_GROUP: "党委“五人小组”会议",
        fmt.DecisionBody.PARTY_GROUP: "厅党组",
    },
    name="DecidingBody",
    description="Who decides a matter (决定机构)",
)
# The one pool enum: rules name it (from_pool) and people's memberships are stored in it.
labelled_enum(
    fmt.PoolKind,
    {fmt.PoolKind.LEADER: "组长库", fmt.PoolKind.TALENT: "人才库"},
    name="PoolKind",
    description="Leader pool (组长库) or talent pool (人才库)",
)
labelled_enum(
    fmt.RecusalGround,
    {
        fmt.RecusalGround.POST: "任职回避",
        fmt.RecusalGround.REGION: "地域回避",
        fmt.RecusalGround.OFFICIAL: "公务回避",
        fmt.RecusalGround.GENERAL: "回避（未列举情形，逐案决定）",
    },
    name="RecusalGround",
    description="Ground of recusal (回避情形)",
)
# Declared with the rules that name the stages; the inspections domain shows it on its type.
labelled_enum(
    fmt.InspectionStage,
    fmt.STAGE_ZH,
    name="InspectionStage",
    description="Stage of an inspection (巡视巡察阶段)",
)
labelled_enum(
    fmt.DisclosureStage,
    {
        fmt.DisclosureStage.ENTRY: "进驻（巡察公告）",
        fmt.DisclosureStage.FEEDBACK: "反馈",
        fmt.DisclosureStage.RECTIFICATION: "整改",
    },
    name="DisclosureStage",
    description="Stage whose facts are disclosed (公开环节)",
)
labelled_enum(
    fmt.MethodRecord,
    {
        fmt.MethodRecord.ACTIVITY: "工作记录",
        fmt.MethodRecord.INTERVIEW: "个别谈话记录",
        fmt.MethodRecord.PETITION: "来信来电来访",
    },
    name="MethodRecord",
    description="The record a team keeps of work by one method (工作记录类别)",
)


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


@strawberry.type(description="Parameters of a stage an inspection enters (巡视巡察阶段参数)")
class StageParams:
    stage: fmt.InspectionStage = strawberry.field(description="The stage entered (进入的阶段)")


@strawberry.type(description="Parameters of a working method (巡视工作方式参数)")
class WorkMethodParams:
    position: int = strawberry.field(description="Order in the article's list (序号)")
    record: fmt.MethodRecord = strawberry.field(description="The record kept of it (工作记录)")


@strawberry.type(description="Parameters of a handling outcome (移交办理方式参数)")
class HandlingOutcomeParams:
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
    | WorkMethodParams
    | HandlingOutcomeParams,
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
    fmt.WorkMethodParams: WorkMethodParams,
    fmt.HandlingOutcomeParams: HandlingOutcomeParams,
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
