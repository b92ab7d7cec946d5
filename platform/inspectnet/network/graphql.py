"""GraphQL types, inputs and thin resolvers for offices and the network."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.authz.checks import get_readable
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.can import viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import (
    ARCHIVED_DESCRIPTION,
    CreatedFilter,
    Sort,
    archived,
    list_args,
    order_input,
)
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart
from inspectnet.graphql.relay import Connection, Node, PageInfo, connection
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network import repository, service
from inspectnet.network.graph import Direction, within
from inspectnet.network.graphql_can import OFFICE_CAN
from inspectnet.network.graphql_links import LinkMutation, LinkQuery
from inspectnet.network.graphql_retire import RetireMutation
from inspectnet.network.loaders import office_by_id
from inspectnet.network.models import (
    LinkKind,
    Office,
    OfficeKind,
)
from inspectnet.paging import top_level
from inspectnet.rules.registry import registry as rulesets

if TYPE_CHECKING:
    from inspectnet.rules.graphql import RulesetType

MAX_DEPTH = 10

OFFICE_KIND_LABELS = {
    OfficeKind.REGIONAL_OFFICE: "自治区/省委巡视办",
    OfficeKind.LIAISON_BODY: "盟市巡视工作联络组办公室",
    OfficeKind.PATROL_OFFICE: "巡察办",
    OfficeKind.DEPARTMENTAL_PATROL_OFFICE: "厅党组巡察办",
}
OfficeKindEnum = labelled_enum(
    OfficeKind, OFFICE_KIND_LABELS, name="OfficeKind", description="Kind of office (机构类型)"
)

OfficeOrder = order_input(
    "Office", Sort("NAME", "名称", ("name",)), Sort("CODE", "机构代码", ("code",))
)


@strawberry.input(description="Which offices to list; every field given must hold (机构筛选)")
class OfficeFilter(CreatedFilter):
    created_model = Office
    kind: OfficeKind | None = strawberry.field(default=None, description="Kind (机构类型)")
    ruleset_id: str | None = strawberry.field(default=None, description="Ruleset (适用规定)")
    region_code: str | None = strawberry.field(
        default=None, description="Administrative region code (行政区划代码)"
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Part of the name (名称包含)"
    )
    within: strawberry.ID | None = strawberry.field(
        default=None,
        description="This office and every office below it on the leadership line (所辖范围)",
    )
    archived: bool | None = strawberry.field(
        default=False, description=f"Retired offices: {ARCHIVED_DESCRIPTION}"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.kind is not None:
            found.append(Office.kind == self.kind)
        if self.ruleset_id is not None:
            found.append(Office.ruleset_id == self.ruleset_id)
        if self.region_code is not None:
            found.append(Office.region_code == self.region_code)
        if self.name_contains:
            found.append(Office.name.contains(self.name_contains, autoescape=True))
        if self.within is not None:
            root = expect_global_id(self.within, "Office", field="filter.within")
            found.append(within(Office.id, root))
        return [*found, *archived(self.archived, Office.archived_at)]


@strawberry.type(
    name="Office", description="Inspection office (巡视巡察机构), a tenant of the network"
)
class OfficeType(Node, Stamped):
    viewer_can: Any = viewer_can_field("Office", OFFICE_CAN)
    code: str = strawberry.field(description="Stable short code")
    name: str = strawberry.field(description="Name (名称)")
    kind: OfficeKind = strawberry.field(description="Kind of office (机构类型)")
    region_code: str = strawberry.field(description="Administrative region code (行政区划代码)")
    archived_at: datetime | None = strawberry.field(
        description="When it was retired (retireOffice); null while in service (撤销时间)"
    )
    ruleset_id: strawberry.Private[str]
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Office) -> OfficeType:
        return cls(
            id=strawberry.ID(global_id("Office", row.id)),
            pk=row.id,
            code=row.code,
            name=row.name,
            kind=row.kind,
            region_code=row.region_code,
            archived_at=row.archived_at,
            ruleset_id=row.ruleset_id,
            **stamps(row),
        )

    @strawberry.field(description="The ruleset the office works under, with its rules (适用规定)")
    def ruleset(self) -> Annotated[RulesetType, strawberry.lazy("inspectnet.rules.graphql")]:
        from inspectnet.rules.graphql import ruleset_type

        return ruleset_type(rulesets().get(self.ruleset_id))

    @strawberry.field(description="Offices directly above on a line (上级)")
    def superiors(
        self,
        info: Info,
        kind: LinkKind = LinkKind.LEADERSHIP,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OfficeFilter | None = None,
        order_by: OfficeOrder | None = None,
    ) -> Connection[OfficeType]:
        actor = info.context.actor
        return connection(  # type: ignore[return-value]
            info,
            key=f"office.superiors.{kind.value}",
            parent_id=self.pk,
            query=lambda ids: repository.related_offices(actor, ids, kind, Direction.UP, 1),
            convert=OfficeType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            # The filter's defaults hold when none is given (retired offices stay out).
            **list_args(filter if filter is not None else OfficeFilter(), order_by),
        )

    @strawberry.field(description="Offices below on a line, down to `depth` links (下级)")
    async def subordinates(
        self,
        info: Info,
        depth: int = 1,
        kind: LinkKind = LinkKind.LEADERSHIP,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OfficeFilter | None = None,
        order_by: OfficeOrder | None = None,
    ) -> OfficeTreeConnection:
        if not 1 <= depth <= MAX_DEPTH:
            raise ValidationFailed(
                f"depth 应在1到{MAX_DEPTH}之间", code="DEPTH_OUT_OF_RANGE", field="depth"
            )
        actor = info.context.actor
        page = await connection(
            info,
            key=f"office.subordinates.{kind.value}.{depth}",
            parent_id=self.pk,
            query=lambda ids: repository.related_offices(actor, ids, kind, Direction.DOWN, depth),
            convert=OfficeType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            # The filter's defaults hold when none is given (retired offices stay out).
            **list_args(filter if filter is not None else OfficeFilter(), order_by),
        )
        return OfficeTreeConnection(
            edges=[
                OfficeTreeEdge(cursor=e.cursor, node=e.node, root_pk=self.pk, kind=kind)
                for e in page.edges
            ],
            page_info=page.page_info,
            inner=page,
        )


@strawberry.type(
    name="OfficeTreeEdge",
    description="An office below another, with its place in the subtree (下级机构及其层级)",
)
class OfficeTreeEdge:
    cursor: str = strawberry.field(description="Opaque cursor for after/before (游标)")
    node: OfficeType = strawberry.field(description="The office (机构)")
    root_pk: strawberry.Private[int]
    kind: strawberry.Private[LinkKind]

    async def _place(self, info: Info) -> tuple[int, int] | None:
        """(depth, parent) of this office under the root, batched across the request."""
        session, kind = info.context.session, self.kind

        async def batch(keys: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
            rows = await session.execute(
                repository.places_in_subtrees(
                    kind, sorted({r for r, _ in keys}), sorted({o for _, o in keys})
                )
            )
            found = {(r, o): (d, p) for r, o, d, p in rows.all()}
            return [found.get(k) for k in keys]

        loader = info.context.loader(("office.tree.place", kind), batch)
        return await loader.load((self.root_pk, self.node.pk))  # type: ignore[no-any-return]

    @strawberry.field(description="Links below the office asked about; 1 for a direct one (层级)")
    async def depth(self, info: Info) -> int:
        place = await self._place(info)
        assert place is not None  # the office was listed because it lies below the root
        return place[0]

    @strawberry.field(
        description="Its superior on the path from the office asked about, null if hidden (上级)"
    )
    async def parent(self, info: Info) -> OfficeType | None:
        place = await self._place(info)
        return None if place is None else await office_by_id(info, place[1])


@strawberry.type(
    name="OfficeTreeConnection",
    description="A page of the offices below one office, each with its place (下级机构)",
)
class OfficeTreeConnection:
    edges: list[OfficeTreeEdge] = strawberry.field(description="The page's offices with cursors")
    page_info: PageInfo = strawberry.field(description="Where the page stands (分页信息)")
    inner: strawberry.Private[Connection[OfficeType]]

    @strawberry.field(description="Offices in the whole subtree, after authorization (总数)")
    async def total_count(self) -> int:
        return await self.inner.total_count()

    @strawberry.field(description="The page's offices, without cursors")
    def nodes(self) -> list[OfficeType]:
        return [edge.node for edge in self.edges]


register_node("Office", Office, OfficeType.from_row)


@strawberry.input(
    description="A new office, placed under a superior on the leadership line (新建机构)"
)
class CreateOfficeInput:
    superior_id: strawberry.ID = strawberry.field(description="The office it files to (上级)")
    code: str = strawberry.field(description="Stable short code")
    name: str = strawberry.field(description="Name (名称)")
    kind: OfficeKind = strawberry.field(description="Kind of office (机构类型)")
    region_code: str = strawberry.field(description="Administrative region code (行政区划代码)")
    ruleset_id: str = strawberry.field(description="Ruleset the office works under (适用规定)")


@strawberry.type(description="Result of createOffice (新建机构结果)")
class CreateOfficePayload:
    office: OfficeType | None = strawberry.field(
        description="The new office, unless refused (机构)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Changes to an office (修改机构)")
class UpdateOfficeInput:
    office_id: strawberry.ID = strawberry.field(description="The office to change (机构)")
    name: str | None = strawberry.field(default=None, description="New name, if it changes (名称)")
    region_code: str | None = strawberry.field(
        default=None, description="New region code, if it changes (行政区划代码)"
    )


@strawberry.type(description="Result of updateOffice (修改机构结果)")
class UpdateOfficePayload:
    office: OfficeType | None = strawberry.field(
        description="The office as changed, unless refused (机构)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class NetworkQuery(LinkQuery):
    @strawberry.field(description="One office by global ID, if readable")
    async def office(self, info: Info, id: strawberry.ID) -> OfficeType | None:
        pk = expect_global_id(id, "Office")
        return OfficeType.from_row(
            await get_readable(info.context.session, info.context.actor, Office, pk)
        )

    @strawberry.field(description="Every office the viewer can see (可见的机构)")
    def offices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OfficeFilter | None = None,
        order_by: OfficeOrder | None = None,
    ) -> Connection[OfficeType]:
        actor = info.context.actor
        return connection(  # type: ignore[return-value]
            info,
            key="offices",
            parent_id=0,
            query=lambda _ids: top_level(repository.offices(actor), Office),
            convert=OfficeType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            # The filter's defaults hold when none is given (retired offices stay out).
            **list_args(filter if filter is not None else OfficeFilter(), order_by),
        )


@strawberry.type
class NetworkMutation(LinkMutation, RetireMutation):
    @strawberry.mutation(description="Create an office under a superior (新建机构)")
    async def create_office(self, info: Info, input: CreateOfficeInput) -> CreateOfficePayload:
        ctx = info.context

        async def call() -> Office:
            return await service.create_office(
                ctx.session,
                ctx.actor,
                superior_id=expect_global_id(input.superior_id, "Office", field="superiorId"),
                code=input.code,
                name=input.name,
                kind=input.kind,
                region_code=input.region_code,
                ruleset_id=input.ruleset_id,
            )

        office, errors = await run_mutation(info, "office.create", call)
        return CreateOfficePayload(
            office=office and OfficeType.from_row(office), user_errors=errors
        )

    @strawberry.mutation(description="Rename an office or correct its region (修改机构)")
    async def update_office(self, info: Info, input: UpdateOfficeInput) -> UpdateOfficePayload:
        ctx = info.context

        async def call() -> Office:
            return await service.update_office(
                ctx.session,
                ctx.actor,
                expect_global_id(input.office_id, "Office", field="officeId"),
                name=input.name,
                region_code=input.region_code,
            )

        office, errors = await run_mutation(info, "office.update", call)
        return UpdateOfficePayload(
            office=office and OfficeType.from_row(office), user_errors=errors
        )


SCHEMA = SchemaPart(query=NetworkQuery, mutation=NetworkMutation, types=(OfficeType,))
