"""GraphQL of the team's methods on site (nmg-2016 §20, qh-zrzyt §14) and its requests for
instruction up the line (nmg-2016 §22, qh-zrzyt §26)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet import clock
from inspectnet.authz.checks import body_action
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import site_work
from inspectnet.inspections.models import (
    ApprovalStatus,
    InstructionRequest,
    SiteMethod,
    SiteMethodUse,
)
from inspectnet.rules.format import DecisionBody
from inspectnet.validation import described

labelled_enum(
    SiteMethod,
    {
        SiteMethod.HEARING_REPORTS: "听取工作汇报和专题汇报",
        SiteMethod.INDIVIDUAL_TALKS: "个别谈话",
        SiteMethod.LETTERS_CALLS_VISITS: "受理来信来电来访",
        SiteMethod.PERSONAL_MATTERS_CHECK: "抽查核实个人有关事项报告",
        SiteMethod.INQUIRY: "向有关知情人询问情况",
        SiteMethod.DOCUMENTS: "调阅、复制有关资料",
        SiteMethod.FORUM: "召开座谈会",
        SiteMethod.ATTEND_MEETINGS: "列席有关会议",
        SiteMethod.EVALUATION_SURVEY: "民主测评、问卷调查",
        SiteMethod.SUBORDINATE_VISITS: "到下属地方、单位或者部门了解情况",
        SiteMethod.SPECIAL_CHECK: "开展专项检查",
        SiteMethod.ASSISTANCE: "提请有关单位协助",
        SiteMethod.OTHER: "经批准的其他方式",
    },
    name="SiteMethod",
    description="A way the team learns about the target on site (巡视巡察工作方式)",
)
labelled_enum(
    ApprovalStatus,
    {
        ApprovalStatus.NOT_NEEDED: "无需审批",
        ApprovalStatus.PENDING: "待审批",
        ApprovalStatus.APPROVED: "已批准",
        ApprovalStatus.REFUSED: "未批准",
    },
    name="ApprovalStatus",
    description="Where the approval another method needs stands (审批状态)",
)


def _as_body(action: str, body: DecisionBody | None) -> str:
    # A row that names no body needs no approval: an action no policy row grants.
    return body_action(action, body.value if body else "no_body")


# The body the row names decides, in the row's office (require_body).
METHOD_CAN = (
    Ability(
        "decide",
        "May approve or refuse it (可审批)",
        lambda use: _as_body("approve", use.decided_by),
        in_office=(SiteMethodUse, lambda use: use.office_id),
    ),
)
REQUEST_CAN = (
    Ability(
        "answer",
        "May answer it (可答复)",
        lambda request: _as_body("answer", request.addressee),
        in_office=(InstructionRequest, lambda request: request.office_id),
    ),
)


@strawberry.input(description="Which methods used on site to list (工作方式筛选)")
class SiteMethodUseFilter:
    method: SiteMethod | None = strawberry.field(default=None, description="Method (方式)")
    approval: ApprovalStatus | None = strawberry.field(default=None, description="Approval (审批)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.method is not None:
            found.append(SiteMethodUse.method == self.method)
        if self.approval is not None:
            found.append(SiteMethodUse.approval == self.approval)
        return each(found, created_in(self.created_at, SiteMethodUse.created_at))


SiteMethodUseOrder = order_input("SiteMethodUse")


@strawberry.type(name="SiteMethodUse", description="A method the team used on site (工作方式)")
class SiteMethodUseType(Node, Stamped):
    method: SiteMethod = strawberry.field(description="The method (方式)")
    used_on: date = strawberry.field(description="Used on (使用日期)")
    note: str = strawberry.field(description="What was done (情况说明)")
    approval: ApprovalStatus = strawberry.field(description="Approval (审批状态)")
    decided_by: DecisionBody | None = strawberry.field(description="Who approves (审批机构)")
    article: str | None = strawberry.field(description="The approval's article (条款)")
    approved_at: datetime | None = strawberry.field(description="Decided at (审批时间)")
    pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("SiteMethodUse", METHOD_CAN)

    @classmethod
    def from_row(cls, row: SiteMethodUse) -> SiteMethodUseType:
        return cls(
            id=strawberry.ID(global_id("SiteMethodUse", row.id)),
            pk=row.id,
            method=row.method,
            used_on=row.used_on,
            note=row.note,
            approval=row.approval,
            decided_by=row.decided_by,
            article=row.article,
            approved_at=row.approved_at,
            **stamps(row),
        )


@strawberry.input(description="Which requests for instruction to list (请示报告筛选)")
class InstructionRequestFilter:
    answered: bool | None = strawberry.field(default=None, description="Answered or not (已答复)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Raised within (请示时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.answered is not None:
            column = InstructionRequest.answered_on
            found.append(column.is_not(None) if self.answered else column.is_(None))
        return each(found, created_in(self.created_at, InstructionRequest.created_at))


InstructionRequestOrder = order_input("InstructionRequest")


@strawberry.type(
    name="InstructionRequest",
    description="A request for instruction up the line, with its due date (请示报告)",
)
class InstructionRequestType(Node, Stamped):
    direct: bool = strawberry.field(description="Reported directly, a special case (直接报告)")
    addressee: DecisionBody = strawberry.field(description="The body asked (请示对象)")
    article: str = strawberry.field(description="The rule's article (条款)")
    subject: str = strawberry.field(description="Subject (事由)")
    content: str = strawberry.field(description="What is asked (请示内容)")
    due_on: date = strawberry.field(description="Answer due by (答复期限)")
    answer: str | None = strawberry.field(description="The answer (答复内容)")
    answered_on: date | None = strawberry.field(description="Answered on (答复日期)")
    overdue: bool = strawberry.field(description="Unanswered past its due date (逾期未复)")
    pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("InstructionRequest", REQUEST_CAN)

    @classmethod
    def from_row(cls, row: InstructionRequest) -> InstructionRequestType:
        return cls(
            id=strawberry.ID(global_id("InstructionRequest", row.id)),
            pk=row.id,
            direct=row.direct,
            addressee=row.addressee,
            article=row.article,
            subject=row.subject,
            content=row.content,
            due_on=row.due_on,
            answer=row.answer,
            answered_on=row.answered_on,
            overdue=row.answered_on is None and row.due_on < clock.today_in_china(),
            **stamps(row),
        )


register_node("SiteMethodUse", SiteMethodUse, SiteMethodUseType.from_row)
register_node("InstructionRequest", InstructionRequest, InstructionRequestType.from_row)


@strawberry.input(description="Record a method used on site (登记工作方式)")
class RecordSiteMethodInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    method: SiteMethod = strawberry.field(description="The method (方式)")
    used_on: date = strawberry.field(description="Used on (使用日期)")
    note: str = strawberry.field(
        description=described("What was done (情况说明)", SiteMethodUse.note)
    )


@strawberry.input(description="Approve or refuse another method (审批其他方式)")
class DecideSiteMethodInput:
    use_id: strawberry.ID = strawberry.field(description="The method recorded (工作方式)")
    approve: bool = strawberry.field(description="Approved (true) or refused (false) (是否批准)")


@strawberry.type(description="Result of a change to a method used on site (工作方式结果)")
class SiteMethodUsePayload:
    use: SiteMethodUseType | None = strawberry.field(description="The record, unless refused")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Ask for instruction up the line (请示报告)")
class RaiseInstructionRequestInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    subject: str = strawberry.field(
        description=described("Subject (事由)", InstructionRequest.subject)
    )
    content: str = strawberry.field(
        description=described("What is asked (请示内容)", InstructionRequest.content)
    )
    due_on: date = strawberry.field(description="Answer due by (答复期限)")
    direct: bool = strawberry.field(
        default=False,
        description="In a special case, directly where the ruleset allows (特殊情况下直接报告)",
    )


@strawberry.input(description="Answer a request for instruction (答复请示)")
class AnswerInstructionRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request (请示报告)")
    answer: str = strawberry.field(
        description=described("The answer (答复内容)", InstructionRequest.answer)
    )


@strawberry.type(description="Result of a change to a request for instruction (请示报告结果)")
class InstructionRequestPayload:
    request: InstructionRequestType | None = strawberry.field(
        description="The request, unless refused (请示报告)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _inspection(value: strawberry.ID) -> int:
    return expect_global_id(value, "Inspection", field="inspectionId")


@strawberry.type
class SiteWorkMutation:
    @strawberry.mutation(description="Record a method used on site (登记工作方式)")
    async def record_site_method(
        self, info: Info, input: RecordSiteMethodInput
    ) -> SiteMethodUsePayload:
        ctx = info.context

        async def call() -> SiteMethodUse:
            return await site_work.record_method(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                method=input.method,
                used_on=input.used_on,
                note=input.note,
            )

        found, errors = await run_mutation(info, "inspection.method.record", call)
        return SiteMethodUsePayload(
            use=found and SiteMethodUseType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Approve or refuse another method (审批其他方式)")
    async def decide_site_method(
        self, info: Info, input: DecideSiteMethodInput
    ) -> SiteMethodUsePayload:
        ctx = info.context

        async def call() -> SiteMethodUse:
            return await site_work.decide_method(
                ctx.session,
                ctx.actor,
                use_id=expect_global_id(input.use_id, "SiteMethodUse", field="useId"),
                approve=input.approve,
            )

        found, errors = await run_mutation(info, "inspection.method.decide", call)
        return SiteMethodUsePayload(
            use=found and SiteMethodUseType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Ask for instruction up the line (请示报告)")
    async def raise_instruction_request(
        self, info: Info, input: RaiseInstructionRequestInput
    ) -> InstructionRequestPayload:
        ctx = info.context

        async def call() -> InstructionRequest:
            return await site_work.raise_request(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                subject=input.subject,
                content=input.content,
                due_on=input.due_on,
                direct=input.direct,
            )

        found, errors = await run_mutation(info, "inspection.request.raise", call)
        return InstructionRequestPayload(
            request=found and InstructionRequestType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Answer a request for instruction (答复请示)")
    async def answer_instruction_request(
        self, info: Info, input: AnswerInstructionRequestInput
    ) -> InstructionRequestPayload:
        ctx = info.context

        async def call() -> InstructionRequest:
            return await site_work.answer_request(
                ctx.session,
                ctx.actor,
                request_id=expect_global_id(
                    input.request_id, "InstructionRequest", field="requestId"
                ),
                answer=input.answer,
            )

        found, errors = await run_mutation(info, "inspection.request.answer", call)
        return InstructionRequestPayload(
            request=found and InstructionRequestType.from_row(found), user_errors=errors
        )
