"""GraphQL types of inspections, their steps and their teams (read side, with their lists)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import ViewerCan, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked, need_to_know
from inspectnet.graphql.lists import CreatedFilter, DateTimeRange, order_input
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import repository
from inspectnet.inspections.graphql_clock import SiteClockType, site_clock_of
from inspectnet.inspections.graphql_prep import (
    PreparationItemFilter,
    PreparationItemOrder,
    PreparationItemType,
)
from inspectnet.inspections.models import (
    Inspection,
    InspectionTransition,
    Stage,
    TeamAssignment,
    TeamContact,
    TeamRole,
)
from inspectnet.inspections.stages import NEXT
from inspectnet.rules import graphql_params as _stage_enum  # noqa: F401  (declares InspectionStage)

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.targets.graphql import TargetType

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
class InspectionFilter(CreatedFilter):
    created_model = Inspection
    stage: Stage | None = strawberry.field(default=None, description="Stage (阶段)")
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="The target inspected (巡视巡察对象)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.stage is not None:
            found.append(Inspection.stage == self.stage)
        if self.target_id is not None:
            target = expect_global_id(self.target_id, "Target", field="targetId")
            found.append(Inspection.target_id == target)
        return found


InspectionOrder = order_input("Inspection")


@strawberry.input(description="Which team roles to list (巡视组成员筛选)")
class TeamAssignmentFilter(CreatedFilter):
    created_model = TeamAssignment
    role: TeamRole | None = strawberry.field(default=None, description="Role (职务)")

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.role is not None:
            found.append(TeamAssignment.role == self.role)
        return found


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


@strawberry.input(description="Which steps of an inspection to list (阶段变更筛选)")
class InspectionTransitionFilter(CreatedFilter):
    created_model = InspectionTransition
    to_stage: Stage | None = strawberry.field(default=None, description="Stage entered (进入阶段)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Made within (变更时间)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.to_stage is not None:
            found.append(InspectionTransition.to_stage == self.to_stage)
        return found


InspectionTransitionOrder = order_input("InspectionTransition")


@strawberry.type(
    name="InspectionTransition",
    description="One step of an inspection's life: who, when, under which rule (阶段变更记录)",
)
class InspectionTransitionType(Node, Stamped):
    from_stage: Stage = strawberry.field(description="Stage left (原阶段)")
    to_stage: Stage = strawberry.field(description="Stage entered (进入阶段)")
    actor_name: str = strawberry.field(description="Who moved it (操作人)")
    rule_id: str = strawberry.field(description="The rule it was moved under (依据规则)")
    article: str = strawberry.field(description="The rule's article (条款)")
    decision: str | None = strawberry.field(
        description="The office's recorded decision, where the step needed one (巡察办决定)"
    )
    user_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: InspectionTransition) -> InspectionTransitionType:
        return cls(
            id=strawberry.ID(global_id("InspectionTransition", row.id)),
            user_pk=row.user_id,
            from_stage=row.from_stage,
            to_stage=row.to_stage,
            actor_name=row.actor_name,
            rule_id=row.rule_id,
            article=row.article,
            decision=row.decision,
            **stamps(row),
        )

    @strawberry.field(description="The account that moved it, null if hidden or gone (用户账号)")
    async def user(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return None if self.user_pk is None else await linked(info, "UserAccount", self.user_pk)


@strawberry.type(name="Inspection", description="One inspection of a target (巡视/巡察)")
class InspectionType(Node, Stamped):
    name: str = strawberry.field(description="Name (名称)")
    stage: Stage = strawberry.field(description="Stage (阶段)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    allowed_next: list[Stage] = strawberry.field(
        description="The stages it may enter next, none once archived (允许的下一阶段)"
    )
    pk: strawberry.Private[int]
    target_pk: strawberry.Private[int]
    follows_pk: strawberry.Private[int | None]
    viewer_can: ViewerCan = viewer_can_field("Inspection")

    @classmethod
    def from_row(cls, row: Inspection) -> InspectionType:
        return cls(
            id=strawberry.ID(global_id("Inspection", row.id)),
            pk=row.id,
            target_pk=row.target_id,
            follows_pk=row.follows_id,
            name=row.name,
            stage=row.stage,
            allowed_next=list(NEXT[row.stage]),
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The inspected target, null if hidden (巡视巡察对象)")
    async def target(
        self, info: Info
    ) -> Annotated[TargetType, strawberry.lazy("inspectnet.targets.graphql")] | None:
        return await linked(info, "Target", self.target_pk)

    @strawberry.field(
        description="The stay on site in working days, null before entry (现场巡察时间)"
    )
    async def site_clock(self, info: Info) -> SiteClockType | None:
        return await site_clock_of(info, self.pk)

    @strawberry.field(
        description="The inspection a follow-up re-inspects, null if none or hidden (回头看)"
    )
    async def follows(self, info: Info) -> InspectionType | None:
        return (
            None if self.follows_pk is None else await linked(info, "Inspection", self.follows_pk)
        )

    preparation = connection_field(
        repository.preparation_of,
        PreparationItemType,
        description="Requests to the bodies before entry, with due dates (巡前了解情况)",
        filter=PreparationItemFilter,
        order=PreparationItemOrder,
    )

    transitions = connection_field(
        repository.transitions_of,
        InspectionTransitionType,
        description="Its steps, each with who, when and the rule (阶段变更记录)",
        filter=InspectionTransitionFilter,
        order=InspectionTransitionOrder,
    )

    team = connection_field(
        repository.team_of,
        TeamAssignmentType,
        description="The team: roles held in this inspection (巡视组)",
        filter=TeamAssignmentFilter,
        order=TeamAssignmentOrder,
    )


register_node("Inspection", Inspection, InspectionType.from_row)
register_node("TeamAssignment", TeamAssignment, TeamAssignmentType.from_row)
register_node("InspectionTransition", InspectionTransition, InspectionTransitionType.from_row)
