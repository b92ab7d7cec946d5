"""GraphQL types, inputs and thin resolvers for targets and their rosters."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.authz.checks import get_readable
from inspectnet.graphql.can import Ability, ViewerCan, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import (
    ARCHIVED_DESCRIPTION,
    CreatedFilter,
    DateRange,
    Sort,
    archived,
    each,
    order_input,
)
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network.loaders import office_by_id
from inspectnet.targets import repository, service
from inspectnet.targets.graphql_changes import TargetChangeMutation
from inspectnet.targets.graphql_enums import TargetClassEnum  # noqa: F401 - labels TargetClass first
from inspectnet.targets.loaders import target_by_id
from inspectnet.targets.models import LeadershipPost, Target, TargetClass
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType
    from inspectnet.people.graphql import PersonType

TargetOrder = order_input("Target", Sort("NAME", "名称", ("name",)))
LeadershipPostOrder = order_input("LeadershipPost", Sort("STARTED_ON", "起始日期", ("started_on",)))


@strawberry.input(description="Which targets to list; every field given must hold (对象筛选)")
class TargetFilter(CreatedFilter):
    created_model = Target
    name_contains: str | None = strawberry.field(
        default=None, description="Part of the name (名称包含)"
    )
    region_code: str | None = strawberry.field(
        default=None, description="Administrative region code (行政区划代码)"
    )
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.name_contains:
            found.append(Target.name.contains(self.name_contains, autoescape=True))
        if self.region_code is not None:
            found.append(Target.region_code == self.region_code)
        return each(found, archived(self.archived, Target.archived_at))


@strawberry.input(description="Which roster members to list (班子成员筛选)")
class LeadershipPostFilter(CreatedFilter):
    created_model = LeadershipPost
    current: bool | None = strawberry.field(
        default=None,
        description="Only posts with no end date (true) or only ended ones (false) (现任)",
    )
    started_on: DateRange | None = strawberry.field(
        default=None, description="Post began within (起始日期)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.current is not None:
            ended = LeadershipPost.ended_on
            found.append(ended.is_(None) if self.current else ended.is_not(None))
        if self.started_on is not None:
            found += self.started_on.on(LeadershipPost.started_on, "startedOn")
        return found


# A post changes where its target may be updated (targets/changes.py).
POST_CAN = (
    Ability("update", "May change it (可修改)", "update", on=("target_id", Target)),
    Ability("remove", "May remove it (可删除)", "update", on=("target_id", Target)),
)


@strawberry.type(
    name="LeadershipPost", description="Member of a target's leadership roster (领导班子成员)"
)
class LeadershipPostType(Node, Stamped):
    viewer_can: Any = viewer_can_field("LeadershipPost", POST_CAN)
    post: str = strawberry.field(description="Post (职务)")
    started_on: date = strawberry.field(description="Start of the post (起始日期)")
    ended_on: date | None = strawberry.field(
        description="End of the post, none while held (终止日期)"
    )
    person_pk: strawberry.Private[int]
    target_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: LeadershipPost) -> LeadershipPostType:
        return cls(
            id=strawberry.ID(global_id("LeadershipPost", row.id)),
            post=row.post,
            started_on=row.started_on,
            ended_on=row.ended_on,
            person_pk=row.person_id,
            target_pk=row.target_id,
            **stamps(row),
        )

    @strawberry.field(description="The target whose roster this is (巡视巡察对象)")
    async def target(self, info: Info) -> TargetType | None:
        return await target_by_id(info, self.target_pk)

    @strawberry.field(description="The person holding the post, null if hidden (干部)")
    async def person(
        self, info: Info
    ) -> Annotated[PersonType, strawberry.lazy("inspectnet.people.graphql")] | None:
        return await linked(info, "Person", self.person_pk)


@strawberry.type(name="Target", description="Target organisation's leadership team (巡视巡察对象)")
class TargetType(Node, Stamped):
    name: str = strawberry.field(description="Name (名称)")
    region_code: str = strawberry.field(description="Administrative region code (行政区划代码)")
    target_class: TargetClass | None = strawberry.field(
        description="Class of organisation, null if not stated (巡视对象类别, nmg-2016 §17)"
    )
    archived_at: datetime | None = strawberry.field(
        description="When the target was archived, null while current (归档时间)"
    )
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    viewer_can: ViewerCan = viewer_can_field("Target")

    @classmethod
    def from_row(cls, row: Target) -> TargetType:
        return cls(
            id=strawberry.ID(global_id("Target", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            name=row.name,
            region_code=row.region_code,
            target_class=row.target_class,
            archived_at=row.archived_at,
            **stamps(row),
        )

    @strawberry.field(description="The office that covers the target (负责机构)")
    async def office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return await office_by_id(info, self.office_pk)

    roster = connection_field(
        repository.roster_of,
        LeadershipPostType,
        description="Leadership roster (领导班子)",
        filter=LeadershipPostFilter,
        order=LeadershipPostOrder,
    )


register_node("Target", Target, TargetType.from_row)
register_node("LeadershipPost", LeadershipPost, LeadershipPostType.from_row)


@strawberry.input(description="A new target for an office (新增巡视巡察对象)")
class CreateTargetInput:
    office_id: strawberry.ID = strawberry.field(description="The office that covers it (负责机构)")
    name: str = strawberry.field(description=described("Name (名称)", Target.name))
    region_code: str = strawberry.field(
        description=described("Administrative region code (行政区划代码)", Target.region_code)
    )
    target_class: TargetClass | None = strawberry.field(
        default=None, description="Class of organisation (巡视对象类别, nmg-2016 §17)"
    )


@strawberry.type(description="Result of createTarget (新增巡视巡察对象结果)")
class CreateTargetPayload:
    target: TargetType | None = strawberry.field(
        description="The new target, unless refused (巡视巡察对象)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A new member of a target's leadership roster (增加班子成员)")
class AddLeadershipPostInput:
    target_id: strawberry.ID = strawberry.field(description="The target (巡视巡察对象)")
    person_id: strawberry.ID = strawberry.field(description="The person holding the post (干部)")
    post: str = strawberry.field(description=described("Post (职务)", LeadershipPost.post))
    started_on: date = strawberry.field(description="Start of the post (起始日期)")
    ended_on: date | None = strawberry.field(
        default=None, description="End of the post, none while held (终止日期)"
    )


@strawberry.type(description="Result of addLeadershipPost (增加班子成员结果)")
class AddLeadershipPostPayload:
    post: LeadershipPostType | None = strawberry.field(
        description="The new roster member, unless refused (领导班子成员)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class TargetsMutation(TargetChangeMutation):
    @strawberry.mutation(description="Add a target to an office's list (新增巡视巡察对象)")
    async def create_target(self, info: Info, input: CreateTargetInput) -> CreateTargetPayload:
        ctx = info.context

        async def call() -> Target:
            return await service.create_target(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                name=input.name,
                region_code=input.region_code,
                target_class=input.target_class,
            )

        target, errors = await run_mutation(info, "target.create", call)
        return CreateTargetPayload(
            target=target and TargetType.from_row(target), user_errors=errors
        )

    @strawberry.mutation(description="Add a member to a target's leadership roster (增加班子成员)")
    async def add_leadership_post(
        self, info: Info, input: AddLeadershipPostInput
    ) -> AddLeadershipPostPayload:
        ctx = info.context

        async def call() -> LeadershipPost:
            return await service.add_leadership_post(
                ctx.session,
                ctx.actor,
                target_id=expect_global_id(input.target_id, "Target", field="targetId"),
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                post=input.post,
                started_on=input.started_on,
                ended_on=input.ended_on,
            )

        post, errors = await run_mutation(info, "target.roster.add", call)
        return AddLeadershipPostPayload(
            post=post and LeadershipPostType.from_row(post), user_errors=errors
        )


@strawberry.type
class TargetsQuery:
    @strawberry.field(description="One target by global ID, if readable (巡视巡察对象)")
    async def target(self, info: Info, id: strawberry.ID) -> TargetType | None:
        pk = expect_global_id(id, "Target")
        return TargetType.from_row(
            await get_readable(info.context.session, info.context.actor, Target, pk)
        )


SCHEMA = SchemaPart(
    query=TargetsQuery,
    mutation=TargetsMutation,
    types=(TargetType, LeadershipPostType),
    fields=(
        TypeField(
            "Office",
            "targets",
            connection_field(
                repository.targets_of_offices,
                TargetType,
                description="Targets the office covers (巡视巡察对象)",
                filter=TargetFilter,
                order=TargetOrder,
            ),
        ),
    ),
)
