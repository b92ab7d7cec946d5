"""GraphQL of a typed link (a clue's source, a finding's evidence): its kind and the record."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.casework.links import BY_NAME, KINDS
from inspectnet.casework.models import ClueSource, FindingEvidence
from inspectnet.graphql.context import Info
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.relay import Node

# The kinds of links.KINDS as one enum: a kind added there is a value here.
RecordKind = enum.Enum(  # type: ignore[misc]
    "CaseworkRecordKind", {k.name.upper(): k.name for k in KINDS}
)
labelled_enum(
    RecordKind,
    {RecordKind[k.name.upper()]: k.label for k in KINDS},
    name="CaseworkRecordKind",
    description="Kind of record a link names (关联记录类别)",
)


@strawberry.interface(
    name="CaseworkLink",
    description="A typed reference to a record: a clue's source or a finding's evidence (关联记录)",
)
class LinkType:
    """What a clue's source and a finding's evidence show: the kind and the record."""

    kind: RecordKind = strawberry.field(description="Kind of record (记录类别)")
    label: str = strawberry.field(description="The kind in Chinese (记录类别名称)")
    created_at: datetime = strawberry.field(description="When it was linked (关联时间)")
    ref_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: ClueSource | FindingEvidence) -> Any:
        kind = BY_NAME[row.kind]
        return cls(
            kind=RecordKind(row.kind),
            label=kind.label,
            created_at=row.created_at,
            ref_pk=row.ref_id,
        )

    @strawberry.field(description="The record, null if the viewer cannot read it (记录)")
    async def record(self, info: Info) -> Node | None:
        return await linked(info, BY_NAME[self.kind.value].type_name, self.ref_pk)


@strawberry.type(name="ClueSource", description="Where a clue came from (线索来源)")
class ClueSourceType(LinkType):
    pass


@strawberry.type(name="FindingEvidence", description="A finding's evidence (证据材料)")
class FindingEvidenceType(LinkType):
    pass


def _link_filter(model: Any, name: str) -> Any:
    @strawberry.input(name=f"{name}Filter", description="Which links to list (关联记录筛选)")
    class LinkFilter:
        kind: RecordKind | None = strawberry.field(default=None, description="Kind (记录类别)")
        created_at: DateTimeRange | None = strawberry.field(
            default=None, description="Linked within (关联时间)"
        )

        def conditions(self) -> list[ColumnElement[bool]]:
            found: list[ColumnElement[bool]] = []
            if self.kind is not None:
                found.append(model.kind == self.kind.value)
            return each(found, created_in(self.created_at, model.created_at))

    return LinkFilter


ClueSourceFilter = _link_filter(ClueSource, "ClueSource")
ClueSourceOrder = order_input("ClueSource")
FindingEvidenceFilter = _link_filter(FindingEvidence, "FindingEvidence")
FindingEvidenceOrder = order_input("FindingEvidence")
