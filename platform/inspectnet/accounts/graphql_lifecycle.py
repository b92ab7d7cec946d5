"""GraphQL for closing and reopening accounts and unlinking a single sign-on subject (停用、启用、
解除统一身份认证关联). Part of accounts' schema part (``AccountsMutation``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.accounts import lifecycle
from inspectnet.accounts.models import UserAccount
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType

ACCOUNTS = strawberry.lazy("inspectnet.accounts.graphql")


@strawberry.input(description="The account to close or reopen (账号)")
class AccountStateInput:
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")


@strawberry.input(description="The single sign-on subject to unlink (解除统一身份认证关联)")
class UnlinkSsoSubjectInput:
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    subject: str = strawberry.field(
        description="The SSO's subject identifier (sub) linked to it (统一身份认证用户标识)"
    )


@strawberry.type(description="Result of a change to an account's state (账号变更结果)")
class AccountStatePayload:
    account: Annotated[UserAccountType, ACCOUNTS] | None = strawberry.field(
        description="The account as it now is, unless refused (用户账号)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _payload(account: UserAccount | None, errors: list[UserError]) -> AccountStatePayload:
    from inspectnet.accounts.graphql import UserAccountType

    return AccountStatePayload(
        account=account and UserAccountType.from_row(account), user_errors=errors
    )


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(
        description="Close an account: it signs in no more and its sign-ins end; its roles stay "
        "on record (停用账号)"
    )
    async def deactivate_account(self, info: Info, input: AccountStateInput) -> AccountStatePayload:
        ctx = info.context
        user_id = expect_global_id(input.user_id, "UserAccount", field="userId")

        async def call() -> UserAccount:
            return await lifecycle.deactivate_account(ctx.session, ctx.actor, user_id=user_id)

        return _payload(*await run_mutation(info, "user_account.deactivate", call))

    @strawberry.mutation(description="Open a closed account again, as it was (启用账号)")
    async def reactivate_account(self, info: Info, input: AccountStateInput) -> AccountStatePayload:
        ctx = info.context
        user_id = expect_global_id(input.user_id, "UserAccount", field="userId")

        async def call() -> UserAccount:
            return await lifecycle.reactivate_account(ctx.session, ctx.actor, user_id=user_id)

        return _payload(*await run_mutation(info, "user_account.reactivate", call))

    @strawberry.mutation(
        description="Stop a single sign-on subject from signing in as an account (解除统一身份认证关联)"
    )
    async def unlink_sso_subject(
        self, info: Info, input: UnlinkSsoSubjectInput
    ) -> AccountStatePayload:
        ctx = info.context
        user_id = expect_global_id(input.user_id, "UserAccount", field="userId")

        async def call() -> UserAccount:
            return await lifecycle.unlink_sso_subject(
                ctx.session, ctx.actor, user_id=user_id, subject=input.subject
            )

        return _payload(*await run_mutation(info, "sso_link.delete", call))
