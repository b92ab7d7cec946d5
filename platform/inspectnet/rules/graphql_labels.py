"""The labelled enums a rule's parameters use (规则参数枚举), declared once for GraphQL.

Importing this module registers them; ``rules/graphql_params.py`` declares the parameter types
that use them.
"""

from __future__ import annotations

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
        fmt.DecisionBody.PARTY_COMMITTEE: "自治区党委",
        fmt.DecisionBody.PARTY_GROUP: "党组（党委）",
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
labelled_enum(
    fmt.DecisionMatter,
    {
        fmt.DecisionMatter.HEARING: "听取巡视巡察情况汇报",
        fmt.DecisionMatter.RESULTS: "成果运用",
        fmt.DecisionMatter.FEEDBACK_CONSENT: "同意反馈",
        fmt.DecisionMatter.CIRCULATION: "通报",
        fmt.DecisionMatter.TRANSFER_ANSWER: "移交办理情况的处理意见或问责意见",
        fmt.DecisionMatter.REVISED_REPORT: "修改后的巡察报告报厅党组",
        fmt.DecisionMatter.RECTIFICATION_HEARING: "直接听取被巡视党组织整改情况汇报",
    },
    name="DecisionMatter",
    description="A step after the site and who takes it (巡后决策事项)",
)
labelled_enum(
    fmt.Attendee,
    {
        fmt.Attendee.LEADING_GROUP_MEMBER: "领导小组成员",
        fmt.Attendee.DISCIPLINE_HEAD: "纪检监察机关（机构）负责同志",
        fmt.Attendee.PERSONNEL_HEAD: "人事部门负责同志",
        fmt.Attendee.OTHER: "其他参加人员",
    },
    name="FeedbackAttendee",
    description="Who attends the feedback besides the team (反馈参加人员)",
)
labelled_enum(
    fmt.RectificationReportKind,
    {
        fmt.RectificationReportKind.RECTIFICATION: "整改情况报告",
        fmt.RectificationReportKind.PRINCIPAL: "主要负责人组织落实情况报告",
        fmt.RectificationReportKind.PARTY_ORGANISATION: "党组织落实情况报告",
    },
    name="RectificationReportKind",
    description="A report a target files after feedback (整改报告类别)",
)
labelled_enum(
    fmt.ReportRecipient,
    {
        fmt.ReportRecipient.INSPECTING_OFFICE: "巡视办（巡察办）",
        fmt.ReportRecipient.DISCIPLINE_BODY: "纪检监察机关（机构）",
        fmt.ReportRecipient.PERSONNEL_DEPARTMENT: "人事部门",
    },
    name="ReportRecipient",
    description="Who receives a rectification report (整改报告报送对象)",
)
labelled_enum(
    fmt.OffenderParty,
    {
        fmt.OffenderParty.STAFF: "巡视巡察工作人员",
        fmt.OffenderParty.INSPECTED_ORGANISATION: "被巡视巡察党组织及其工作人员",
        fmt.OffenderParty.COOPERATING_BODY: "有关配合单位",
    },
    name="OffenderParty",
    description="Who breaches the inspection's discipline (责任主体)",
)
labelled_enum(
    fmt.Conduct,
    {
        fmt.Conduct.MISSED_PROBLEM: "应当发现的重要问题没有发现",
        fmt.Conduct.FALSE_REPORT: "不如实报告情况",
        fmt.Conduct.LEAK_SECRETS: "泄露工作秘密",
        fmt.Conduct.EXCEEDED_AUTHORITY: "超越权限",
        fmt.Conduct.PRIVATE_GAIN: "谋取私利",
        fmt.Conduct.ACCEPTED_HOSPITALITY: "接受宴请和礼品",
        fmt.Conduct.STAFF_OTHER: "其他违反工作纪律行为",
        fmt.Conduct.CONCEALMENT: "隐瞒不报或者提供虚假情况",
        fmt.Conduct.REFUSING_DOCUMENTS: "拒绝提供文件材料",
        fmt.Conduct.INTERFERENCE: "干扰阻挠或者诬告陷害",
        fmt.Conduct.REFUSING_RECTIFICATION: "拒不纠正或者不按照要求整改",
        fmt.Conduct.RETALIATION: "打击报复反映问题的干部群众",
        fmt.Conduct.OFFERED_HOSPITALITY: "违规请客送礼",
        fmt.Conduct.OBSTRUCTION_OTHER: "以其他方式干扰工作",
        fmt.Conduct.MISINFORMING: "不如实介绍情况",
        fmt.Conduct.REFUSING_ASSISTANCE: "应当协助而不予协助",
        fmt.Conduct.TRANSFER_NOT_HANDLED: "移交问题线索不受理或者办理不及时",
        fmt.Conduct.NONCOOPERATION_OTHER: "其他不支持配合行为",
    },
    name="DisciplineConduct",
    description="Conduct an article names as a breach (违纪行为)",
)
labelled_enum(
    fmt.ApprovalMatter,
    {
        fmt.ApprovalMatter.TEAM_COMPOSITION: "审定巡视巡察组组成人员",
        fmt.ApprovalMatter.TEAM_LEADER: "确定并授权组长",
        fmt.ApprovalMatter.OTHER_SITE_METHOD: "批准其他了解方式",
        fmt.ApprovalMatter.INSTRUCTION_REQUEST: "请示报告",
        fmt.ApprovalMatter.DIRECT_REPORT: "特殊情况下直接报告",
        fmt.ApprovalMatter.REPORT: "审定巡视巡察报告",
    },
    name="ApprovalMatter",
    description="A matter of an inspection's team a named body approves (审批事项)",
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
