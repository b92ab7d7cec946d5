"""Walking the network's lines in SQL: recursive CTEs, so a walk is one statement at any size."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlalchemy import CTE, Alias, ColumnElement, Integer, Select, Table, literal_column, select

from inspectnet.network.models import LinkKind, OfficeLink

_LINKS: Table = OfficeLink.__table__  # type: ignore[assignment]


class Direction(enum.StrEnum):
    DOWN = "DOWN"  # towards subordinates
    UP = "UP"  # towards superiors


def reachable(
    roots: Iterable[int] | Select[tuple[int]],
    kind: LinkKind,
    direction: Direction,
    *,
    max_depth: int | None = None,
    name: str | None = None,
) -> CTE:
    """Offices reachable from ``roots`` along one line: columns ``root_id, office_id, depth``.

    Depth 1 is a direct link. Lines are kept acyclic, so the recursion ends; ``max_depth``
    bounds it further.
    """
    # Core aliases (cheap to build, unlike ORM ones), anonymous so one statement can hold
    # several walks.
    first = _LINKS.alias()
    src, dst = _ends(first, direction)
    base = select(
        src.label("root_id"),
        dst.label("office_id"),
        literal_column("1", Integer).label("depth"),
    ).where(first.c.kind == kind.value, src.in_(roots))
    cte = base.cte(name, recursive=True)
    step_link = _LINKS.alias()
    step_src, step_dst = _ends(step_link, direction)
    # An explicit JOIN, not a WHERE equality: SQLAlchemy's FROM linter takes the latter for a
    # cartesian product when the walk sits inside a LATERAL page (inspectnet.paging).
    step = (
        select(cte.c.root_id, step_dst, cte.c.depth + 1)
        .select_from(cte.join(step_link, step_src == cte.c.office_id))
        .where(step_link.c.kind == kind.value)
    )
    if max_depth is not None:
        step = step.where(cte.c.depth < max_depth)
    return cte.union(step)


def reachable_ids(
    roots: Iterable[int] | Select[tuple[int]], kind: LinkKind, direction: Direction
) -> Select[tuple[int]]:
    """Just the office ids reachable from ``roots`` (for ``IN`` predicates)."""
    cte = reachable(roots, kind, direction)
    return select(cte.c.office_id)


def _ends(link: Alias, direction: Direction) -> tuple[ColumnElement[int], ColumnElement[int]]:
    if direction is Direction.DOWN:
        return link.c.superior_id, link.c.subordinate_id
    return link.c.subordinate_id, link.c.superior_id
