"""How the door sees the network: the relations its lines define between offices.

``subordinate`` / ``superior`` walk the leadership line, ``guided`` / ``guiding`` the guidance
line (业务指导, nmg-2016 §8(10), §16), both looked up in the closure loaded with the policy.
"""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.sources import OFFICE
from inspectnet.network.graph import Direction, NetworkIndex, load_index, reach_query
from inspectnet.network.models import LinkKind

# Where each relation's offices lie, seen from the actor's office.
WALKS: dict[str, tuple[LinkKind, Direction]] = {
    "subordinate": (LinkKind.LEADERSHIP, Direction.DOWN),
    "superior": (LinkKind.LEADERSHIP, Direction.UP),
    "guided": (LinkKind.GUIDANCE, Direction.DOWN),
    "guiding": (LinkKind.GUIDANCE, Direction.UP),
}


class NetworkRelations:
    """Offices related along the network's lines, from the closure table."""

    scope = OFFICE
    relations = tuple(WALKS)

    async def load(self, session: AsyncSession) -> NetworkIndex:
        return await load_index(session)

    def related(self, index: NetworkIndex, relation: str, root: int) -> frozenset[int]:
        kind, direction = WALKS[relation]
        return index.reach(root, kind, direction)

    def related_query(self, relation: str, root: int) -> Select[tuple[int]]:
        kind, direction = WALKS[relation]
        return reach_query(root, kind, direction)


SOURCES = (NetworkRelations(),)
