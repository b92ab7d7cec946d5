"""Mutations that change a target or its roster: thin adapters."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from inspectnet.graphql.changes import given, unset
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.links import linked
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id
from inspectnet.targets import changes
from inspectnet.targets.graphql_enums import TargetClassEnum  # noqa: F401 - labels TargetClass first
from inspectnet.targets.models import LeadershipPost, Target, TargetClass

if TYPE_CHECKING:
    from inspectnet.targets.graphql import LeadershipPostType, TargetType

TARGETS = strawberry.lazy("inspectnet.targets.graphql")
ERRORS = "Why it was refused (输入错误)"


def _types() -> Any:
    from inspectnet.targets import graphql

    return graphql


@strawberry.input(description="Corrections to a target (修改巡视巡察对象)")
class UpdateTargetInput:
    target_id: strawberry.ID = strawberry.field(description="The target (巡视巡察对象)")
    name: str | None = unset("Name (名称)")
    region_code: str | None = unset("Administrative region code (行政区划代码)")
    target_class: TargetClass | None = unset(
        "Class of organisation, null for not stated (巡视对象类别, nmg-2016 §17)"
    )


@strawberry.input(description="A target to archive (归档巡视巡察对象)")
class ArchiveTargetInput:
    target_id: strawberry.ID = strawberry.field(description="The target (巡视巡察对象)")


@strawberry.type(description="Result of a change to a target (巡视巡察对象修改结果)")
class TargetPayload:
    target: Annotated[TargetType, TARGETS] | None = strawberry.field(
        description="The target as now recorded, unless refused (巡视巡察对象)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Corrections to a roster member (修改班子成员)")
class UpdateLeadershipPostInput:
    leadership_post_id: strawberry.ID = strawberry.field(description="The roster entry (班子成员)")
    person_id: strawberry.ID | None = unset("The person holding the post (干部)")
    post: str | None = unset("Post (职务)")
    started_on: date | None = unset("Start of the post (起始日期)")
    ended_on: date | None = unset("End of the post, null while held (终止日期)")


@strawberry.input(description="A roster entry entered by mistake (删除班子成员)")
class RemoveLeadershipPostInput:
    leadership_post_id: strawberry.ID = strawberry.field(description="The roster entry (班子成员)")


@strawberry.type(description="Result of a change to a roster entry (班子成员修改结果)")
class LeadershipPostPayload:
    post: Annotated[LeadershipPostType, TARGETS] | None = strawberry.field(
        description="The entry as now recorded; null when removed or refused (班子成员)"
    )
    removed: strawberry.ID | None = strawberry.field(
        description="Global ID of the removed entry; the audit log keeps what it held"
    )
    target: Annotated[TargetType, TARGETS] | None = strawberry.field(
        description="The target whose roster it is (巡视巡察对象)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


def _post_id(value: str) -> int:
    return expect_global_id(value, "LeadershipPost", field="leadershipPostId")


async def _target_payload(info: Info, action: str, call: Any) -> TargetPayload:
    target, errors = await run_mutation(info, action, call)
    return TargetPayload(target=target and _types().TargetType.from_row(target), user_errors=errors)


@strawberry.type
class TargetChangeMutation:
    @strawberry.mutation(description="Correct a target's name, region or class (修改巡视巡察对象)")
    async def update_target(self, info: Info, input: UpdateTargetInput) -> TargetPayload:
        ctx = info.context

        async def call() -> Target:
            pk = expect_global_id(input.target_id, "Target", field="targetId")
            fields = given(input, skip=("target_id",))
            return await changes.update_target(ctx.session, ctx.actor, target_id=pk, changes=fields)

        return await _target_payload(info, "target.update", call)

    @strawberry.mutation(
        description="Archive a target: kept as evidence, gone from lists (归档巡视巡察对象)"
    )
    async def archive_target(self, info: Info, input: ArchiveTargetInput) -> TargetPayload:
        ctx = info.context

        async def call() -> Target:
            pk = expect_global_id(input.target_id, "Target", field="targetId")
            return await changes.archive_target(ctx.session, ctx.actor, target_id=pk)

        return await _target_payload(info, "target.archive", call)

    @strawberry.mutation(description="Correct a roster entry, e.g. end a post (修改班子成员)")
    async def update_leadership_post(
        self, info: Info, input: UpdateLeadershipPostInput
    ) -> LeadershipPostPayload:
        ctx = info.context

        async def call() -> LeadershipPost:
            fields = given(input, skip=("leadership_post_id",))
            if "person_id" in fields:
                fields["person_id"] = expect_global_id(
                    fields["person_id"] or "", "Person", field="personId"
                )
            return await changes.update_leadership_post(
                ctx.session, ctx.actor, post_id=_post_id(input.leadership_post_id), changes=fields
            )

        post, errors = await run_mutation(info, "target.roster.update", call)
        types = _types()
        return LeadershipPostPayload(
            post=post and types.LeadershipPostType.from_row(post),
            removed=None,
            target=post and await linked(info, "Target", post.target_id),
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Remove a roster entry entered by mistake; the audit log keeps it (删除班子成员)"
    )
    async def remove_leadership_post(
        self, info: Info, input: RemoveLeadershipPostInput
    ) -> LeadershipPostPayload:
        ctx = info.context

        async def call() -> LeadershipPost:
            return await changes.remove_leadership_post(
                ctx.session, ctx.actor, post_id=_post_id(input.leadership_post_id)
            )

        post, errors = await run_mutation(info, "target.roster.remove", call)
        return LeadershipPostPayload(
            post=None,
            removed=input.leadership_post_id if post is not None else None,
            target=post and await linked(info, "Target", post.target_id),
            user_errors=errors,
        )
