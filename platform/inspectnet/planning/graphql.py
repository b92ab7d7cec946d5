"""GraphQL types, inputs and thin resolvers for plans and their items."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import (
    ARCHIVED_DESCRIPTION,
    CreatedFilter,
    archived,
    list_args,
    order_input,
)
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.planning import repository, service
from inspectnet.planning.models import Plan, PlanItem, PlanKind
from inspectnet.targets.loaders import target_by_id
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.targets.graphql import TargetFilter, TargetOrder, TargetType

PlanKindEnum = labelled_enum(
    PlanKind,
    {PlanKind.TERM: "规划", PlanKind.ANNUAL: "年度计划", PlanKind.ROUND: "阶段任务安排"},
    name="PlanKind",
    description="Term plan, annual plan or round (规划、年度计划、阶段任务)",
)


@strawberry.input(description="Which plans to list (计划筛选)")
class PlanFilter(CreatedFilter):
    created_model = Plan
    kind: PlanKind | None = strawberry.field(default=None, description="Kind of plan (计划类别)")
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.kind is not None:
            found.append(Plan.kind == self.kind)
        return [*found, *archived(self.archived, Plan.archived_at)]


PlanOrder = order_input("Plan")


@strawberry.input(description="Which plan items to list (计划对象筛选)")
class PlanItemFilter(CreatedFilter):
    created_model = PlanItem

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        return found


PlanItemOrder = order_input("PlanItem")


# An item is changed by setPlanItem, which updates its plan.
ITEM_CAN = (Ability("update", "May change it (可修改)", "update", on=("plan_id", Plan)),)


@strawberry.type(name="PlanItem", description="A target in a plan (计划中的巡视巡察对象)")
class PlanItemType(Node, Stamped):
    viewer_can: Any = viewer_can_field("PlanItem", ITEM_CAN)
    mode: str = strawberry.field(description="Mode, a mode.* rule id (巡视巡察方式)")
    leader: str = strawberry.field(description="Responsible leader (责任领导)")
    target_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: PlanItem) -> PlanItemType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("PlanItem", row.id)),
            target_pk=row.target_id,
            mode=row.mode,
            leader=row.leader,
        )

    @strawberry.field(description="The target, null if hidden (巡视巡察对象)")
    async def target(
        self, info: Info
    ) -> Annotated[TargetType, strawberry.lazy("inspectnet.targets.graphql")] | None:
        return await target_by_id(info, self.target_pk)


# setPlanItem updates the plan; filePlan files it (filings/service.py).
PLAN_CAN = (
    Ability("update", "May change its items (可修改)", "update"),
    Ability("file", "May file it upward (可报送)", "file"),
    Ability("retire", "May retire it (可停用)", "update"),
)


@strawberry.type(name="Plan", description="An office's plan, a working copy (巡视巡察计划)")
class PlanType(Node, Stamped):
    viewer_can: Any = viewer_can_field("Plan", PLAN_CAN)
    kind: PlanKindEnum = strawberry.field(description="Kind (类别)")  # type: ignore[valid-type]
    title: str = strawberry.field(description="Title (标题)")
    starts_on: date = strawberry.field(description="Start of the period (起始日期)")
    ends_on: date = strawberry.field(description="End of the period (终止日期)")
    version: int = strawberry.field(description="Version of the working copy (版本)")
    approved: bool = strawberry.field(
        description="This version is approved by the body the ruleset names (已审定)"
    )
    approved_at: datetime | None = strawberry.field(
        description="When a version was last approved (审定时间)"
    )
    archived_at: datetime | None = strawberry.field(
        description="When it was retired; null while current (停用时间)"
    )
    pk: strawberry.Private[int]
    approved_by_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Plan) -> PlanType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("Plan", row.id)),
            pk=row.id,
            kind=row.kind,
            title=row.title,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            version=row.version,
            approved=row.is_approved,
            approved_at=row.approved_at,
            archived_at=row.archived_at,
            approved_by_pk=row.approved_by,
        )

    @strawberry.field(description="Who last approved it, null if none or hidden (审定人)")
    async def approved_by(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.approved_by_pk)

    items = connection_field(
        repository.items_of,
        PlanItemType,
        description="Targets (计划对象)",
        filter=PlanItemFilter,
        order=PlanItemOrder,
    )


register_node("Plan", Plan, PlanType.from_row)
register_node("PlanItem", PlanItem, PlanItemType.from_row)


@strawberry.input(description="A new plan (新建计划)")
class CreatePlanInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")
    kind: PlanKindEnum = strawberry.field(description="Kind (类别)")  # type: ignore[valid-type]
    title: str = strawberry.field(description=described("Title (标题)", Plan.title))
    starts_on: date = strawberry.field(description="Start of the period (起始日期)")
    ends_on: date = strawberry.field(description="End of the period (终止日期)")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The plan it falls under (上级计划)"
    )


@strawberry.type(description="Result of createPlan or setPlanItem (计划结果)")
class PlanPayload:
    plan: PlanType | None = strawberry.field(description="The plan (计划)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A target in a plan, with mode and leader (设置计划对象)")
class SetPlanItemInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan (计划)")
    target_id: strawberry.ID = strawberry.field(description="The target (巡视巡察对象)")
    mode: str = strawberry.field(
        description=described("Mode rule id (巡视巡察方式)", PlanItem.mode)
    )
    leader: str = strawberry.field(
        description=described("Responsible leader (责任领导)", PlanItem.leader)
    )


@strawberry.input(description="Approve a plan's working copy (审定计划)")
class ApprovePlanInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan (计划)")
    version: int = strawberry.field(description="The version reviewed (版本)")


@strawberry.input(description="The plan to retire, at the version seen (停用计划)")
class RetirePlanInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan (计划)")
    version: int | None = strawberry.field(
        default=None, description="The version seen; a later one is a conflict (版本)"
    )


@strawberry.type
class PlanningMutation:
    @strawberry.mutation(description="Draft a plan (新建计划)")
    async def create_plan(self, info: Info, input: CreatePlanInput) -> PlanPayload:
        ctx = info.context

        async def call() -> Plan:
            return await service.create_plan(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                kind=PlanKind(input.kind),
                title=input.title,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                parent_id=input.parent_id
                and expect_global_id(input.parent_id, "Plan", field="parentId"),
            )

        plan, errors = await run_mutation(info, "plan.create", call)
        return PlanPayload(plan=plan and PlanType.from_row(plan), user_errors=errors)

    @strawberry.mutation(description="Put a target in a plan (设置计划对象)")
    async def set_plan_item(self, info: Info, input: SetPlanItemInput) -> PlanPayload:
        ctx = info.context

        async def call() -> Plan:
            plan_id = expect_global_id(input.plan_id, "Plan", field="planId")
            await service.set_item(
                ctx.session,
                ctx.actor,
                plan_id=plan_id,
                target_id=expect_global_id(input.target_id, "Target", field="targetId"),
                mode=input.mode,
                leader=input.leader,
            )
            return await service.get_plan(ctx.session, ctx.actor, plan_id=plan_id)

        plan, errors = await run_mutation(info, "plan.item.set", call)
        return PlanPayload(plan=plan and PlanType.from_row(plan), user_errors=errors)

    @strawberry.mutation(description="Approve a plan as the body the ruleset names (审定计划)")
    async def approve_plan(self, info: Info, input: ApprovePlanInput) -> PlanPayload:
        ctx = info.context

        async def call() -> Plan:
            return await service.approve_plan(
                ctx.session,
                ctx.actor,
                plan_id=expect_global_id(input.plan_id, "Plan", field="planId"),
                version=input.version,
            )

        plan, errors = await run_mutation(info, "plan.approve", call)
        return PlanPayload(plan=plan and PlanType.from_row(plan), user_errors=errors)

    @strawberry.mutation(
        description="Retire a plan that will not be carried out; what was filed of it stays "
        "(停用计划)"
    )
    async def retire_plan(self, info: Info, input: RetirePlanInput) -> PlanPayload:
        ctx = info.context

        async def call() -> Plan:
            return await service.retire_plan(
                ctx.session,
                ctx.actor,
                plan_id=expect_global_id(input.plan_id, "Plan", field="planId"),
                version=input.version,
            )

        plan, errors = await run_mutation(info, "plan.retire", call)
        return PlanPayload(plan=plan and PlanType.from_row(plan), user_errors=errors)


async def office_coverage_gaps(
    root: strawberry.Parent[object],
    info: Info,
    starts_on: date,
    ends_on: date,
    filter: Annotated[TargetFilter, strawberry.lazy("inspectnet.targets.graphql")] | None = None,
    order_by: Annotated[TargetOrder, strawberry.lazy("inspectnet.targets.graphql")] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Annotated[TargetType, strawberry.lazy("inspectnet.targets.graphql")]]:
    """Targets of the office and its direct subordinates not yet planned in the term."""
    from inspectnet.targets.graphql import TargetType as Converted

    ctx = info.context
    office_id = root.pk  # type: ignore[attr-defined]
    offices = [office_id, *await service.direct_subordinates(ctx.session, office_id)]
    children = service.coverage_gaps(
        ctx.actor, office_ids=offices, starts_on=starts_on, ends_on=ends_on
    )
    return await connection(  # type: ignore[return-value]
        info,
        key=f"planning.coverage:{office_id}:{starts_on}:{ends_on}",
        parent_id=0,
        query=lambda _ids: children,
        convert=Converted.from_row,
        first=first,
        after=after,
        last=last,
        before=before,
        **list_args(filter, order_by),
    )


SCHEMA = SchemaPart(
    mutation=PlanningMutation,
    types=(PlanType, PlanItemType),
    fields=(
        TypeField(
            "Office",
            "coverageGaps",
            strawberry.field(
                resolver=office_coverage_gaps,
                description="全覆盖: targets of the office and its direct subordinates in no "
                "annual or round plan of the term (未覆盖对象)",
            ),
        ),
        TypeField(
            "Office",
            "plans",
            connection_field(
                repository.plans_of_offices,
                PlanType,
                description="The office's plans (规划、年度计划、阶段任务)",
                filter=PlanFilter,
                order=PlanOrder,
            ),
        ),
    ),
)
