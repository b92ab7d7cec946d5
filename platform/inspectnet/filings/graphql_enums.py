"""The filings domain's GraphQL enums, labelled in Chinese, shared by its GraphQL modules."""

from __future__ import annotations

from inspectnet.filings.models import Decision, FilingState, InboxStatus
from inspectnet.graphql.labels import labelled_enum
from inspectnet.rules.deadlines import Colour

FilingStateEnum = labelled_enum(
    FilingState,
    {
        FilingState.DUE: "待报送",
        FilingState.SUBMITTED: "已报送",
        FilingState.APPROVED: "已批准",
        FilingState.RETURNED: "已退回",
        FilingState.ACKNOWLEDGED: "已备案",
        FilingState.SUPERSEDED: "已被新版本取代",
    },
    name="FilingState",
    description="State of a filing version (报送状态)",
)
InboxStatusEnum = labelled_enum(
    InboxStatus,
    {
        InboxStatus.OVERDUE: "逾期",
        InboxStatus.DUE_SOON: "临期",
        InboxStatus.OPEN: "未到期",
        InboxStatus.MET_ON_TIME: "按时完成",
        InboxStatus.MET_LATE: "逾期完成",
    },
    name="InboxStatus",
    description="Against the deadline (逾期、临期、未到期、按时、逾期完成)",
)
ColourEnum = labelled_enum(
    Colour,
    {Colour.GREEN: "绿色", Colour.YELLOW: "黄色（临期）", Colour.RED: "红色（逾期）"},
    name="FilingColour",
    description="Three-colour warning (三色预警)",
)
DecisionEnum = labelled_enum(
    Decision,
    {Decision.APPROVE: "批准", Decision.RETURN: "退回", Decision.ACKNOWLEDGE: "备案"},
    name="FilingDecisionKind",
    description="Approve, return or acknowledge (批准、退回、备案)",
)
