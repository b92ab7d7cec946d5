"""GraphQL undo of ``addRectificationItem``: a line leaves a plan still in draft."""

from __future__ import annotations

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id
from inspectnet.rectification import plans
from inspectnet.rectification.graphql_rectification import RectificationPlanType
from inspectnet.rectification.models import RectificationItem, RectificationPlan


@strawberry.input(description="A line of a draft plan to remove (删除整改事项)")
class RemoveRectificationItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item (整改事项)")


@strawberry.type(description="Result of removeRectificationItem (删除整改事项结果)")
class RemoveRectificationItemPayload:
    removed: strawberry.ID | None = strawberry.field(
        description="Global ID of the removed item, unless refused; the audit log keeps it"
    )
    plan: RectificationPlanType | None = strawberry.field(
        description="The draft plan it was removed from (整改方案)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class RectificationRemovalMutation:
    @strawberry.mutation(
        description="Remove a line from a plan still in draft; the audit log keeps it (删除整改事项)"
    )
    async def remove_rectification_item(
        self, info: Info, input: RemoveRectificationItemInput
    ) -> RemoveRectificationItemPayload:
        ctx = info.context

        async def call() -> tuple[RectificationItem, RectificationPlan]:
            item_id = expect_global_id(input.item_id, "RectificationItem", field="itemId")
            return await plans.remove_item(ctx.session, ctx.actor, item_id=item_id)

        done, errors = await run_mutation(info, "rectification.item.remove", call)
        return RemoveRectificationItemPayload(
            removed=input.item_id if done is not None else None,
            plan=done and RectificationPlanType.from_row(done[1]),
            user_errors=errors,
        )
