"""How the office owning an object stands to an office where the actor holds a role.

The relation is part of every Casbin request (``rel``), so that a policy row can say, e.g.,
that an office admin reads the targets of subordinate offices but not their people.

Relations are looked up in the network's closure (``network.graph.NetworkIndex``), loaded with
the policy snapshot: no statement walks a line, and an actor's office sets are computed once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlalchemy import Select

from inspectnet.network.graph import Direction, NetworkIndex, reach_query
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


def offices_in_relation(network: NetworkIndex, relation: Relation, root: int) -> frozenset[int]:
    """The offices standing in ``relation`` to office ``root``."""
    if relation is Relation.SELF:
        return frozenset((root,))
    kind, direction = _WALKS[relation]
    return network.reach(root, kind, direction)


def offices_in_relation_query(relation: Relation, root: int) -> Select[tuple[int]] | list[int]:
    """The same offices looked up in the closure table: for sets too large to bind as values."""
    if relation is Relation.SELF:
        return [root]
    kind, direction = _WALKS[relation]
    return reach_query(root, kind, direction)


def relations_to(
    network: NetworkIndex, office_id: int, actor_offices: Iterable[int]
) -> dict[int, set[Relation]]:
    """For each of the actor's offices, how ``office_id`` stands to it (no statement)."""
    return {
        office: {r for r in Relation if office_id in offices_in_relation(network, r, office)}
        for office in set(actor_offices)
    }
