"""Offices and regions of offices, made through the network service as the system."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.network import service
from inspectnet.network.models import LinkKind, Office, OfficeKind

_serial = itertools.count(1)


async def make_office(
    session: AsyncSession,
    actor: Actor,
    *,
    superior: Office | None = None,
    kind: OfficeKind = OfficeKind.PATROL_OFFICE,
    ruleset_id: str = "nmg-2016",
    name: str | None = None,
    region_code: str = "150000",
) -> Office:
    """An office (filing to ``superior`` when given) with a code no other test uses."""
    n = next(_serial)
    return await service.create_office(
        session,
        actor,
        code=f"test.o{n}",
        name=name or f"测试机构{n}",
        kind=kind,
        region_code=region_code,
        ruleset_id=ruleset_id,
        superior_id=superior.id if superior else None,
    )


async def make_network(
    session: AsyncSession, actor: Actor, size: int, fanout: int = 12
) -> list[Office]:
    """A root and ``size - 1`` offices below it, breadth first, ``fanout`` per office."""
    root = await make_office(session, actor, kind=OfficeKind.REGIONAL_OFFICE)
    offices, frontier = [root], [root]
    while len(offices) < size:
        parent = frontier.pop(0)
        for _ in range(min(fanout, size - len(offices))):
            child = await make_office(session, actor, superior=parent)
            offices.append(child)
            frontier.append(child)
    return offices


@dataclass(frozen=True)
class Region:
    """A top office, the offices filing to it, and the offices filing to each of those.

    Shaped like the demo's 自治区巡视办 → 盟市联络组 → 旗县巡察办, but of the test's own: a
    region sees nothing of another region (or of the demo), so counts are the test's to state.
    """

    top: Office
    subordinates: tuple[Office, ...]
    below: dict[int, tuple[Office, ...]] = field(default_factory=dict)

    def counties(self, office: Office) -> tuple[Office, ...]:
        """The offices filing to ``office`` (one of ``subordinates``)."""
        return self.below.get(office.id, ())

    @property
    def offices(self) -> tuple[Office, ...]:
        """Every office of the region, superiors before subordinates."""
        return (
            self.top,
            *self.subordinates,
            *(o for s in self.subordinates for o in self.counties(s)),
        )


async def make_region(
    session: AsyncSession,
    actor: Actor,
    *,
    subordinates: int = 2,
    counties: int = 0,
    ruleset_id: str = "nmg-2016",
    guided: bool = False,
) -> Region:
    """A regional office with ``subordinates`` liaison bodies, each over ``counties`` offices.

    ``guided`` adds the guidance line (业务指导, nmg-2016 §8(10)) from the top to each liaison
    body beside the leadership line, as the demo has.
    """
    top = await make_office(session, actor, kind=OfficeKind.REGIONAL_OFFICE, ruleset_id=ruleset_id)
    middle: list[Office] = []
    below: dict[int, tuple[Office, ...]] = {}
    for _ in range(subordinates):
        office = await make_office(
            session, actor, superior=top, kind=OfficeKind.LIAISON_BODY, ruleset_id=ruleset_id
        )
        if guided:
            await service.link_offices(
                session, actor, kind=LinkKind.GUIDANCE, superior_id=top.id, subordinate_id=office.id
            )
        middle.append(office)
        below[office.id] = tuple(
            [
                await make_office(session, actor, superior=office, ruleset_id=ruleset_id)
                for _ in range(counties)
            ]
        )
    return Region(top, tuple(middle), below)
