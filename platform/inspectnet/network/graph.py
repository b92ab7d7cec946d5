"""The network's lines as a closure table: reads look relations up, never walk a line.

``office_reach`` holds, for each line, every (ancestor, descendant) pair with the length of the
shortest path between them. The link mutations keep it: a new link adds its pairs
incrementally, an unlink recomputes the line. Changes to a line are serialised (an advisory
lock on PostgreSQL, the write transaction's ``BEGIN IMMEDIATE`` on SQLite), so the cycle check
and the write see the same line and no race can close a loop.
"""

from __future__ import annotations

import enum
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.network.models import LinkKind, OfficeLink, OfficeReach

# PostgreSQL advisory lock keys, one per line (see _lock_line).
_LINE_LOCK_BASE = 0x0FF1_CE00
_LINE_LOCK = {LinkKind.LEADERSHIP: _LINE_LOCK_BASE + 1, LinkKind.GUIDANCE: _LINE_LOCK_BASE + 2}

Pairs = dict[tuple[int, int], int]  # (ancestor, descendant) -> shortest depth


class Direction(enum.StrEnum):
    DOWN = "DOWN"  # towards subordinates
    UP = "UP"  # towards superiors


@dataclass(frozen=True)
class NetworkIndex:
    """Both lines' closures in memory, loaded with the policy snapshot and shared by requests.

    A link change bumps the policy version, so every replica reloads it before it decides again.
    """

    below: Mapping[LinkKind, Mapping[int, frozenset[int]]] = field(default_factory=dict)
    above: Mapping[LinkKind, Mapping[int, frozenset[int]]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[LinkKind, int, int]]) -> NetworkIndex:
        below: dict[LinkKind, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        above: dict[LinkKind, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        for kind, ancestor, descendant in rows:
            below[LinkKind(kind)][ancestor].add(descendant)
            above[LinkKind(kind)][descendant].add(ancestor)
        return cls(
            below={k: {o: frozenset(s) for o, s in m.items()} for k, m in below.items()},
            above={k: {o: frozenset(s) for o, s in m.items()} for k, m in above.items()},
        )

    def reach(self, office_id: int, kind: LinkKind, direction: Direction) -> frozenset[int]:
        """Every office below (DOWN) or above (UP) ``office_id`` on one line."""
        table = self.below if direction is Direction.DOWN else self.above
        return table.get(kind, {}).get(office_id, frozenset())


async def load_index(session: AsyncSession) -> NetworkIndex:
    """The whole closure of both lines (one statement)."""
    rows = await session.execute(
        select(OfficeReach.kind, OfficeReach.ancestor_id, OfficeReach.descendant_id)
    )
    return NetworkIndex.from_rows(rows.all())


def reach_query(office_id: int, kind: LinkKind, direction: Direction) -> Select[tuple[int]]:
    """``NetworkIndex.reach`` as a closure lookup in SQL (one index range, no walk)."""
    query = reach_ids([office_id], kind, direction)
    return query.with_only_columns(query.selected_columns.office_id)


def reach_ids(
    roots: Iterable[int], kind: LinkKind, direction: Direction, *, max_depth: int | None = None
) -> Select[tuple[int, int]]:
    """``(root_id, office_id)`` for offices within ``max_depth`` links of ``roots`` (one lookup)."""
    if direction is Direction.DOWN:
        root, other = OfficeReach.ancestor_id, OfficeReach.descendant_id
    else:
        root, other = OfficeReach.descendant_id, OfficeReach.ancestor_id
    query = select(root.label("root_id"), other.label("office_id")).where(
        OfficeReach.kind == kind, root.in_(list(roots))
    )
    if max_depth is not None:
        query = query.where(OfficeReach.depth <= max_depth)
    return query


def within(column: Any, office_id: int, kind: LinkKind = LinkKind.LEADERSHIP) -> Any:
    """``column`` names ``office_id`` or an office below it on a line (the office subtree)."""
    below = select(OfficeReach.descendant_id).where(
        OfficeReach.kind == kind, OfficeReach.ancestor_id == office_id
    )
    return or_(column == office_id, column.in_(below))


async def lock_line(session: AsyncSession, kind: LinkKind) -> None:
    """Serialise changes to one line until the transaction ends.

    On PostgreSQL an advisory transaction lock; on SQLite the request's write transaction
    (``BEGIN IMMEDIATE``) already holds the database's only write lock.
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LINE_LOCK[kind]})


async def reaches(session: AsyncSession, kind: LinkKind, ancestor: int, descendant: int) -> bool:
    """Whether ``descendant`` lies below ``ancestor`` on one line."""
    found = await session.scalar(
        select(OfficeReach.depth).where(
            OfficeReach.kind == kind,
            OfficeReach.ancestor_id == ancestor,
            OfficeReach.descendant_id == descendant,
        )
    )
    return found is not None


async def add_link(session: AsyncSession, kind: LinkKind, superior: int, subordinate: int) -> None:
    """Add the pairs a new link superior → subordinate creates (the caller holds the line lock)."""
    ups: dict[int, int] = {superior: 0}
    ups.update(
        (
            await session.execute(
                select(OfficeReach.ancestor_id, OfficeReach.depth).where(
                    OfficeReach.kind == kind, OfficeReach.descendant_id == superior
                )
            )
        ).all()
    )
    downs: dict[int, int] = {subordinate: 0}
    downs.update(
        (
            await session.execute(
                select(OfficeReach.descendant_id, OfficeReach.depth).where(
                    OfficeReach.kind == kind, OfficeReach.ancestor_id == subordinate
                )
            )
        ).all()
    )
    wanted: Pairs = {(a, d): da + 1 + dd for a, da in ups.items() for d, dd in downs.items()}
    existing: Pairs = {
        (a, d): depth
        for a, d, depth in (
            await session.execute(
                select(OfficeReach.ancestor_id, OfficeReach.descendant_id, OfficeReach.depth).where(
                    OfficeReach.kind == kind,
                    OfficeReach.ancestor_id.in_(list(ups)),
                    OfficeReach.descendant_id.in_(list(downs)),
                )
            )
        ).all()
    }
    merged = {pair: min(depth, existing.get(pair, depth)) for pair, depth in wanted.items()}
    await _apply(session, kind, merged, existing, prune=False)


async def recompute_line(session: AsyncSession, kind: LinkKind) -> None:
    """Rebuild one line's closure from its links (after an unlink; the caller holds the lock)."""
    links = (
        await session.execute(
            select(OfficeLink.superior_id, OfficeLink.subordinate_id).where(OfficeLink.kind == kind)
        )
    ).all()
    wanted = closure_of(links)
    existing: Pairs = {
        (a, d): depth
        for a, d, depth in (
            await session.execute(
                select(OfficeReach.ancestor_id, OfficeReach.descendant_id, OfficeReach.depth).where(
                    OfficeReach.kind == kind
                )
            )
        ).all()
    }
    await _apply(session, kind, wanted, existing, prune=True)


def closure_of(links: Iterable[tuple[int, int]]) -> Pairs:
    """Every reachable pair of a DAG's links with its shortest depth (breadth first)."""
    children: dict[int, list[int]] = defaultdict(list)
    for superior, subordinate in links:
        children[superior].append(subordinate)
    pairs: Pairs = {}
    for root in list(children):
        seen = {root: 0}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for child in children.get(node, ()):
                if child not in seen:
                    seen[child] = seen[node] + 1
                    queue.append(child)
        pairs.update({(root, o): d for o, d in seen.items() if o != root})
    return pairs


async def _apply(
    session: AsyncSession, kind: LinkKind, wanted: Pairs, existing: Pairs, *, prune: bool
) -> None:
    """Make the table hold ``wanted``; with ``prune``, drop the pairs it no longer has."""
    table = OfficeReach.__table__
    rows = [
        {"kind": kind, "ancestor_id": a, "descendant_id": d, "depth": depth}
        for (a, d), depth in wanted.items()
        if existing.get((a, d)) != depth
    ]
    new = [r for r in rows if (r["ancestor_id"], r["descendant_id"]) not in existing]
    changed = [r for r in rows if (r["ancestor_id"], r["descendant_id"]) in existing]
    gone = [
        {"k": kind.value, "a": a, "d": d} for a, d in existing if prune and (a, d) not in wanted
    ]
    if new:
        await session.execute(insert(OfficeReach), new)
    if changed:
        # ORM bulk UPDATE by primary key (kind, ancestor, descendant): one executemany.
        await session.execute(update(OfficeReach), changed)
    if gone:
        await session.execute(
            table.delete().where(
                table.c.kind == bindparam("k"),
                table.c.ancestor_id == bindparam("a"),
                table.c.descendant_id == bindparam("d"),
            ),
            gone,
        )
