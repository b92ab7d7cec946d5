"""Relay plumbing: the Node interface, connections with keyset cursors and a ``totalCount``.

Nested connections are loaded for all parents at once: one windowed SELECT for the pages
(``row_number() OVER (PARTITION BY parent)``) and one grouped COUNT, whatever the number of
parents, so a request's statement count does not grow with the data.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from inspectnet.errors import ValidationFailed
from inspectnet.graphql.context import Info

NodeT = TypeVar("NodeT")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_CURSOR_PREFIX = "cursor:"


@strawberry.interface(description="An object with a global ID (Relay 节点)")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID")


@strawberry.type(description="Where a page stands in its list (分页信息)")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One item of a connection with its cursor")
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="A page of a list, with the total over the whole list")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Items in the whole list, after authorization (总数)")
    async def total_count(self) -> int:
        return await self._count()

    @strawberry.field(description="The page's items, without cursors")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{pk}".encode()).decode()


def decode_cursor(cursor: str, field: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_CURSOR_PREFIX) and text[len(_CURSOR_PREFIX) :].isdigit():
            return int(text[len(_CURSOR_PREFIX) :])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationFailed("无效的分页游标", code="INVALID_CURSOR", field=field)


@dataclass(frozen=True)
class PageArgs:
    """Validated ``first/after/last/before``; hashable, so it can key a DataLoader."""

    first: int | None
    after: int | None
    last: int | None
    before: int | None

    @classmethod
    def parse(
        cls, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> PageArgs:
        if first is not None and last is not None:
            raise ValidationFailed(
                "first 与 last 不能同时使用", code="INVALID_PAGINATION", field="last"
            )
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
                raise ValidationFailed(
                    f"{name} 应在0到{MAX_PAGE_SIZE}之间", code="PAGE_SIZE_OUT_OF_RANGE", field=name
                )
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        return cls(
            first=first,
            after=decode_cursor(after, "after") if after else None,
            last=last,
            before=decode_cursor(before, "before") if before else None,
        )

    @property
    def backwards(self) -> bool:
        return self.last is not None

    @property
    def size(self) -> int:
        return self.last if self.last is not None else (self.first or 0)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    has_more: bool


async def fetch_pages(
    session: AsyncSession, query: Select[Any], model: type[Any], page: PageArgs
) -> dict[Any, Page]:
    """Pages of ``query`` (rows of ``(model, parent_id)``) for every parent, in one statement."""
    if page.after is not None:
        query = query.where(model.id > page.after)
    if page.before is not None:
        query = query.where(model.id < page.before)
    order = model.id.desc() if page.backwards else model.id.asc()
    inner = query.add_columns(
        func.row_number()
        .over(partition_by=query.selected_columns.parent_id, order_by=order)
        .label("rn")
    ).subquery()
    entity = aliased(model, inner)
    stmt = (
        select(entity, inner.c.parent_id)
        .where(inner.c.rn <= page.size + 1)
        .order_by(inner.c.parent_id, inner.c.rn)
    )
    grouped: dict[Any, list[Any]] = {}
    for row, parent_id in (await session.execute(stmt)).all():
        grouped.setdefault(parent_id, []).append(row)
    pages: dict[Any, Page] = {}
    for parent_id, rows in grouped.items():
        has_more = len(rows) > page.size
        rows = rows[: page.size]
        if page.backwards:
            rows.reverse()
        pages[parent_id] = Page(rows, has_more)
    return pages


async def count_by_parent(session: AsyncSession, query: Select[Any]) -> dict[Any, int]:
    """``COUNT(*)`` of ``query`` per parent, in one statement."""
    inner = query.subquery()
    stmt = select(inner.c.parent_id, func.count()).group_by(inner.c.parent_id)
    return {parent: count for parent, count in (await session.execute(stmt)).all()}


def connection(
    info: Info,
    *,
    key: str,
    parent_id: Any,
    query: Callable[[list[Any]], Select[Any]],
    model: type[Any],
    convert: Callable[[Any], NodeT],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Awaitable[Connection[NodeT]]:
    """A connection of ``parent_id``'s items, batched with every sibling parent's.

    ``query(parent_ids)`` gives the readable rows as ``(model, parent_id)``; ``key`` names the
    relation so that loaders are shared exactly between identical fields.
    """
    ctx = info.context
    page = PageArgs.parse(first, after, last, before)

    async def load_pages(parent_ids: list[Any]) -> list[Page]:
        pages = await fetch_pages(ctx.session, query(parent_ids), model, page)
        return [pages.get(p, Page([], False)) for p in parent_ids]

    async def load_counts(parent_ids: list[Any]) -> list[int]:
        counts = await count_by_parent(ctx.session, query(parent_ids))
        return [counts.get(p, 0) for p in parent_ids]

    pages_loader = ctx.loader((key, "page", page), load_pages)
    count_loader = ctx.loader((key, "count"), load_counts)

    async def build() -> Connection[NodeT]:
        result: Page = await pages_loader.load(parent_id)
        edges = [Edge(cursor=encode_cursor(row.id), node=convert(row)) for row in result.rows]
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
