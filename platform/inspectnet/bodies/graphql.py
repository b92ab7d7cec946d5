"""GraphQL types, inputs and thin resolvers for decision bodies and their members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.bodies import repository, service
from inspectnet.bodies.models import BodyKind, BodyMember, DecisionBody, Position
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import CreatedFilter, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType

BodyKindEnum = labelled_enum(
    BodyKind,
    {
        BodyKind.LEADING_GROUP: "巡视巡察工作领导小组",
        BodyKind.LEADING_GROUP_OFFICE: "领导小组办公室（巡视办、巡察办）",
        BodyKind.FIVE_PERSON_GROUP: "党委“五人小组”",
        BodyKind.PARTY_GROUP: "党组（党委）",
        BodyKind.PARTY_COMMITTEE: "自治区党委",
    },
    name="DecisionBodyKind",
    description="Kind of decision body (决策机构类别)",
)
PositionEnum = labelled_enum(
    Position,
    {
        Position.HEAD: "组长",
        Position.DEPUTY: "副组长",
        Position.SECRETARY: "书记",
        Position.MEMBER: "成员",
    },
    name="BodyPosition",
    description="Position in a decision body (职位)",
)


@strawberry.input(description="Which decision bodies to list (决策机构筛选)")
class DecisionBodyFilter(CreatedFilter):
    created_model = DecisionBody
    kind: BodyKind | None = strawberry.field(default=None, description="Kind of body (机构类别)")

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.kind is not None:
            found.append(DecisionBody.kind == self.kind)
        return found


DecisionBodyOrder = order_input("DecisionBody")


@strawberry.input(description="Which members to list (成员筛选)")
class BodyMemberFilter(CreatedFilter):
    created_model = BodyMember
    position: Position | None = strawberry.field(default=None, description="Position held (职位)")

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.position is not None:
            found.append(BodyMember.position == self.position)
        return found


BodyMemberOrder = order_input("BodyMember")


SEAT_CAN = (Ability("unseat", "May take the seat away (可免去)", "update"),)


@strawberry.type(name="BodyMember", description="A member of a decision body (决策机构成员)")
class BodyMemberType(Node, Stamped):
    viewer_can: Any = viewer_can_field("BodyMember", SEAT_CAN)
    position: PositionEnum = strawberry.field(description="Position (职位)")  # type: ignore[valid-type]
    user_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: BodyMember) -> BodyMemberType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("BodyMember", row.id)),
            user_pk=row.user_id,
            position=row.position,
        )

    @strawberry.field(description="The member's account, null if hidden (账号)")
    async def account(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.user_pk)


BODY_CAN = (
    Ability("seat", "May seat a member (可任命成员)", "update"),
    Ability("rename", "May rename it (可更名)", "update"),
    Ability("dissolve", "May dissolve it, ending every seat (可撤销)", "delete"),
)


@strawberry.type(
    name="DecisionBody",
    description="A decision body of an office: leading group, its office, five-person group, "
    "party group (领导小组、巡视巡察办、五人小组、党组)",
)
class DecisionBodyType(Node, Stamped):
    viewer_can: Any = viewer_can_field("DecisionBody", BODY_CAN)
    kind: BodyKindEnum = strawberry.field(description="Kind (类别)")  # type: ignore[valid-type]
    name: str = strawberry.field(description="Name (名称)")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: DecisionBody) -> DecisionBodyType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("DecisionBody", row.id)),
            pk=row.id,
            kind=row.kind,
            name=row.name,
        )

    members = connection_field(
        repository.members_of,
        BodyMemberType,
        description="Members (成员)",
        filter=BodyMemberFilter,
        order=BodyMemberOrder,
    )


register_node("DecisionBody", DecisionBody, DecisionBodyType.from_row)
register_node("BodyMember", BodyMember, BodyMemberType.from_row)


@strawberry.input(description="A new decision body of an office (设立决策机构)")
class CreateDecisionBodyInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")
    kind: BodyKindEnum = strawberry.field(description="Kind (类别)")  # type: ignore[valid-type]
    name: str = strawberry.field(description=described("Name (名称)", DecisionBody.name))


@strawberry.type(description="Result of createDecisionBody (设立决策机构结果)")
class CreateDecisionBodyPayload:
    body: DecisionBodyType | None = strawberry.field(description="The body (决策机构)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Seat an account in a decision body (增加决策机构成员)")
class SeatBodyMemberInput:
    body_id: strawberry.ID = strawberry.field(description="The body (决策机构)")
    user_id: strawberry.ID = strawberry.field(description="The account (账号)")
    position: PositionEnum = strawberry.field(description="Position (职位)")  # type: ignore[valid-type]


@strawberry.type(description="Result of seatBodyMember (增加决策机构成员结果)")
class SeatBodyMemberPayload:
    member: BodyMemberType | None = strawberry.field(description="The seat (成员)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A body's new name (决策机构更名)")
class RenameDecisionBodyInput:
    body_id: strawberry.ID = strawberry.field(description="The body (决策机构)")
    name: str = strawberry.field(description=described("New name (名称)", DecisionBody.name))


@strawberry.input(description="The body to dissolve (撤销决策机构)")
class DissolveDecisionBodyInput:
    body_id: strawberry.ID = strawberry.field(description="The body (决策机构)")


@strawberry.type(description="Result of renameDecisionBody (决策机构更名结果)")
class RenameDecisionBodyPayload:
    body: DecisionBodyType | None = strawberry.field(
        description="The renamed body, unless refused (决策机构)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type(description="Result of dissolveDecisionBody (撤销决策机构结果)")
class DissolveDecisionBodyPayload:
    dissolved_body_id: strawberry.ID | None = strawberry.field(
        description="The body dissolved, unless refused (已撤销的决策机构)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="The seat to take away (免去决策机构成员)")
class UnseatBodyMemberInput:
    member_id: strawberry.ID = strawberry.field(description="The seat (成员)")


@strawberry.type(description="Result of unseatBodyMember (免去决策机构成员结果)")
class UnseatBodyMemberPayload:
    unseated_member_id: strawberry.ID | None = strawberry.field(
        description="The seat taken away, unless refused (已免去的成员)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class BodiesMutation:
    @strawberry.mutation(description="Set up a decision body of an office (设立决策机构)")
    async def create_decision_body(
        self, info: Info, input: CreateDecisionBodyInput
    ) -> CreateDecisionBodyPayload:
        ctx = info.context

        async def call() -> DecisionBody:
            return await service.create_body(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                kind=BodyKind(input.kind),
                name=input.name,
            )

        body, errors = await run_mutation(info, "body.create", call)
        return CreateDecisionBodyPayload(
            body=body and DecisionBodyType.from_row(body), user_errors=errors
        )

    @strawberry.mutation(description="Seat an account in a decision body (增加决策机构成员)")
    async def seat_body_member(
        self, info: Info, input: SeatBodyMemberInput
    ) -> SeatBodyMemberPayload:
        ctx = info.context

        async def call() -> BodyMember:
            return await service.seat_member(
                ctx.session,
                ctx.actor,
                body_id=expect_global_id(input.body_id, "DecisionBody", field="bodyId"),
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                position=Position(input.position),
            )

        member, errors = await run_mutation(info, "body.member.seat", call)
        return SeatBodyMemberPayload(
            member=member and BodyMemberType.from_row(member), user_errors=errors
        )

    @strawberry.mutation(description="Rename a decision body (决策机构更名)")
    async def rename_decision_body(
        self, info: Info, input: RenameDecisionBodyInput
    ) -> RenameDecisionBodyPayload:
        ctx = info.context

        async def call() -> DecisionBody:
            return await service.rename_body(
                ctx.session,
                ctx.actor,
                body_id=expect_global_id(input.body_id, "DecisionBody", field="bodyId"),
                name=input.name,
            )

        body, errors = await run_mutation(info, "body.rename", call)
        return RenameDecisionBodyPayload(
            body=body and DecisionBodyType.from_row(body), user_errors=errors
        )

    @strawberry.mutation(
        description="Dissolve a decision body; its members lose its role at once (撤销决策机构)"
    )
    async def dissolve_decision_body(
        self, info: Info, input: DissolveDecisionBodyInput
    ) -> DissolveDecisionBodyPayload:
        ctx = info.context

        async def call() -> DecisionBody:
            return await service.dissolve_body(
                ctx.session,
                ctx.actor,
                body_id=expect_global_id(input.body_id, "DecisionBody", field="bodyId"),
            )

        body, errors = await run_mutation(info, "body.dissolve", call)
        dissolved = strawberry.ID(global_id("DecisionBody", body.id)) if body else None
        return DissolveDecisionBodyPayload(dissolved_body_id=dissolved, user_errors=errors)

    @strawberry.mutation(
        description="Take a seat away; the account loses the body's role at once (免去决策机构成员)"
    )
    async def unseat_body_member(
        self, info: Info, input: UnseatBodyMemberInput
    ) -> UnseatBodyMemberPayload:
        ctx = info.context

        async def call() -> BodyMember:
            return await service.unseat_member(
                ctx.session,
                ctx.actor,
                member_id=expect_global_id(input.member_id, "BodyMember", field="memberId"),
            )

        member, errors = await run_mutation(info, "body.member.unseat", call)
        return UnseatBodyMemberPayload(
            unseated_member_id=strawberry.ID(global_id("BodyMember", member.id))
            if member
            else None,
            user_errors=errors,
        )


SCHEMA = SchemaPart(
    mutation=BodiesMutation,
    types=(DecisionBodyType, BodyMemberType),
    fields=(
        TypeField(
            "Office",
            "decisionBodies",
            connection_field(
                repository.bodies_of_offices,
                DecisionBodyType,
                description="The office's decision bodies (决策机构)",
                filter=DecisionBodyFilter,
                order=DecisionBodyOrder,
            ),
        ),
    ),
)
