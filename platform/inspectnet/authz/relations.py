"""How the office owning an object stands to an office where the actor holds a role.

The relation is part of every Casbin request (``rel``), so that a policy row can say, e.g.,
that an office admin reads the targets of subordinate offices but not their people.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.network.graph import Direction, reachable, reachable_ids
from inspectnet.network.models import LinkKind


class Relation(enum.StrEnum):
    SELF = "self"  # the object belongs to the actor's office
    SUBORDINATE = "subordinate"  # ... to an office below it on the leadership line
    SUPERIOR = "superior"  # ... to an office above it on the leadership line
    GUIDED = "guided"  # ... to an office it guides (业务指导)
    GUIDING = "guiding"  # ... to an office that guides it


# Where each relation's offices lie, seen from the actor's office.
_WALKS: dict[Relation, tuple[LinkKind, Direction]] = {
    Relation.SUBORDINATE: (LinkKind.LEADERSHIP, Direction.DOWN),
    Relation.SUPERIOR: (LinkKind.LEADERSHIP, Direction.UP),
    Relation.GUIDED: (LinkKind.GUIDANCE, Direction.DOWN),
    Relation.GUIDING: (LinkKind.GUIDANCE, Direction.UP),
}


def offices_in_relation(relation: Relation, roots: list[int]) -> Select[tuple[int]] | list[int]:
    """The offices standing in ``relation`` to any of ``roots``: a list or a subquery."""
    if relation is Relation.SELF:
        return roots
    kind, direction = _WALKS[relation]
    return reachable_ids(roots, kind, direction)


async def relations_to(
    session: AsyncSession, office_id: int, actor_offices: Iterable[int]
) -> dict[int, set[Relation]]:
    """For each of the actor's offices, how ``office_id`` stands to it (one statement)."""
    offices = set(actor_offices)
    found: dict[int, set[Relation]] = {o: set() for o in offices}
    if office_id in offices:
        found[office_id].add(Relation.SELF)
    others = offices - {office_id}
    if not others:
        return found
    parts: list[Select[tuple[str, int]]] = []
    for relation, (kind, direction) in _WALKS.items():
        # The object's office is subordinate to A  <=>  A is reachable upwards from it.
        back = Direction.UP if direction is Direction.DOWN else Direction.DOWN
        cte = reachable([office_id], kind, back)
        label: ColumnElement[str] = literal(relation.value)
        parts.append(select(label, cte.c.office_id).where(cte.c.office_id.in_(others)))
    for relation_value, actor_office in (await session.execute(union_all(*parts))).all():
        found[actor_office].add(Relation(relation_value))
    return found
