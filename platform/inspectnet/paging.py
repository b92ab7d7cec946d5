"""Keyset pages of readable rows for many parents at once, and their counts.

Nested lists are loaded for all parents together: one windowed SELECT for the pages
(``row_number() OVER (PARTITION BY parent)``) and one grouped COUNT, whatever the number of
parents, so a request's statement count does not grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.errors import ValidationFailed
from inspectnet.ids import cursor_of, key_of_cursor

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Children:
    """Readable rows of ``model`` (``query`` selects them) and the parent each belongs to.

    The parent column is carried, not looked up in the query: finding it there makes
    SQLAlchemy build a proxy for every column of the model, which costs more than the query.
    """

    query: Select[Any]
    model: type[Any]
    parent: ColumnElement[Any]


def children(query: Select[Any], model: type[Any], parent: ColumnElement[Any]) -> Children:
    return Children(query, model, parent)


def top_level(query: Select[Any], model: type[Any]) -> Children:
    """A list with no parent (e.g. every readable office): one constant parent, 0."""
    return Children(query, model, literal(0))


def encode_cursor(pk: int) -> str:
    # Opaque like IDs (inspectnet.ids): a plain row id would count every tenant's rows.
    return cursor_of(pk)


def decode_cursor(cursor: str, field: str) -> int:
    key = key_of_cursor(cursor)
    if key is None:
        raise ValidationFailed("无效的分页游标", code="INVALID_CURSOR", field=field)
    return key


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


async def fetch_pages(session: AsyncSession, children: Children, page: PageArgs) -> dict[Any, Page]:
    """A page of children for every parent, in one statement."""
    query, model, parent = children.query, children.model, children.parent
    if page.after is not None:
        query = query.where(model.id > page.after)
    if page.before is not None:
        query = query.where(model.id < page.before)
    order = model.id.desc() if page.backwards else model.id.asc()
    # Number the rows per parent on ids alone, then join the rows themselves: cheaper to build
    # than adapting the whole entity onto a subquery.
    ranked = query.with_only_columns(
        model.id.label("row_id"),
        parent.label("parent_id"),
        func.row_number().over(partition_by=parent, order_by=order).label("rn"),
        maintain_column_froms=True,
    ).subquery()
    stmt = (
        select(model, ranked.c.parent_id)
        .join(ranked, model.id == ranked.c.row_id)
        .where(ranked.c.rn <= page.size + 1)
        .order_by(ranked.c.parent_id, ranked.c.rn)
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


async def count_by_parent(session: AsyncSession, children: Children) -> dict[Any, int]:
    """How many children each parent has, in one statement."""
    query, parent = children.query, children.parent
    stmt = query.with_only_columns(
        parent.label("parent_id"), func.count(), maintain_column_froms=True
    ).group_by(parent)
    return {parent_id: count for parent_id, count in (await session.execute(stmt)).all()}
