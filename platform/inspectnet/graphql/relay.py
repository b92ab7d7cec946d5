"""Relay plumbing: the Node interface and connections with keyset cursors and a ``totalCount``,
batched across sibling parents by per-request loaders (the SQL side is ``inspectnet.paging``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import ColumnElement, Select

from inspectnet.graphql.context import Info
from inspectnet.paging import (
    BY_ID,
    Children,
    Order,
    Page,
    PageArgs,
    count_by_parent,
    fetch_pages,
)

NodeT = TypeVar("NodeT")


@strawberry.interface(description="An object with a global ID (Relay 节点)")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID")


@strawberry.type(description="Where a page stands in its list (分页信息)")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page (有下一页)")
    has_previous_page: bool = strawberry.field(description="More items before this page (有上一页)")
    start_cursor: str | None = strawberry.field(
        description="Cursor of the page's first item, none when empty (起始游标)"
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item, none when empty (结束游标)"
    )


@strawberry.type(description="One item of a connection with its cursor")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque cursor for after/before (游标)")
    node: NodeT = strawberry.field(description="The item (节点)")


async def _total_count(root: Any) -> int:
    return await root._count()  # type: ignore[no-any-return]


@strawberry.type(description="A page of a list, with the total over the whole list")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page's items with cursors")
    page_info: PageInfo = strawberry.field(description="Where the page stands (分页信息)")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]
    # Declared as attributes, in this order, so that the SDL keeps totalCount before nodes.
    total_count: int = strawberry.field(
        resolver=_total_count, description="Items in the whole list, after authorization (总数)"
    )
    # A plain attribute, not a resolver: nested lists ask for it once per parent, and every
    # resolver call costs strawberry's info and argument plumbing.
    nodes: list[NodeT] = strawberry.field(
        description="The page's items, without cursors", default_factory=list
    )

    def __post_init__(self) -> None:
        if not self.nodes:
            self.nodes = [edge.node for edge in self.edges]


def connection(
    info: Info,
    *,
    key: str,
    parent_id: Any,
    query: Callable[[list[Any]], Children],
    convert: Callable[[Any], NodeT],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    order: Order = BY_ID,
    where: Sequence[ColumnElement[bool]] = (),
    where_key: Hashable = (),
) -> Awaitable[Connection[NodeT]]:
    """A connection of ``parent_id``'s items, batched with every sibling parent's.

    ``query(parent_ids)`` gives the readable children of those parents; ``key`` names the
    relation so that loaders are shared exactly between identical fields. ``order`` is the
    keyset the page follows; ``where`` narrows the list (a filter), and ``where_key`` says
    which filter it is, so siblings share a batch only under the same filter.
    """
    ctx = info.context
    page = PageArgs.parse(first, after, last, before, order)

    def narrowed(parent_ids: list[Any]) -> Children:
        found = query(parent_ids)
        return dataclasses.replace(found, query=found.query.where(*where)) if where else found

    async def load_pages(parent_ids: list[Any]) -> list[Page]:
        pages = await fetch_pages(ctx.session, narrowed(parent_ids), page, parent_ids)
        return [pages.get(p, Page([], False)) for p in parent_ids]

    async def load_counts(parent_ids: list[Any]) -> list[int]:
        counts = await count_by_parent(ctx.session, narrowed(parent_ids))
        return [counts.get(p, 0) for p in parent_ids]

    pages_loader = ctx.loader((key, "page", page, where_key), load_pages)
    count_loader = ctx.loader((key, "count", where_key), load_counts)

    async def build() -> Connection[NodeT]:
        result: Page = await pages_loader.load(parent_id)
        edges = [Edge(cursor=page.cursor_of(row), node=convert(row)) for row in result.rows]
        forward_more = result.has_more and not page.backwards
        backward_more = result.has_more and page.backwards
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=forward_more or (page.backwards and page.before is not None),
                has_previous_page=backward_more or (not page.backwards and page.after is not None),
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            _count=lambda: count_loader.load(parent_id),
        )

    return build()


def by_id_loader(
    info: Info, key: str, query: Callable[[list[int]], Select[Any]]
) -> Callable[[int], Awaitable[Any]]:
    """Load single related objects by id through a readable query (missing or hidden: None)."""
    ctx = info.context

    async def batch(ids: list[int]) -> list[Any]:
        rows = (await ctx.session.execute(query(ids))).scalars().all()
        found = {row.id: row for row in rows}
        return [found.get(i) for i in ids]

    return ctx.loader((key, "by_id"), batch).load
