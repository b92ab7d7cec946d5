"""GraphQL types, inputs and thin resolvers for accounts, roles and the viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.accounts import repository, service
from inspectnet.accounts.models import Role, RoleGrant, UserAccount
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

RoleEnum = strawberry.enum(Role, name="Role", description="Role in an office (角色)")


@strawberry.type(name="RoleGrant", description="A role held by an account in an office (角色授予)")
class RoleGrantType(Node):
    role: Role
    user_id: strawberry.ID
    office_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RoleGrant) -> RoleGrantType:
        return cls(
            id=strawberry.ID(global_id("RoleGrant", row.id)),
            role=row.role,
            user_id=strawberry.ID(global_id("UserAccount", row.user_id)),
            office_pk=row.office_id,
        )

    @strawberry.field(description="The office the role is held in")
    async def office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return await office_by_id(info, self.office_pk)


@strawberry.type(name="UserAccount", description="Sign-in account bound to a person (用户账号)")
class UserAccountType(Node):
    username: str
    active: bool
    person_id: strawberry.ID

    @classmethod
    def from_row(cls, row: UserAccount) -> UserAccountType:
        return cls(
            id=strawberry.ID(global_id("UserAccount", row.id)),
            username=row.username,
            active=row.active,
            person_id=strawberry.ID(global_id("Person", row.person_id)),
        )


register_node("RoleGrant", RoleGrant, RoleGrantType.from_row)
register_node("UserAccount", UserAccount, UserAccountType.from_row)


def office_role_grants(
    info: Info,
    office_pk: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[RoleGrantType]:
    """The ``Office.roleGrants`` connection."""
    actor = info.context.actor
    return connection(  # type: ignore[return-value]
        info,
        key="office.role_grants",
        parent_id=office_pk,
        query=lambda ids: repository.grants_of_offices(actor, ids),
        convert=RoleGrantType.from_row,
        first=first,
        after=after,
        last=last,
        before=before,
    )


@strawberry.type(name="Viewer", description="The signed-in account (当前用户)")
class ViewerType:
    username: str
    user_id: strawberry.ID
    person_id: strawberry.ID | None
    user_pk: strawberry.Private[int]

    @strawberry.field(description="Roles the viewer holds (我的角色)")
    async def roles(self, info: Info) -> list[RoleGrantType]:
        rows = (
            await info.context.session.execute(repository.grants_of_user(self.user_pk))
        ).scalars()
        return [RoleGrantType.from_row(row) for row in rows]


@strawberry.input(description="A new account for a person")
class CreateUserAccountInput:
    person_id: strawberry.ID
    username: str


@strawberry.type(description="Result of createUserAccount")
class CreateUserAccountPayload:
    account: UserAccountType | None
    user_errors: list[UserError]


@strawberry.input(description="A role to give an account in an office")
class GrantRoleInput:
    user_id: strawberry.ID
    office_id: strawberry.ID
    role: Role


@strawberry.type(description="Result of grantRole")
class GrantRolePayload:
    grant: RoleGrantType | None
    user_errors: list[UserError]


@strawberry.input(description="A role grant to take away")
class RevokeRoleInput:
    grant_id: strawberry.ID


@strawberry.type(description="Result of revokeRole")
class RevokeRolePayload:
    revoked_grant_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in account (当前用户)")
    def viewer(self, info: Info) -> ViewerType:
        actor = info.context.actor
        assert actor.user_id is not None  # the endpoint only serves signed-in accounts
        return ViewerType(
            username=actor.username,
            user_id=strawberry.ID(global_id("UserAccount", actor.user_id)),
            person_id=strawberry.ID(global_id("Person", actor.person_id))
            if actor.person_id
            else None,
            user_pk=actor.user_id,
        )


@strawberry.type
class AccountsMutation:
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
