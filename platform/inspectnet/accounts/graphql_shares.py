"""GraphQL for sharing by transfer (移交) and for ending grants beyond an office's roles: a share
ends, a target-side account is unbound. Part of accounts' schema part (``AccountsMutation``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.accounts import service, shares
from inspectnet.authz.models import Share
from inspectnet.authz.resources import model_of_type
from inspectnet.authz.shares import REASON_MAX, REASON_MIN
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.links import linked
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import node_entry, register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id, parse_global_id
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(name="Share", description="One object transferred to an office (移交)")
class ShareType(Node, Stamped):
    reason: str = strawberry.field(description="Why it was transferred (移交理由)")
    office_pk: strawberry.Private[int]
    object_type_name: strawberry.Private[str]
    object_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Share) -> ShareType:
        return cls(
            id=strawberry.ID(global_id("Share", row.id)),
            reason=row.reason,
            office_pk=row.office_id,
            # A share names its object by authorization type; a node by the model's name.
            object_type_name=model_of_type(row.object_type).__name__,
            object_pk=row.object_id,
            **stamps(row),
        )

    @strawberry.field(description="The object transferred, null if hidden (移交对象)")
    async def object(self, info: Info) -> Node | None:
        return await linked(info, self.object_type_name, self.object_pk)

    @strawberry.field(description="The receiving office, null if hidden (接收机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)


register_node("Share", Share, ShareType.from_row)


@strawberry.input(description="Transfer one object to another office (移交)")
class ShareObjectInput:
    object_id: strawberry.ID = strawberry.field(description="The object (移交对象)")
    office_id: strawberry.ID = strawberry.field(description="The receiving office (接收机构)")
    reason: str = strawberry.field(
        description=f"Why, {REASON_MIN} to {REASON_MAX} characters (移交理由)"
    )


@strawberry.type(description="Result of shareObject (移交结果)")
class ShareObjectPayload:
    share: ShareType | None = strawberry.field(description="The share, unless refused (移交)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="End a transfer (终止移交)")
class EndShareInput:
    share_id: strawberry.ID = strawberry.field(description="The share (移交)")


@strawberry.type(description="Result of endShare (终止移交结果)")
class EndSharePayload:
    ended_share_id: strawberry.ID | None = strawberry.field(
        description="The share ended, unless refused (已终止的移交)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Unbind an account from its inspected organisation (解除绑定)")
class UnbindTargetAccountInput:
    binding_id: strawberry.ID = strawberry.field(description="The binding (绑定)")


@strawberry.type(description="Result of unbindTargetAccount (解除绑定结果)")
class UnbindTargetAccountPayload:
    unbound_binding_id: strawberry.ID | None = strawberry.field(
        description="The binding removed, unless refused (已解除的绑定)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class SharesMutation:
    @strawberry.mutation(description="Transfer one object to another office, saying why (移交)")
    async def share_object(self, info: Info, input: ShareObjectInput) -> ShareObjectPayload:
        ctx = info.context

        async def call() -> Share:
            type_name, pk = parse_global_id(input.object_id, field="objectId")
            entry = node_entry(type_name)
            if entry is None:
                raise ValidationFailed("无效的对象标识", code="INVALID_ID", field="objectId")
            return await shares.share(
                ctx.session,
                ctx.actor,
                model=entry[0],
                object_id=pk,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                reason=input.reason,
            )

        made, errors = await run_mutation(info, "share.create", call)
        return ShareObjectPayload(share=made and ShareType.from_row(made), user_errors=errors)

    @strawberry.mutation(
        description="End a transfer: the office reads the object no more (终止移交)"
    )
    async def end_share(self, info: Info, input: EndShareInput) -> EndSharePayload:
        ctx = info.context

        async def call() -> int:
            return await shares.end_share(
                ctx.session,
                ctx.actor,
                share_id=expect_global_id(input.share_id, "Share", field="shareId"),
            )

        ended, errors = await run_mutation(info, "share.end", call)
        return EndSharePayload(
            ended_share_id=None if ended is None else strawberry.ID(global_id("Share", ended)),
            user_errors=errors,
        )

    @strawberry.mutation(description="Unbind an account from its inspected organisation (解除绑定)")
    async def unbind_target_account(
        self, info: Info, input: UnbindTargetAccountInput
    ) -> UnbindTargetAccountPayload:
        ctx = info.context

        async def call() -> int:
            return await service.unbind_from_target(
                ctx.session,
                ctx.actor,
                binding_id=expect_global_id(input.binding_id, "TargetBinding", field="bindingId"),
            )

        unbound, errors = await run_mutation(info, "target_binding.delete", call)
        return UnbindTargetAccountPayload(
            unbound_binding_id=None
            if unbound is None
            else strawberry.ID(global_id("TargetBinding", unbound)),
            user_errors=errors,
        )
