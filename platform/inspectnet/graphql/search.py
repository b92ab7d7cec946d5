"""``search(query:, types:, first:, after:)``: offices, targets and persons by name, in Chinese,
full pinyin or initials, always through the viewer's readable scope.

Hits are ranked (whole name, name start, pinyin start, initials start, anywhere; then by name,
type and id), and paged by a keyset over that ranking: each type asked is one statement
``WHERE key LIKE … AND (rank, name, type, id) > cursor ORDER BY … LIMIT n + 1``, and the
types' pages are merged. The cursor carries the query, so a cursor of another search is refused.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Awaitable
from typing import Any

import strawberry
from sqlalchemy import literal, tuple_

from inspectnet.authz.scopes import readable
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.nodes import node_entry
from inspectnet.graphql.relay import Node, PageInfo
from inspectnet.ids import cursor_of, key_of_cursor
from inspectnet.paging import MAX_PAGE_SIZE
from inspectnet.search import MAX_QUERY, matches, normalise, rank


class SearchType(enum.Enum):
    OFFICE = "Office"
    TARGET = "Target"
    PERSON = "Person"


labelled_enum(
    SearchType,
    {SearchType.OFFICE: "机构", SearchType.TARGET: "巡视巡察对象", SearchType.PERSON: "干部"},
    name="SearchType",
    description="What search looks through (搜索范围)",
)
_ORDINAL = {t: n for n, t in enumerate(SearchType)}


@strawberry.type(description="One object search found, with how well it matched (搜索结果)")
class SearchHit:
    cursor: str = strawberry.field(description="Opaque cursor for after (游标)")
    rank: int = strawberry.field(
        description=(
            "0 the whole name, 1 the name's start, 2 the pinyin's start, 3 the initials' "
            "start, 4 elsewhere in them (匹配程度)"
        )
    )
    node: Node = strawberry.field(description="The office, target or person (对象)")


@strawberry.type(description="A page of search hits, best first (搜索结果)")
class SearchResults:
    hits: list[SearchHit] = strawberry.field(description="The page's hits (结果)")
    page_info: PageInfo = strawberry.field(description="Where the page stands (分页信息)")


def _cursor(query: str, key: tuple[int, str, int, int]) -> str:
    rank_, name, ordinal, pk = key
    body = json.dumps([query, rank_, name, ordinal, cursor_of(pk)], ensure_ascii=False)
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def _key(cursor: str, query: str) -> tuple[int, str, int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        asked, rank_, name, ordinal, row = json.loads(raw)
        pk = key_of_cursor(row)
        valid = isinstance(rank_, int) and isinstance(name, str) and isinstance(ordinal, int)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        pk, valid, asked = None, False, None
    if pk is None or not valid:
        raise ValidationFailed("无效的分页游标", code="INVALID_CURSOR", field="after")
    if asked != query:
        raise ValidationFailed(
            "该游标属于另一次搜索；请不带游标重新搜索", code="CURSOR_ORDER_MISMATCH", field="after"
        )
    return rank_, name, ordinal, pk


def search(
    info: Info, query: str, types: list[SearchType] | None, first: int, after: str | None
) -> Awaitable[SearchResults]:
    """The readable offices, targets and persons whose name matches ``query``, best first.

    The arguments are checked before anything is awaited (a sync resolver returning the
    search): refused after sibling fields began their statements, the error would end the
    request while they still run on its session.
    """
    wanted = normalise(query)
    if not wanted or len(wanted) > MAX_QUERY:
        raise ValidationFailed(
            f"搜索词应为1到{MAX_QUERY}个字符", code="INVALID_QUERY", field="query"
        )
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            f"first 应在0到{MAX_PAGE_SIZE}之间", code="PAGE_SIZE_OUT_OF_RANGE", field="first"
        )
    start = _key(after, wanted) if after is not None else None
    return _search(info, wanted, types, first, after, start)


async def _search(
    info: Info,
    wanted: str,
    types: list[SearchType] | None,
    first: int,
    after: str | None,
    start: tuple[int, str, int, int] | None,
) -> SearchResults:
    ctx = info.context
    # Names are compared by code point in SQL as in the merge below, whatever the database's
    # locale: the types' pages are merged in Python, and the cursor bounds must agree with it.
    by_code_point = ctx.session.get_bind().dialect.name == "postgresql"
    found: list[tuple[tuple[int, str, int, int], Any]] = []
    for kind in dict.fromkeys(types or list(SearchType)):
        entry = node_entry(kind.value)
        assert entry is not None, kind  # every searchable type is a registered node
        model, convert = entry
        ranked = rank(model.search_key, model.name, wanted)
        name = model.name.collate("C") if by_code_point else model.name
        ordinal = literal(_ORDINAL[kind])
        stmt = readable(ctx.actor, model).where(matches(model.search_key, wanted))
        if hasattr(model, "archived_at"):
            stmt = stmt.where(model.archived_at.is_(None))  # archived: by node(id) and lists only
        if start is not None:
            stmt = stmt.where(tuple_(ranked, name, ordinal, model.id) > tuple_(*start))
        stmt = stmt.add_columns(ranked).order_by(ranked, name, model.id).limit(first + 1)
        for row, row_rank in (await ctx.session.execute(stmt)).all():
            found.append(((int(row_rank), row.name, _ORDINAL[kind], row.id), convert(row)))
    found.sort(key=lambda hit: hit[0])
    page = found[:first]
    hits = [SearchHit(cursor=_cursor(wanted, k), rank=k[0], node=node) for k, node in page]
    return SearchResults(
        hits=hits,
        page_info=PageInfo(
            has_next_page=len(found) > first,
            has_previous_page=after is not None,
            start_cursor=hits[0].cursor if hits else None,
            end_cursor=hits[-1].cursor if hits else None,
        ),
    )
