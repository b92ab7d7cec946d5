"""GraphQL of a typed link (a clue's source, a finding's evidence): its kind and the record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.casework.links import BY_NAME, KINDS
from inspectnet.casework.models import ClueSource, FindingEvidence
from inspectnet.graphql.context import Info
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.relay import Node


@strawberry.type(
    name="CaseworkLink",
    description="A typed reference to a record: a clue's source or a finding's evidence (关联记录)",
)
class LinkType:
    kind: str = strawberry.field(
        description="What it names: " + ", ".join(f"{k.name} ({k.label})" for k in KINDS)
    )
    label: str = strawberry.field(description="The kind in Chinese (记录类别)")
    created_at: datetime = strawberry.field(description="When it was linked (关联时间)")
    ref_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: ClueSource | FindingEvidence) -> LinkType:
        kind = BY_NAME.get(row.kind)
        return cls(
            kind=row.kind,
            label=kind.label if kind else row.kind,
            created_at=row.created_at,
            ref_pk=row.ref_id,
        )

    @strawberry.field(description="The record, null if the viewer cannot read it (记录)")
    async def record(self, info: Info) -> Node | None:
        kind = BY_NAME.get(self.kind)
        return None if kind is None else await linked(info, kind.type_name, self.ref_pk)


def _link_filter(model: Any, name: str) -> Any:
    @strawberry.input(name=f"{name}Filter", description="Which links to list (关联记录筛选)")
    class LinkFilter:
        kind: str | None = strawberry.field(default=None, description="Kind (记录类别)")
        created_at: DateTimeRange | None = strawberry.field(
            default=None, description="Linked within (关联时间)"
        )

        def conditions(self) -> list[ColumnElement[bool]]:
            found: list[ColumnElement[bool]] = []
            if self.kind is not None:
                found.append(model.kind == self.kind)
            return each(found, created_in(self.created_at, model.created_at))

    return LinkFilter


ClueSourceFilter = _link_filter(ClueSource, "ClueSource")
ClueSourceOrder = order_input("ClueSource")
FindingEvidenceFilter = _link_filter(FindingEvidence, "FindingEvidence")
FindingEvidenceOrder = order_input("FindingEvidence")
