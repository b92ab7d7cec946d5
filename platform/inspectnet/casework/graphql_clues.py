"""GraphQL of problem clues 问题线索: the clue, its sources, possible duplicates, the merge."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.audit.reads import confidential_read
from inspectnet.authz.checks import get_readable
from inspectnet.casework import clues, duplicates, repository
from inspectnet.casework.graphql_links import ClueSourceFilter, ClueSourceOrder, ClueSourceType
from inspectnet.casework.models import Clue, ClueState
from inspectnet.graphql.can import UPDATE, Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import (
    DateTimeRange,
    archived,
    created_in,
    each,
    order_input,
)
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.people.graphql import PersonType

labelled_enum(
    ClueState,
    {ClueState.OPEN: "待处置", ClueState.CLOSED: "已了结", ClueState.MERGED: "已并入其他线索"},
    name="ClueState",
    description="Where a problem clue stands (线索状态)",
)
CLUE_CAN = (UPDATE, Ability("merge", "May merge it into another clue (可合并)", "merge"))


@strawberry.input(description="Which clues to list (问题线索筛选)")
class ClueFilter:
    state: ClueState | None = strawberry.field(default=None, description="State (状态)")
    category_rule: str | None = strawberry.field(
        default=None, description="Category rule id (问题类别)"
    )
    # Both by default: a merged clue is archived, and a kept clue lists what was merged into it.
    archived: bool | None = strawberry.field(
        default=None,
        description="Only archived ones (true, e.g. merged away), only current ones (false), "
        "or both (null, the default) (归档)",
    )
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(Clue.state == self.state)
        if self.category_rule is not None:
            found.append(Clue.category == self.category_rule)
        return each(
            found,
            archived(self.archived, Clue.archived_at),
            created_in(self.created_at, Clue.created_at),
        )


ClueOrder = order_input("Clue")


@strawberry.type(name="Clue", description="A problem clue about a cadre (问题线索)")
class ClueType(Node, Stamped):
    """Reading the clue's content (who, what, the assessment) leaves an audit row."""

    category_rule: str = strawberry.field(
        description="The problem category: a category.* rule id of the ruleset (问题类别)"
    )
    state: ClueState = strawberry.field(description="State (状态)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    merged_at: datetime | None = strawberry.field(description="When merged away (合并时间)")
    archived: bool = strawberry.field(description="Archived, e.g. merged away (已归档)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    person_pk: strawberry.Private[int | None]
    merged_into_pk: strawberry.Private[int | None]
    merged_by_pk: strawberry.Private[int | None]
    content: strawberry.Private[tuple[str, str, str, str | None]]
    viewer_can = viewer_can_field("Clue", CLUE_CAN)

    @classmethod
    def from_row(cls, row: Clue) -> ClueType:
        return cls(
            id=strawberry.ID(global_id("Clue", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            person_pk=row.person_id,
            merged_into_pk=row.merged_into_id,
            merged_by_pk=row.merged_by,
            content=(row.person_name, row.person_post, row.summary, row.assessment),
            category_rule=row.category,
            state=row.state,
            version=row.version,
            merged_at=row.merged_at,
            archived=row.archived_at is not None,
            **stamps(row),
        )

    def _read(self, info: Info) -> tuple[str, str, str, str | None]:
        ctx = info.context
        confidential_read(ctx.session, ctx.actor, Clue, self.pk, self.office_pk)
        return self.content

    @strawberry.field(description="Name of the person concerned (被反映人姓名)")
    def person_name(self, info: Info) -> str:
        return self._read(info)[0]

    @strawberry.field(description="Post of the person concerned (被反映人职务)")
    def person_post(self, info: Info) -> str:
        return self._read(info)[1]

    @strawberry.field(description="What the clue says (线索内容)")
    def summary(self, info: Info) -> str:
        return self._read(info)[2]

    @strawberry.field(description="The team's assessment (初步核实意见)")
    def assessment(self, info: Info) -> str | None:
        return self._read(info)[3]

    @strawberry.field(description="The person record concerned, null if unknown or hidden (干部)")
    async def person(
        self, info: Info
    ) -> Annotated[PersonType, strawberry.lazy("inspectnet.people.graphql")] | None:
        self._read(info)
        return await linked(info, "Person", self.person_pk)

    @strawberry.field(description="The clue it was merged into, null if none or hidden (并入线索)")
    async def merged_into(self, info: Info) -> ClueType | None:
        return await linked(info, "Clue", self.merged_into_pk)

    @strawberry.field(description="Who merged it away, null if none or hidden (合并人)")
    async def merged_by(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.merged_by_pk)

    @strawberry.field(
        description="Open clues of the office about the same person that the viewer may read "
        "(same person record, or name and post that match) (疑似重复线索)"
    )
    async def possible_duplicates(self, info: Info) -> list[ClueType]:
        ctx = info.context
        clue = await get_readable(ctx.session, ctx.actor, Clue, self.pk)
        found = await duplicates.possible_duplicates(ctx.session, ctx.actor, clue)
        return [ClueType.from_row(c) for c in found]

    sources = connection_field(
        repository.sources_of,
        ClueSourceType,
        description="Where it came from (线索来源)",
        filter=ClueSourceFilter,
        order=ClueSourceOrder,
    )


MERGED_FIELD = connection_field(
    repository.merged_into,
    ClueType,
    description="Clues merged into this one, each archived with who merged it and when (已并入的线索)",
    filter=ClueFilter,
    order=ClueOrder,
)

register_node("Clue", Clue, ClueType.from_row)


@strawberry.input(description="A new problem clue (登记问题线索)")
class CreateClueInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    category_rule: str = strawberry.field(
        description="A category rule of the office's ruleset, e.g. category.other (问题类别)"
    )
    summary: str = strawberry.field(description=described("What it says (线索内容)", Clue.summary))
    person_post: str = strawberry.field(
        description=described("Post of the person concerned (被反映人职务)", Clue.person_post)
    )
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person record, when known (干部)"
    )
    person_name: str | None = strawberry.field(
        default=None,
        description=described(
            "Name of the person concerned, when no record is given (被反映人姓名)",
            Clue.person_name,
        ),
    )
    assessment: str | None = strawberry.field(
        default=None, description=described("Assessment (初步核实意见)", Clue.assessment)
    )
    source_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Where it came from: interviews, records, petitions (线索来源)",
    )


@strawberry.input(description="Change an open clue (修改问题线索)")
class UpdateClueInput:
    clue_id: strawberry.ID = strawberry.field(description="The clue (问题线索)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )
    category_rule: str | None = strawberry.field(
        default=None, description="Category rule id (问题类别)"
    )
    summary: str | None = strawberry.field(
        default=None, description=described("What it says (线索内容)", Clue.summary)
    )
    assessment: str | None = strawberry.field(
        default=None, description=described("Assessment (初步核实意见)", Clue.assessment)
    )
    person_name: str | None = strawberry.field(
        default=None, description=described("Name (被反映人姓名)", Clue.person_name)
    )
    person_post: str | None = strawberry.field(
        default=None, description=described("Post (被反映人职务)", Clue.person_post)
    )


@strawberry.input(description="Link more sources to an open clue (补充线索来源)")
class AddClueSourcesInput:
    clue_id: strawberry.ID = strawberry.field(description="The clue (问题线索)")
    source_ids: list[strawberry.ID] = strawberry.field(description="Sources (线索来源)")


@strawberry.input(description="Close an open clue with its assessment (了结问题线索)")
class CloseClueInput:
    clue_id: strawberry.ID = strawberry.field(description="The clue (问题线索)")
    assessment: str = strawberry.field(
        description=described("Final assessment (处置意见)", Clue.assessment)
    )


@strawberry.input(description="Merge a duplicate clue into another (合并重复线索)")
class MergeClueInput:
    clue_id: strawberry.ID = strawberry.field(description="The duplicate, archived (被合并线索)")
    into_clue_id: strawberry.ID = strawberry.field(description="The clue kept (保留线索)")


@strawberry.type(description="Result of a change to a clue (问题线索结果)")
class CluePayload:
    clue: ClueType | None = strawberry.field(
        description="The clue (for a merge, the one kept), unless refused (问题线索)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _clue(value: strawberry.ID, field: str = "clueId") -> int:
    return expect_global_id(value, "Clue", field=field)


def _payload(found: Clue | None, errors: list[UserError]) -> CluePayload:
    return CluePayload(clue=found and ClueType.from_row(found), user_errors=errors)


@strawberry.type
class ClueMutation:
    @strawberry.mutation(description="Record a problem clue about a cadre (登记问题线索)")
    async def create_clue(self, info: Info, input: CreateClueInput) -> CluePayload:
        ctx = info.context

        async def call() -> Clue:
            return await clues.create_clue(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                category=input.category_rule,
                summary=input.summary,
                person_post=input.person_post,
                person_id=input.person_id
                and expect_global_id(input.person_id, "Person", field="personId"),
                person_name=input.person_name,
                assessment=input.assessment,
                source_ids=[str(v) for v in input.source_ids],
            )

        return _payload(*await run_mutation(info, "clue.create", call))

    @strawberry.mutation(description="Change an open clue (修改问题线索)")
    async def update_clue(self, info: Info, input: UpdateClueInput) -> CluePayload:
        ctx = info.context

        async def call() -> Clue:
            return await clues.update_clue(
                ctx.session,
                ctx.actor,
                clue_id=_clue(input.clue_id),
                version=input.version,
                category=input.category_rule,
                summary=input.summary,
                assessment=input.assessment,
                person_name=input.person_name,
                person_post=input.person_post,
            )

        return _payload(*await run_mutation(info, "clue.update", call))

    @strawberry.mutation(description="Link more sources to an open clue (补充线索来源)")
    async def add_clue_sources(self, info: Info, input: AddClueSourcesInput) -> CluePayload:
        ctx = info.context

        async def call() -> Clue:
            return await clues.add_clue_sources(
                ctx.session,
                ctx.actor,
                clue_id=_clue(input.clue_id),
                source_ids=[str(v) for v in input.source_ids],
            )

        return _payload(*await run_mutation(info, "clue.sources.add", call))

    @strawberry.mutation(description="Close an open clue with its assessment (了结问题线索)")
    async def close_clue(self, info: Info, input: CloseClueInput) -> CluePayload:
        ctx = info.context

        async def call() -> Clue:
            return await clues.close_clue(
                ctx.session, ctx.actor, clue_id=_clue(input.clue_id), assessment=input.assessment
            )

        return _payload(*await run_mutation(info, "clue.close", call))

    @strawberry.mutation(description="Merge a duplicate clue into another (合并重复线索)")
    async def merge_clue(self, info: Info, input: MergeClueInput) -> CluePayload:
        ctx = info.context

        async def call() -> Clue:
            return await clues.merge_clues(
                ctx.session,
                ctx.actor,
                clue_id=_clue(input.clue_id),
                into_id=_clue(input.into_clue_id, "intoClueId"),
            )

        return _payload(*await run_mutation(info, "clue.merge", call))
