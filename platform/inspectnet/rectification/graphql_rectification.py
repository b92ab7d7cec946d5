"""GraphQL types of rectification (read side): the plan and its items with their checks, the
duties and their reports, each with its three-colour warning (三色预警)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet import clock
from inspectnet.filings.graphql_enums import ColourEnum
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import Sort, each, order_input
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import global_id
from inspectnet.rectification import repository
from inspectnet.rectification.models import (
    CheckBasis,
    ItemState,
    PlanState,
    RectificationCheck,
    RectificationDuty,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rectification.warnings import Thresholds, colour_of, thresholds_of
from inspectnet.rules import graphql_params as _rule_enums  # noqa: F401  (declares the enums)

if TYPE_CHECKING:
    from inspectnet.rectification.graphql_types import FedBackProblemType

from inspectnet.rules.format import (
    RectificationReportKind,
    ReportRecipient,
)

labelled_enum(
    PlanState,
    {PlanState.DRAFT: "制定中", PlanState.SUBMITTED: "已报审", PlanState.APPROVED: "已审定"},
    name="RectificationPlanState",
    description="State of a rectification plan (整改方案状态)",
)
labelled_enum(
    ItemState,
    {ItemState.OPEN: "整改中", ItemState.DONE: "已完成待销号", ItemState.CLOSED: "已销号"},
    name="RectificationItemState",
    description="State of a rectification item (整改事项状态)",
)
labelled_enum(
    CheckBasis,
    {
        CheckBasis.EVIDENCE: "对账销号",
        CheckBasis.SPECIAL_CHECK: "整改专项检查",
        CheckBasis.FOLLOW_UP: "回头看",
    },
    name="RectificationCheckBasis",
    description="Why an item was closed or reopened (销号或重新整改依据)",
)


async def _thresholds(info: Info, office_id: int) -> Thresholds:
    """The office's warning thresholds, one statement per request for every row shown."""
    ctx = info.context

    async def batch(office_ids: list[int]) -> list[Thresholds]:
        found = await thresholds_of(ctx.session, office_ids)
        return [found[o] for o in office_ids]

    return await ctx.loader(("rectification", "thresholds"), batch).load(office_id)  # type: ignore[no-any-return]


@strawberry.input(description="Which reports to list (整改报告筛选)")
class RectificationReportFilter:
    filed: bool | None = strawberry.field(default=None, description="Filed or not (已报送)")

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.filed is None:
            return []
        column = RectificationReport.filed_on
        return [column.is_not(None) if self.filed else column.is_(None)]


RectificationReportOrder = order_input("RectificationReport")
REPORT_CAN = (Ability("file", "May file it (可报送)", "update"),)


@strawberry.type(
    name="RectificationReport", description="One report to one recipient (整改报告报送)"
)
class RectificationReportType(Node, Stamped):
    kind: RectificationReportKind = strawberry.field(description="The report (报告)")
    recipient: ReportRecipient = strawberry.field(description="Its recipient (报送对象)")
    filed_on: date | None = strawberry.field(description="Filed on (报送日期)")
    body: str | None = strawberry.field(description="The report (报告内容)")
    pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("RectificationReport", REPORT_CAN)

    @classmethod
    def from_row(cls, row: RectificationReport) -> RectificationReportType:
        return cls(
            id=strawberry.ID(global_id("RectificationReport", row.id)),
            pk=row.id,
            kind=row.kind,
            recipient=row.recipient,
            filed_on=row.filed_on,
            body=row.body,
            **stamps(row),
        )


@strawberry.input(description="Which duties to list (整改期限筛选)")
class RectificationDutyFilter:
    met: bool | None = strawberry.field(default=None, description="Met or not (已完成)")

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.met is None:
            return []
        column = RectificationDuty.met_on
        return [column.is_not(None) if self.met else column.is_(None)]


RectificationDutyOrder = order_input("RectificationDuty", Sort("DUE_ON", "期限", ("due_on",)))
DUTY_CAN = (Ability("record_meeting", "May record the meeting (可登记会议)", "update"),)


