"""GraphQL of search within an inspection: ``Inspection.caseworkSearch(query:)``, the team's
full-text search over the interviews, clues and findings it may read (reports/search.py)."""

from __future__ import annotations

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.nodes import node_entry
from inspectnet.graphql.relay import Node
from inspectnet.ids import global_id
from inspectnet.reports import search


@strawberry.type(description="A record of the inspection that holds the searched text (搜索结果)")
class CaseworkSearchHit:
    type_name: str = strawberry.field(
        description="What it is: Interview, Clue or Finding (记录类别)"
    )
    record_id: strawberry.ID = strawberry.field(description="Its global ID (记录标识)")
    node: Node | None = strawberry.field(
        description="The record, for the types served as nodes; null for an interview until "
        "interviews are (记录)"
    )


async def casework_search(
    root: strawberry.Parent[object], info: Info, query: str
) -> list[CaseworkSearchHit]:
    """The interviews, clues and findings of this inspection the viewer may read whose text
    holds ``query``, newest first per kind, at most 50 of each."""
    ctx = info.context
    hits = await search.search_inspection(
        ctx.session,
        ctx.actor,
        inspection_id=root.pk,  # type: ignore[attr-defined]
        text=query,
    )
    found = []
    for hit in hits:
        entry = node_entry(hit.type_name)
        found.append(
            CaseworkSearchHit(
                type_name=hit.type_name,
                record_id=strawberry.ID(global_id(hit.type_name, hit.row.id)),
                node=entry[1](hit.row) if entry else None,
            )
        )
    return found


SEARCH_FIELD = strawberry.field(
    resolver=casework_search,
    description="Search the interviews, clues and findings the viewer may read, in Chinese, "
    "e.g. a two-character name (巡察组内检索)",
)
