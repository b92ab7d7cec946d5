"""GraphQL types, inputs and thin resolvers for accounts, roles and the viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.accounts import repository, service
from inspectnet.accounts.graphql_can import ACCOUNT_CAN, GRANT_CAN
from inspectnet.accounts.graphql_emergency import (
    BreakGlassGrantType,
    EmergencyMutation,
    TargetBindingType,
)
from inspectnet.accounts.graphql_enums import RoleEnum  # noqa: F401 - labels Role first
from inspectnet.accounts.graphql_inputs import (
    CreateUserAccountInput,
    CreateUserAccountPayload,
    GrantRoleInput,
    GrantRolePayload,
    LinkSsoSubjectInput,
    LinkSsoSubjectPayload,
    ResetPasswordInput,
    ResetPasswordPayload,
    RevokeRoleInput,
    RevokeRolePayload,
    SetSecondFactorRequirementInput,
    SetSecondFactorRequirementPayload,
)
from inspectnet.accounts.graphql_lifecycle import LifecycleMutation
from inspectnet.accounts.graphql_shares import SharesMutation, ShareType
from inspectnet.accounts.models import Role, RoleGrant, UserAccount
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.can import viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import CreatedFilter, DateTimeRange, list_args, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network.loaders import office_by_id
from inspectnet.notifications.graphql import (
    NotificationConnection,
    NotificationFilter,
    NotificationOrder,
    viewer_notifications,
)

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType
    from inspectnet.people.graphql import PersonType

PERSON = strawberry.lazy("inspectnet.people.graphql")

RoleGrantOrder = order_input("RoleGrant")


@strawberry.input(description="Which role grants to list (角色授予筛选)")
class RoleGrantFilter(CreatedFilter):
    created_model = RoleGrant
    role: Role | None = strawberry.field(default=None, description="The role (角色)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Granted within (授予时间)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found = [RoleGrant.role == self.role] if self.role is not None else []
        return found


@strawberry.type(name="RoleGrant", description="A role held by an account in an office (角色授予)")
class RoleGrantType(Node, Stamped):
    viewer_can: Any = viewer_can_field("RoleGrant", GRANT_CAN)
    role: Role = strawberry.field(description="Role held (角色)")
    office_pk: strawberry.Private[int]
    user_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RoleGrant) -> RoleGrantType:
        return cls(
            id=strawberry.ID(global_id("RoleGrant", row.id)),
            role=row.role,
            office_pk=row.office_id,
            user_pk=row.user_id,
            **stamps(row),
        )

    @strawberry.field(description="The account holding it, null if hidden (用户账号)")
    async def account(self, info: Info) -> UserAccountType | None:
        return await linked(info, "UserAccount", self.user_pk)

    @strawberry.field(description="The office the role is held in (机构)")
    async def office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return await office_by_id(info, self.office_pk)


@strawberry.type(name="UserAccount", description="Sign-in account bound to a person (用户账号)")
class UserAccountType(Node, Stamped):
    viewer_can: Any = viewer_can_field("UserAccount", ACCOUNT_CAN)
    username: str = strawberry.field(description="Sign-in name (用户名)")
    active: bool = strawberry.field(description="Whether the account may sign in (启用)")
    person_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: UserAccount) -> UserAccountType:
        return cls(
            id=strawberry.ID(global_id("UserAccount", row.id)),
            username=row.username,
            active=row.active,
            person_pk=row.person_id,
            **stamps(row),
        )

    @strawberry.field(description="The person it belongs to, null if hidden (干部)")
    async def person(self, info: Info) -> Annotated[PersonType, PERSON] | None:
        return await linked(info, "Person", self.person_pk)


register_node("RoleGrant", RoleGrant, RoleGrantType.from_row)
register_node("UserAccount", UserAccount, UserAccountType.from_row)


@strawberry.type(name="Viewer", description="The signed-in account (当前用户)")
class ViewerType:
    username: str = strawberry.field(description="Sign-in name (用户名)")
    user_pk: strawberry.Private[int]
    person_pk: strawberry.Private[int | None]

    @strawberry.field(description="The viewer's own account (用户账号)")
    async def account(self, info: Info) -> UserAccountType:
        row = await repository.own_account(info.context.session, info.context.actor)
        assert row is not None  # the endpoint only serves signed-in, existing accounts
        return UserAccountType.from_row(row)

    @strawberry.field(description="The person the account belongs to, if any (干部)")
    async def person(self, info: Info) -> Annotated[PersonType, PERSON] | None:
        return await linked(info, "Person", self.person_pk)

    @strawberry.field(description="Roles the viewer holds (我的角色)")
    def roles(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: RoleGrantFilter | None = None,
        order_by: RoleGrantOrder | None = None,
    ) -> Connection[RoleGrantType]:
        return connection(  # type: ignore[return-value]
            info,
            key="viewer.roles",
            parent_id=self.user_pk,
            query=repository.grants_of_users,
            convert=RoleGrantType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            **list_args(filter, order_by),
        )

    @strawberry.field(description="The viewer's own notifications, newest first (我的通知)")
    def notifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        unread_only: bool = False,
        filter: NotificationFilter | None = None,
        order_by: NotificationOrder | None = None,
    ) -> NotificationConnection:
        return viewer_notifications(  # type: ignore[return-value]
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            unread_only=unread_only,
            filter=filter,
            order_by=order_by,
        )


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in account (当前用户)")
    def viewer(self, info: Info) -> ViewerType:
        actor = info.context.actor
        assert actor.user_id is not None  # the endpoint only serves signed-in accounts
        return ViewerType(
            username=actor.username,
            user_pk=actor.user_id,
            person_pk=actor.person_id,
        )


@strawberry.type
class AccountsMutation(EmergencyMutation, SharesMutation, LifecycleMutation):
    @strawberry.mutation(description="Open an account for a person (开通账号)")
    async def create_user_account(
        self, info: Info, input: CreateUserAccountInput
    ) -> CreateUserAccountPayload:
        ctx = info.context

        async def call() -> UserAccount:
            return await service.create_account(
                ctx.session,
                ctx.actor,
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                username=input.username,
            )

        account, errors = await run_mutation(info, "user_account.create", call)
        return CreateUserAccountPayload(
            account=account and UserAccountType.from_row(account), user_errors=errors
        )

    @strawberry.mutation(description="Give an account a role in an office (授予角色)")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> GrantRolePayload:
        ctx = info.context

        async def call() -> RoleGrant:
            return await service.grant_role(
                ctx.session,
                ctx.actor,
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                role=input.role,
            )

        grant, errors = await run_mutation(info, "role_grant.create", call)
        return GrantRolePayload(grant=grant and RoleGrantType.from_row(grant), user_errors=errors)

    @strawberry.mutation(description="Take a role away (撤销角色)")
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> RevokeRolePayload:
        ctx = info.context

        async def call() -> RoleGrant:
            return await service.revoke_role(
                ctx.session,
                ctx.actor,
                grant_id=expect_global_id(input.grant_id, "RoleGrant", field="grantId"),
            )

        grant, errors = await run_mutation(info, "role_grant.delete", call)
        return RevokeRolePayload(
            revoked_grant_id=strawberry.ID(global_id("RoleGrant", grant.id)) if grant else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Set a temporary password that must be changed at next sign-in, ending "
        "every sign-in the account has (重置密码)"
    )
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> ResetPasswordPayload:
        ctx = info.context

        async def call() -> UserAccount:
            return await service.reset_password(
                ctx.session,
                ctx.actor,
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                temporary_password=input.temporary_password,
                min_length=ctx.settings.password_min_length,
            )

        account, errors = await run_mutation(info, "password.reset", call)
        return ResetPasswordPayload(
            account=account and UserAccountType.from_row(account), user_errors=errors
        )

    @strawberry.mutation(
        description="Let a single sign-on subject sign in as an account (关联统一身份认证)"
    )
    async def link_sso_subject(
        self, info: Info, input: LinkSsoSubjectInput
    ) -> LinkSsoSubjectPayload:
        ctx = info.context
        user_id = expect_global_id(input.user_id, "UserAccount", field="userId")

        async def call() -> UserAccount:
            await service.link_sso_subject(
                ctx.session,
                ctx.actor,
                user_id=user_id,
                issuer=ctx.settings.oidc_issuer,
                subject=input.subject,
            )
            return await repository.account_by_id(ctx.session, user_id)  # type: ignore[return-value]

        account, errors = await run_mutation(info, "sso_link.create", call)
        return LinkSsoSubjectPayload(
            account=account and UserAccountType.from_row(account), user_errors=errors
        )

    @strawberry.mutation(
        description="Require (or stop requiring) holders of a role in an office to sign in with "
        "a second factor (设置双因素认证要求)"
    )
    async def set_second_factor_requirement(
        self, info: Info, input: SetSecondFactorRequirementInput
    ) -> SetSecondFactorRequirementPayload:
        ctx = info.context

        async def call() -> int:
            role = input.role_name if input.role is None else input.role.value
            if role is None or (input.role is not None and input.role_name is not None):
                raise ValidationFailed("请给出一个角色名称", code="ROLE_REQUIRED", field="roleName")
            office = await service.set_second_factor_requirement(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                role=role,
                required=input.required,
            )
            return office.id

        office_pk, errors = await run_mutation(info, "second_factor_requirement.set", call)
        return SetSecondFactorRequirementPayload(
            office_pk=office_pk or None,
            user_errors=errors,
        )


SCHEMA = SchemaPart(
    query=AccountsQuery,
    mutation=AccountsMutation,
    types=(UserAccountType, RoleGrantType, BreakGlassGrantType, TargetBindingType, ShareType),
    fields=(
        TypeField(
            "Office",
            "roleGrants",
            connection_field(
                repository.grants_of_offices,
                RoleGrantType,
                description="Roles held in the office (角色授予)",
                filter=RoleGrantFilter,
                order=RoleGrantOrder,
            ),
        ),
    ),
)
