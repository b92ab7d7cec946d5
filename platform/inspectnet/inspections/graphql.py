"""GraphQL types, inputs and thin resolvers for inspections and their teams."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import ViewerCan, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked, need_to_know
from inspectnet.graphql.lists import DateTimeRange, created_in, each, list_args, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import repository, service
from inspectnet.inspections.models import (
    Inspection,
    Stage,
    TeamAssignment,
    TeamContact,
    TeamRole,
)
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.targets.graphql import TargetType

StageEnum = labelled_enum(
    Stage,
    {
        Stage.PLANNED: "已计划",
        Stage.TEAM_FORMED: "已组建巡视组",
        Stage.NOTIFIED: "已通知",
        Stage.ON_SITE: "进驻中",
        Stage.LEFT_SITE: "已撤离",
        Stage.REPORTED: "已报告",
        Stage.HEARD: "已听取汇报",
        Stage.FED_BACK: "已反馈",
        Stage.ARCHIVED: "已归档",
    },
    name="InspectionStage",
    description="Stage of an inspection (巡视巡察阶段)",
)
TeamRoleEnum = labelled_enum(
    TeamRole,
    {
        TeamRole.LEADER: "组长",
        TeamRole.DEPUTY: "副组长",
        TeamRole.COMMISSIONER: "巡视专员",
        TeamRole.LIAISON: "联络员",
        TeamRole.MEMBER: "组员",
        TeamRole.INTAKE_HANDLER: "信访受理人员",
    },
    name="TeamRole",
    description="Role held in one inspection's team (巡视组职务)",
)


@strawberry.input(description="Which inspections to list (巡视巡察筛选)")
class InspectionFilter:
    stage: Stage | None = strawberry.field(default=None, description="Stage (阶段)")
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="The target inspected (巡视巡察对象)"
    )
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (创建时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.stage is not None:
            found.append(Inspection.stage == self.stage)
        if self.target_id is not None:
            target = expect_global_id(self.target_id, "Target", field="targetId")
            found.append(Inspection.target_id == target)
        return each(found, created_in(self.created_at, Inspection.created_at))


InspectionOrder = order_input("Inspection")


@strawberry.input(description="Which team roles to list (巡视组成员筛选)")
class TeamAssignmentFilter:
    role: TeamRole | None = strawberry.field(default=None, description="Role (职务)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (创建时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.role is not None:
            found.append(TeamAssignment.role == self.role)
        return each(found, created_in(self.created_at, TeamAssignment.created_at))


TeamAssignmentOrder = order_input("TeamAssignment")


@strawberry.type(
    name="TeamAssignment", description="A role held in one inspection's team (一次一授权)"
)
class TeamAssignmentType(Node, Stamped):
    role: TeamRole = strawberry.field(description="Role in the team (巡视组职务)")
    valid_from: datetime = strawberry.field(description="Grant starts (授权开始)")
    valid_until: datetime | None = strawberry.field(
        description="Grant ends, none until the inspection is archived (授权结束)"
    )
    pk: strawberry.Private[int]
    user_pk: strawberry.Private[int]
    viewer_can: ViewerCan = viewer_can_field("TeamAssignment")

    @classmethod
    def from_row(cls, row: TeamAssignment) -> TeamAssignmentType:
        return cls(
            id=strawberry.ID(global_id("TeamAssignment", row.id)),
            pk=row.id,
            user_pk=row.user_id,
            role=row.role,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            **stamps(row),
        )

    @strawberry.field(description="The account holding the role, null if hidden (用户账号)")
    async def user(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.user_pk)

    @strawberry.field(
        description="Contact phone, null for every reader without need to know (联系电话)"
    )
    async def contact_phone(self, info: Info) -> str | None:
        row = await need_to_know(info, TeamContact, "assignment_id", self.pk)
        return None if row is None else str(row.phone)


@strawberry.type(name="Inspection", description="One inspection of a target (巡视/巡察)")
class InspectionType(Node, Stamped):
    name: str = strawberry.field(description="Name (名称)")
    stage: Stage = strawberry.field(description="Stage (阶段)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    target_pk: strawberry.Private[int]
    viewer_can: ViewerCan = viewer_can_field("Inspection")

    @classmethod
    def from_row(cls, row: Inspection) -> InspectionType:
        return cls(
            id=strawberry.ID(global_id("Inspection", row.id)),
            pk=row.id,
            target_pk=row.target_id,
            name=row.name,
            stage=row.stage,
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The inspected target, null if hidden (巡视巡察对象)")
    async def target(
        self, info: Info
    ) -> Annotated[TargetType, strawberry.lazy("inspectnet.targets.graphql")] | None:
        return await linked(info, "Target", self.target_pk)

    @strawberry.field(description="The team: roles held in this inspection (巡视组)")
    def team(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TeamAssignmentFilter | None = None,
        order_by: TeamAssignmentOrder | None = None,  # type: ignore[valid-type]
    ) -> Connection[TeamAssignmentType]:
        actor = info.context.actor
        return connection(  # type: ignore[return-value]
            info,
            key="inspection.team",
            parent_id=self.pk,
            query=lambda ids: repository.team_of(actor, ids),
            convert=TeamAssignmentType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            **list_args(filter, order_by),
        )


register_node("Inspection", Inspection, InspectionType.from_row)
register_node("TeamAssignment", TeamAssignment, TeamAssignmentType.from_row)


@strawberry.input(description="A new inspection of a target (新建巡视巡察)")
class CreateInspectionInput:
    target_id: strawberry.ID = strawberry.field(description="The target (巡视巡察对象)")
    name: str = strawberry.field(description=described("Name (名称)", Inspection.name))


@strawberry.type(description="Result of createInspection (新建巡视巡察结果)")
class CreateInspectionPayload:
    inspection: InspectionType | None = strawberry.field(
        description="The new inspection, unless refused (巡视巡察)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A role for an account in one inspection (巡视组授权)")
class AssignTeamRoleInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    role: TeamRole = strawberry.field(description="Role in the team (巡视组职务)")
    valid_from: datetime | None = strawberry.field(
        default=None, description="Grant starts, now if omitted (授权开始)"
    )
    valid_until: datetime | None = strawberry.field(
        default=None, description="Grant ends, none until archived (授权结束)"
    )
    contact_phone: str | None = strawberry.field(
        default=None,
        description=described("Contact phone, need to know (联系电话)", TeamContact.phone),
    )


@strawberry.input(description="End a role held in an inspection (结束巡视组授权)")
class EndTeamRoleInput:
    assignment_id: strawberry.ID = strawberry.field(description="The assignment (巡视组授权)")


@strawberry.type(description="Result of assignTeamRole or endTeamRole (巡视组授权结果)")
class TeamAssignmentPayload:
    assignment: TeamAssignmentType | None = strawberry.field(
        description="The assignment, unless refused (巡视组授权)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class InspectionsMutation:
    @strawberry.mutation(description="Plan an inspection of a target (新建巡视巡察)")
    async def create_inspection(
        self, info: Info, input: CreateInspectionInput
    ) -> CreateInspectionPayload:
        ctx = info.context

        async def call() -> Inspection:
            return await service.create_inspection(
                ctx.session,
                ctx.actor,
                target_id=expect_global_id(input.target_id, "Target", field="targetId"),
                name=input.name,
            )

        found, errors = await run_mutation(info, "inspection.create", call)
        return CreateInspectionPayload(
            inspection=found and InspectionType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Grant a role in one inspection (巡视组授权)")
    async def assign_team_role(
        self, info: Info, input: AssignTeamRoleInput
    ) -> TeamAssignmentPayload:
        ctx = info.context

        async def call() -> TeamAssignment:
            return await service.assign_team_role(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                role=input.role,
                valid_from=input.valid_from,
                valid_until=input.valid_until,
                contact_phone=input.contact_phone,
            )

        found, errors = await run_mutation(info, "inspection.team.assign", call)
        return TeamAssignmentPayload(
            assignment=found and TeamAssignmentType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="End a role held in an inspection (结束巡视组授权)")
    async def end_team_role(self, info: Info, input: EndTeamRoleInput) -> TeamAssignmentPayload:
        ctx = info.context

        async def call() -> TeamAssignment:
            return await service.end_team_role(
                ctx.session,
                ctx.actor,
                assignment_id=expect_global_id(
                    input.assignment_id, "TeamAssignment", field="assignmentId"
                ),
            )

        found, errors = await run_mutation(info, "inspection.team.end", call)
        return TeamAssignmentPayload(
            assignment=found and TeamAssignmentType.from_row(found), user_errors=errors
        )


SCHEMA = SchemaPart(
    mutation=InspectionsMutation,
    types=(InspectionType, TeamAssignmentType),
    fields=(
        TypeField(
            "Office",
            "inspections",
            connection_field(
                repository.inspections_of_offices,
                InspectionType,
                description="Inspections the office runs (巡视巡察)",
                filter=InspectionFilter,
                order=InspectionOrder,
            ),
        ),
    ),
)
