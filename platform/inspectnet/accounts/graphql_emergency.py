"""GraphQL for grants beyond an office's roles: break-glass (紧急授权) and target-side accounts."""

from __future__ import annotations

from datetime import datetime

import strawberry

from inspectnet.accounts import service
from inspectnet.accounts.graphql_enums import RoleEnum  # noqa: F401 - labels Role first
from inspectnet.accounts.models import BreakGlassGrant, Role, TargetBinding
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.validation import described


@strawberry.type(
    name="BreakGlassGrant", description="A role taken for a few hours in an emergency (紧急授权)"
)
class BreakGlassGrantType(Node, Stamped):
    role: Role = strawberry.field(description="Role taken (角色)")
    reason: str = strawberry.field(description="Why, in writing (理由)")
    valid_from: datetime = strawberry.field(description="Grant starts (授权开始)")
    valid_until: datetime = strawberry.field(description="Grant ends (授权结束)")

    @classmethod
    def from_row(cls, row: BreakGlassGrant) -> BreakGlassGrantType:
        return cls(
            id=strawberry.ID(global_id("BreakGlassGrant", row.id)),
            role=row.role,
            reason=row.reason,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            **stamps(row),
        )


@strawberry.type(
    name="TargetBinding", description="An account of an inspected organisation (被巡视单位账号)"
)
class TargetBindingType(Node, Stamped):
    @classmethod
    def from_row(cls, row: TargetBinding) -> TargetBindingType:
        return cls(id=strawberry.ID(global_id("TargetBinding", row.id)), **stamps(row))


register_node("BreakGlassGrant", BreakGlassGrant, BreakGlassGrantType.from_row)
register_node("TargetBinding", TargetBinding, TargetBindingType.from_row)


@strawberry.input(description="Take a role in an office for a few hours (紧急授权)")
class BreakGlassInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")
    role: Role = strawberry.field(description="Working role to take (角色)")
    hours: int = strawberry.field(description="For how many hours, 1 to 8 (时长)")
    reason: str = strawberry.field(
        description=described("Why, at least 20 characters (理由)", BreakGlassGrant.reason)
    )


@strawberry.type(description="Result of breakGlass (紧急授权结果)")
class BreakGlassPayload:
    grant: BreakGlassGrantType | None = strawberry.field(
        description="The grant, unless refused (紧急授权)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Bind an account to its inspected organisation (绑定被巡视单位)")
class BindTargetAccountInput:
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    target_id: strawberry.ID = strawberry.field(description="Its organisation (巡视巡察对象)")


@strawberry.type(description="Result of bindTargetAccount (绑定被巡视单位结果)")
class BindTargetAccountPayload:
    binding: TargetBindingType | None = strawberry.field(
        description="The binding, unless refused (绑定)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class EmergencyMutation:
    @strawberry.mutation(description="Take a role for a few hours, saying why (紧急授权)")
    async def break_glass(self, info: Info, input: BreakGlassInput) -> BreakGlassPayload:
        ctx = info.context

        async def call() -> BreakGlassGrant:
            return await service.break_glass(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                role=input.role,
                hours=input.hours,
                reason=input.reason,
            )

        grant, errors = await run_mutation(info, "break_glass.create", call)
        return BreakGlassPayload(
            grant=grant and BreakGlassGrantType.from_row(grant), user_errors=errors
        )

    @strawberry.mutation(description="Bind an account to its inspected organisation (绑定)")
    async def bind_target_account(
        self, info: Info, input: BindTargetAccountInput
    ) -> BindTargetAccountPayload:
        ctx = info.context

        async def call() -> TargetBinding:
            return await service.bind_to_target(
                ctx.session,
                ctx.actor,
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                target_id=expect_global_id(input.target_id, "Target", field="targetId"),
            )

        binding, errors = await run_mutation(info, "target_binding.create", call)
        return BindTargetAccountPayload(
            binding=binding and TargetBindingType.from_row(binding), user_errors=errors
        )
