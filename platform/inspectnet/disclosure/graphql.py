"""GraphQL of disclosures (公开): drafted from the records, approved, published, withdrawn; and
the public read-only endpoint the part declares (``public``), served without sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.authz.checks import get_readable
from inspectnet.disclosure import public, repository, service
from inspectnet.disclosure.models import Disclosure, DisclosureApproval, DisclosureState
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, Sort, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import PublishedFile, SchemaPart, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.rules import graphql_params as _enums  # noqa: F401  (declares DisclosureStage)
from inspectnet.rules.format import DisclosureStage
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.inspections.graphql_types import InspectionType

labelled_enum(
    DisclosureState,
    service.STATE_ZH,
    name="DisclosureState",
    description="Where a disclosure stands (公开状态)",
)


@strawberry.input(description="Which disclosures to list (公开事项筛选)")
class DisclosureFilter:
    state: DisclosureState | None = strawberry.field(default=None, description="State (状态)")
    stage: DisclosureStage | None = strawberry.field(
        default=None, description="Stage disclosed (公开环节)"
    )
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Drafted within (草拟时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(Disclosure.state == self.state)
        if self.stage is not None:
            found.append(Disclosure.stage == self.stage)
        return each(found, created_in(self.created_at, Disclosure.created_at))


DisclosureOrder = order_input("Disclosure", Sort("STAGE", "公开环节", ("stage",)))


DISCLOSURE_CAN = (
    Ability("update", "May edit the draft or withdraw it (可修改、撤回)", "update"),
    # As the body the ruleset names (approve_as_<body>), or the admin's own approve.
    Ability("approve", "May approve it (可审批)", service.approve_action),
    Ability("publish", "May publish it (可公开)", "publish"),
)


@strawberry.type(name="DisclosureApproval", description="The recorded approval (公开审批记录)")
class DisclosureApprovalType:
    actor_name: str = strawberry.field(description="Who approved (审批人)")
    decided_as: str = strawberry.field(
        description="As which body (leading_group, party_group …) or office_admin (审批身份)"
    )
    article: str = strawberry.field(description="Article published under (依据条款)")
    approved_at: datetime = strawberry.field(description="When (审批时间)")


@strawberry.type(
    name="Disclosure",
    description="A publication of an inspection's entry, feedback or rectification (公开事项)",
)
class DisclosureType(Node, Stamped):
    stage: DisclosureStage = strawberry.field(description="Stage disclosed (公开环节)")
    rule_id: str = strawberry.field(description="Disclosure point it is published under (规则)")
    article: str = strawberry.field(description="Its article (依据条款)")
    title: str = strawberry.field(description="Title (标题)")
    body: str = strawberry.field(description="Text (正文)")
    state: DisclosureState = strawberry.field(description="State (状态)")
    published_at: datetime | None = strawberry.field(description="Published at (公开时间)")
    withdrawn_at: datetime | None = strawberry.field(description="Withdrawn at (撤回时间)")
    approver: str = strawberry.field(
        description="Who approves it: the body the ruleset names, or office_admin (审批主体)"
    )
    version: int = strawberry.field(description="Version, for the next change (版本)")
    public_url: str | None = strawberry.field(
        description="Where the public reads it, once published (公开地址)"
    )
    pk: strawberry.Private[int]
    inspection_pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("Disclosure", DISCLOSURE_CAN)

    @classmethod
    def from_row(cls, row: Disclosure) -> DisclosureType:
        gid = global_id("Disclosure", row.id)
        published = row.state is DisclosureState.PUBLISHED
        return cls(
            id=strawberry.ID(gid),
            pk=row.id,
            inspection_pk=row.inspection_id,
            stage=row.stage,
            rule_id=row.rule_id,
            article=row.article,
            title=row.title,
            body=row.body,
            state=row.state,
            published_at=row.published_at,
            withdrawn_at=row.withdrawn_at,
            approver=row.approver,
            version=row.version,
            public_url=f"{public.PREFIX}{gid}.json" if published else None,
            **stamps(row),
        )

    @strawberry.field(description="The inspection disclosed (巡视巡察)")
    async def inspection(
        self, info: Info
    ) -> Annotated[InspectionType, strawberry.lazy("inspectnet.inspections.graphql_types")] | None:
        return await linked(info, "Inspection", self.inspection_pk)

    @strawberry.field(description="The recorded approval, once approved (审批记录)")
    async def approval(self, info: Info) -> DisclosureApprovalType | None:
        ctx = info.context

        async def batch(ids: list[int]) -> list[DisclosureApproval | None]:
            query = repository.approvals_by_disclosure(ctx.actor, ids)
            rows = {r.disclosure_id: r for r in (await ctx.session.scalars(query)).all()}
            return [rows.get(i) for i in ids]

        row = await ctx.loader("disclosure.approval", batch).load(self.pk)
        if row is None:
            return None
        return DisclosureApprovalType(
            actor_name=row.actor_name,
            decided_as=row.decided_as,
            article=row.article,
            approved_at=row.created_at,
        )


register_node("Disclosure", Disclosure, DisclosureType.from_row)


@strawberry.input(description="Draft a disclosure from the inspection's records (草拟公开事项)")
class DraftDisclosureInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    stage: DisclosureStage = strawberry.field(description="Stage disclosed (公开环节)")


@strawberry.input(description="Edit a draft (修改公开事项草稿)")
class UpdateDisclosureInput:
    disclosure_id: strawberry.ID = strawberry.field(description="The disclosure (公开事项)")
    title: str | None = strawberry.field(
        default=None, description=described("Title (标题)", Disclosure.title)
    )
    body: str | None = strawberry.field(
        default=None, description=described("Text (正文)", Disclosure.body)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Approve, publish or withdraw a disclosure (审批、公开、撤回)")
class DisclosureStepInput:
    disclosure_id: strawberry.ID = strawberry.field(description="The disclosure (公开事项)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to a disclosure (公开事项结果)")
class DisclosurePayload:
    disclosure: DisclosureType | None = strawberry.field(
        description="The disclosure, unless refused (公开事项)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _pk(value: strawberry.ID) -> int:
    return expect_global_id(value, "Disclosure", field="disclosureId")


async def _run(info: Info, action: str, call: Any) -> DisclosurePayload:
    found, errors = await run_mutation(info, action, call)
    return DisclosurePayload(
        disclosure=found and DisclosureType.from_row(found), user_errors=errors
    )


@strawberry.type
class DisclosureMutation:
    @strawberry.mutation(description="Draft a disclosure from the records (草拟公开事项)")
    async def draft_disclosure(self, info: Info, input: DraftDisclosureInput) -> DisclosurePayload:
        ctx = info.context

        async def call() -> Disclosure:
            return await service.draft_disclosure(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                stage=input.stage,
            )

        return await _run(info, "disclosure.draft", call)

    @strawberry.mutation(description="Edit a draft's title or text (修改公开事项草稿)")
    async def update_disclosure(
        self, info: Info, input: UpdateDisclosureInput
    ) -> DisclosurePayload:
        ctx = info.context

        async def call() -> Disclosure:
            return await service.update_disclosure(
                ctx.session,
                ctx.actor,
                disclosure_id=_pk(input.disclosure_id),
                title=input.title,
                body=input.body,
                version=input.version,
            )

        return await _run(info, "disclosure.update", call)

    @strawberry.mutation(description="Approve a draft, as the ruleset names (审批公开事项)")
    async def approve_disclosure(self, info: Info, input: DisclosureStepInput) -> DisclosurePayload:
        ctx = info.context

        async def call() -> Disclosure:
            return await service.approve_disclosure(
                ctx.session,
                ctx.actor,
                disclosure_id=_pk(input.disclosure_id),
                version=input.version,
            )

        return await _run(info, "disclosure.approve", call)

    @strawberry.mutation(
        description="Publish an approved disclosure, after the protected-name scan (公开)"
    )
    async def publish_disclosure(self, info: Info, input: DisclosureStepInput) -> DisclosurePayload:
        ctx = info.context

        async def call() -> Disclosure:
            return await service.publish_disclosure(
                ctx.session,
                ctx.actor,
                disclosure_id=_pk(input.disclosure_id),
                version=input.version,
            )

        return await _run(info, "disclosure.publish", call)

    @strawberry.mutation(description="Withdraw a disclosure; it is kept (撤回公开事项)")
    async def withdraw_disclosure(
        self, info: Info, input: DisclosureStepInput
    ) -> DisclosurePayload:
        ctx = info.context

        async def call() -> Disclosure:
            return await service.withdraw_disclosure(
                ctx.session,
                ctx.actor,
                disclosure_id=_pk(input.disclosure_id),
                version=input.version,
            )

        return await _run(info, "disclosure.withdraw", call)


@strawberry.type
class DisclosureQuery:
    @strawberry.field(description="One disclosure by global ID, if readable (公开事项)")
    async def disclosure(self, info: Info, id: strawberry.ID) -> DisclosureType:
        pk = expect_global_id(id, "Disclosure")
        ctx = info.context
        return DisclosureType.from_row(await get_readable(ctx.session, ctx.actor, Disclosure, pk))


SCHEMA = SchemaPart(
    query=DisclosureQuery,
    mutation=DisclosureMutation,
    types=(DisclosureType, DisclosureApprovalType),
    fields=(
        TypeField(
            "Inspection",
            "disclosures",
            connection_field(
                repository.disclosures_of,
                DisclosureType,
                description="Its disclosures: entry, feedback, rectification (公开事项)",
                filter=DisclosureFilter,
                order=DisclosureOrder,
            ),
        ),
    ),
    published=(PublishedFile(public.PREFIX, public.serve),),
)
