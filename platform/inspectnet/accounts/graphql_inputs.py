"""The accounts mutations' inputs and payloads (开通账号、授予角色、重置密码、统一身份认证、双因素认证)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.accounts.graphql_enums import RoleEnum  # noqa: F401 - labels Role first
from inspectnet.accounts.models import Role
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import RoleGrantType, UserAccountType
    from inspectnet.network.graphql import OfficeType

ACCOUNTS = strawberry.lazy("inspectnet.accounts.graphql")


@strawberry.input(description="A new account for a person (开通账号)")
class CreateUserAccountInput:
    person_id: strawberry.ID = strawberry.field(description="The person it is for (干部)")
    username: str = strawberry.field(description="Sign-in name (用户名)")


@strawberry.type(description="Result of createUserAccount (开通账号结果)")
class CreateUserAccountPayload:
    account: Annotated[UserAccountType, ACCOUNTS] | None = strawberry.field(
        description="The new account, unless refused (用户账号)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A role to give an account in an office (授予角色)")
class GrantRoleInput:
    user_id: strawberry.ID = strawberry.field(description="The account to receive it (用户账号)")
    office_id: strawberry.ID = strawberry.field(description="The office it is held in (机构)")
    role: Role = strawberry.field(description="Role to give (角色)")


@strawberry.type(description="Result of grantRole (授予角色结果)")
class GrantRolePayload:
    grant: Annotated[RoleGrantType, ACCOUNTS] | None = strawberry.field(
        description="The new role grant, unless refused (角色授予)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A role grant to take away (撤销角色)")
class RevokeRoleInput:
    grant_id: strawberry.ID = strawberry.field(description="The role grant to revoke (角色授予)")


@strawberry.type(description="Result of revokeRole (撤销角色结果)")
class RevokeRolePayload:
    revoked_grant_id: strawberry.ID | None = strawberry.field(
        description="ID of the revoked role grant, unless refused (角色授予)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A temporary password an admin sets (重置密码)")
class ResetPasswordInput:
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    temporary_password: str = strawberry.field(
        description="Told to the person out of band; must be changed at next sign-in (临时密码)"
    )


@strawberry.type(description="Result of resetPassword (重置密码结果)")
class ResetPasswordPayload:
    account: Annotated[UserAccountType, ACCOUNTS] | None = strawberry.field(
        description="The account, unless refused (用户账号)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A single sign-on subject to link to an account (关联统一身份认证)")
class LinkSsoSubjectInput:
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    subject: str = strawberry.field(
        description="The SSO's subject identifier (sub) for the person (统一身份认证用户标识)"
    )


@strawberry.type(description="Result of linkSsoSubject (关联统一身份认证结果)")
class LinkSsoSubjectPayload:
    account: Annotated[UserAccountType, ACCOUNTS] | None = strawberry.field(
        description="The linked account, unless refused (用户账号)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Whether a role must sign in with a second factor (双因素认证要求)")
class SetSecondFactorRequirementInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")
    role: Role | None = strawberry.field(
        default=None,
        description="An office role (角色)",
        deprecation_reason="Use roleName: it also names roles held through other grants",
    )
    role_name: str | None = strawberry.field(
        default=None,
        description="The role's name, e.g. intake_handler, leading_group_member (default: both "
        "require a second factor) or office_member (角色名称)",
    )
    required: bool = strawberry.field(description="Whether a second factor is required (是否要求)")


@strawberry.type(description="Result of setSecondFactorRequirement (双因素认证要求设置结果)")
class SetSecondFactorRequirementPayload:
    office_pk: strawberry.Private[int | None]
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")

    @strawberry.field(description="The office, unless refused (机构)")
    async def office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return None if self.office_pk is None else await office_by_id(info, self.office_pk)
