"""GraphQL of preparation before entry (nmg-2016 §24): items asked of the bodies, with due dates."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import ColumnElement

from inspectnet import clock
from inspectnet.graphql.can import ViewerCan, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import CreatedFilter, DateTimeRange, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import preparation
from inspectnet.inspections.models import PreparationBody, PreparationItem
from inspectnet.validation import described

labelled_enum(
    PreparationBody,
    {
        PreparationBody.DISCIPLINE: "纪检监察机关",
        PreparationBody.POLITICAL_LEGAL: "政法机关",
        PreparationBody.ORGANISATION: "组织部门",
        PreparationBody.AUDIT: "审计部门",
        PreparationBody.PETITION: "信访部门",
    },
    name="PreparationBody",
    description="A body asked about the target's leadership before entry (了解情况的部门)",
)


@strawberry.input(description="Which preparation items to list (巡前了解情况筛选)")
class PreparationItemFilter(CreatedFilter):
    created_model = PreparationItem
    body: PreparationBody | None = strawberry.field(default=None, description="Body (部门)")
    answered: bool | None = strawberry.field(default=None, description="Answered or not (已答复)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Asked within (发出时间)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [PreparationItem.archived_at.is_(None)]
        if self.body is not None:
            found.append(PreparationItem.body == self.body)
        if self.answered is not None:
            answered = PreparationItem.answered_on
            found.append(answered.is_not(None) if self.answered else answered.is_(None))
        return found


PreparationItemOrder = order_input("PreparationItem")


@strawberry.type(
    name="PreparationItem",
    description="A request for information before entry, with its due date (巡前了解情况事项)",
)
class PreparationItemType(Node, Stamped):
    body: PreparationBody = strawberry.field(description="The body asked (部门)")
    question: str = strawberry.field(description="What was asked (了解事项)")
    due_on: date = strawberry.field(description="Answer due by (答复期限)")
    answer: str | None = strawberry.field(description="The answer, once given (答复内容)")
    answered_on: date | None = strawberry.field(description="Answered on (答复日期)")
    overdue: bool = strawberry.field(description="Unanswered past its due date (逾期未复)")
    withdrawn: bool = strawberry.field(description="Withdrawn by the office (已撤回)")
    viewer_can: ViewerCan = viewer_can_field("PreparationItem")

    @classmethod
    def from_row(cls, row: PreparationItem) -> PreparationItemType:
        return cls(
            id=strawberry.ID(global_id("PreparationItem", row.id)),
            body=row.body,
            question=row.question,
            due_on=row.due_on,
            answer=row.answer,
            answered_on=row.answered_on,
            overdue=row.answered_on is None and row.due_on < clock.today_in_china(),
            withdrawn=row.archived_at is not None,
            **stamps(row),
        )


register_node("PreparationItem", PreparationItem, PreparationItemType.from_row)


@strawberry.input(description="Ask a body about the target before entry (巡前了解情况)")
class AddPreparationItemInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    body: PreparationBody = strawberry.field(description="The body asked (部门)")
    question: str = strawberry.field(
        description=described("What is asked (了解事项)", PreparationItem.question)
    )
    due_on: date = strawberry.field(description="Answer due by (答复期限)")


@strawberry.input(description="Record a body's answer (登记答复)")
class AnswerPreparationItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item (事项)")
    answer: str = strawberry.field(
        description=described("The answer (答复内容)", PreparationItem.answer)
    )


@strawberry.input(description="Withdraw a request (撤回了解情况请求)")
class WithdrawPreparationItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item (事项)")


@strawberry.type(description="Result of a change to a preparation item (巡前了解情况结果)")
class PreparationItemPayload:
    item: PreparationItemType | None = strawberry.field(
        description="The item, unless refused (事项)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _item(value: strawberry.ID) -> int:
    return expect_global_id(value, "PreparationItem", field="itemId")


@strawberry.type
class PreparationMutation:
    @strawberry.mutation(description="Ask a body about the target before entry (巡前了解情况)")
    async def add_preparation_item(
        self, info: Info, input: AddPreparationItemInput
    ) -> PreparationItemPayload:
        ctx = info.context

        async def call() -> PreparationItem:
            return await preparation.add_preparation_item(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                body=input.body,
                question=input.question,
                due_on=input.due_on,
            )

        found, errors = await run_mutation(info, "inspection.preparation.add", call)
        return PreparationItemPayload(
            item=found and PreparationItemType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Record a body's answer (登记答复)")
    async def answer_preparation_item(
        self, info: Info, input: AnswerPreparationItemInput
    ) -> PreparationItemPayload:
        ctx = info.context

        async def call() -> PreparationItem:
            return await preparation.answer_preparation_item(
                ctx.session, ctx.actor, item_id=_item(input.item_id), answer=input.answer
            )

        found, errors = await run_mutation(info, "inspection.preparation.answer", call)
        return PreparationItemPayload(
            item=found and PreparationItemType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Withdraw a request (撤回了解情况请求)")
    async def withdraw_preparation_item(
        self, info: Info, input: WithdrawPreparationItemInput
    ) -> PreparationItemPayload:
        ctx = info.context

        async def call() -> PreparationItem:
            return await preparation.withdraw_preparation_item(
                ctx.session, ctx.actor, item_id=_item(input.item_id)
            )

        found, errors = await run_mutation(info, "inspection.preparation.withdraw", call)
        return PreparationItemPayload(
            item=found and PreparationItemType.from_row(found), user_errors=errors
        )