@strawberry.type(
    name="RectificationDuty",
    description="A duty of the target with its date from the rules (整改期限：专题会议、整改方案、报告)",
)
class RectificationDutyType(Node, Stamped):
    rule_id: str = strawberry.field(description="The deadline rule (期限规则)")
    article: str = strawberry.field(description="The article (条款)")
    name: str = strawberry.field(description="The duty (事项)")
    due_on: date = strawberry.field(description="Due by (期限)")
    met_on: date | None = strawberry.field(description="Met on (完成日期)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("RectificationDuty", DUTY_CAN)
    reports = connection_field(
        repository.reports_of,
        RectificationReportType,
        description="The reports this duty owes, one per report and recipient (整改报告)",
        filter=RectificationReportFilter,
        order=RectificationReportOrder,
    )

    @strawberry.field(description="Green, yellow or red until met; null once met (三色预警)")
    async def colour(self, info: Info) -> ColourEnum | None:  # type: ignore[valid-type]
        if self.met_on is not None:
            return None
        return colour_of(
            self.due_on, clock.today_in_china(), await _thresholds(info, self.office_pk)
        )

    @classmethod
    def from_row(cls, row: RectificationDuty) -> RectificationDutyType:
        return cls(
            id=strawberry.ID(global_id("RectificationDuty", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            rule_id=row.rule_id,
            article=row.article,
            name=row.name,
            due_on=row.due_on,
            met_on=row.met_on,
            **stamps(row),
        )


@strawberry.input(description="Which checks to list (销号记录筛选)")
class RectificationCheckFilter:
    basis: CheckBasis | None = strawberry.field(default=None, description="Basis (依据)")

    def conditions(self) -> list[ColumnElement[bool]]:
        return [] if self.basis is None else [RectificationCheck.basis == self.basis]


RectificationCheckOrder = order_input("RectificationCheck")


@strawberry.type(
    name="RectificationCheck",
    description="The inspecting office closed or reopened an item (对账销号、重新整改)",
)
class RectificationCheckType(Node, Stamped):
    closed: bool = strawberry.field(description="Closed (销号) or reopened (重新整改)")
    basis: CheckBasis = strawberry.field(description="Basis (依据)")
    note: str = strawberry.field(description="The office's note (核查意见)")

    @classmethod
    def from_row(cls, row: RectificationCheck) -> RectificationCheckType:
        return cls(
            id=strawberry.ID(global_id("RectificationCheck", row.id)),
            closed=row.closed,
            basis=row.basis,
            note=row.note,
            **stamps(row),
        )


@strawberry.input(description="Which rectification items to list (整改事项筛选)")
class RectificationItemFilter:
    state: ItemState | None = strawberry.field(default=None, description="State (状态)")
    due_before: date | None = strawberry.field(default=None, description="Due before (期限早于)")

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(RectificationItem.state == self.state)
        if self.due_before is not None:
            found.append(RectificationItem.due_on < self.due_before)
        return each(found)


RectificationItemOrder = order_input("RectificationItem", Sort("DUE_ON", "期限", ("due_on",)))
ITEM_CAN = (
    Ability("update", "May report it done with evidence (可报完成)", "update"),
    Ability("close", "May close it against its evidence (可对账销号)", "close"),
    Ability("reopen", "May reopen it (可重新整改)", "reopen"),
)


@strawberry.type(
    name="RectificationItem",
    description="One line of the plan: problem, measure, owner, supervising leader, due date, "
    "evidence, state (整改事项)",
)
class RectificationItemType(Node, Stamped):
    measure: str = strawberry.field(description="The measure (整改措施)")
    owner_name: str = strawberry.field(description="Who carries it out (责任人)")
    supervisor_name: str = strawberry.field(description="Supervising leader (督办领导)")
    due_on: date = strawberry.field(description="Due by (整改时限)")
    evidence: str | None = strawberry.field(description="The evidence (佐证材料)")
    state: ItemState = strawberry.field(description="State (状态)")
    done_at: datetime | None = strawberry.field(description="Reported done (报完成时间)")
    closed_at: datetime | None = strawberry.field(description="Closed (销号时间)")
    version: int = strawberry.field(description="Version (版本)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    problem_pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("RectificationItem", ITEM_CAN)
    checks = connection_field(
        repository.checks_of,
        RectificationCheckType,
        description="The office's closures and reopenings of it (销号记录)",
        filter=RectificationCheckFilter,
        order=RectificationCheckOrder,
    )

    @strawberry.field(description="The fed-back problem it rectifies (对应反馈问题)")
    async def problem(
        self, info: Info
    ) -> (
        Annotated[FedBackProblemType, strawberry.lazy("inspectnet.rectification.graphql_types")]
        | None
    ):
        return await linked(info, "FedBackProblem", self.problem_pk)  # type: ignore[no-any-return]

    @strawberry.field(description="Green, yellow or red while open; null once done (三色预警)")
    async def colour(self, info: Info) -> ColourEnum | None:  # type: ignore[valid-type]
        if self.state is not ItemState.OPEN:
            return None
        return colour_of(
            self.due_on, clock.today_in_china(), await _thresholds(info, self.office_pk)
        )

    @classmethod
    def from_row(cls, row: RectificationItem) -> RectificationItemType:
        return cls(
            id=strawberry.ID(global_id("RectificationItem", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            problem_pk=row.problem_id,
            measure=row.measure,
            owner_name=row.owner_name,
            supervisor_name=row.supervisor_name,
            due_on=row.due_on,
            evidence=row.evidence,
            state=row.state,
            done_at=row.done_at,
            closed_at=row.closed_at,
            version=row.version,
            **stamps(row),
        )


PLAN_CAN = (
    Ability("update", "May add and remove items and submit it (可编制、报审)", "update"),
    Ability("approve", "May approve it (可审定)", "approve"),
)


@strawberry.type(
    name="RectificationPlan",
    description="The target's rectification plan with its problem, task and responsibility "
    "lists (整改方案：问题清单、任务清单、责任清单)",
)
class RectificationPlanType(Node, Stamped):
    state: PlanState = strawberry.field(description="State (状态)")
    submitted_at: datetime | None = strawberry.field(description="Submitted (报审时间)")
    approved_at: datetime | None = strawberry.field(description="Approved (审定时间)")
    version: int = strawberry.field(description="Version (版本)")
    pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("RectificationPlan", PLAN_CAN)
    items = connection_field(
        repository.items_of,
        RectificationItemType,
        description="Its items (整改事项)",
        filter=RectificationItemFilter,
        order=RectificationItemOrder,
    )

    @classmethod
    def from_row(cls, row: RectificationPlan) -> RectificationPlanType:
        return cls(
            id=strawberry.ID(global_id("RectificationPlan", row.id)),
            pk=row.id,
            state=row.state,
            submitted_at=row.submitted_at,
            approved_at=row.approved_at,
            version=row.version,
            **stamps(row),
        )
