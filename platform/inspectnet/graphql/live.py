"""Subscriptions for domains: events in, objects re-read through the door out.

A subscription resolver is ``async for row in deliveries(info, topic, load): yield T(row)``.
Each event on the bus is only a hint (ids); at delivery the subscriber is signed in again
(its token checked, its account still active, the policy snapshot current: reloaded if the
database's policy version moved) and the object is read through ``readable`` by ``load``.
So a subscriber whose access was revoked since it subscribed receives nothing, and an event
for a row that was rolled back or deleted delivers nothing either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info as StrawberryInfo

from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.events import EventBus, LiveEvent

T = TypeVar("T")


@dataclass
class LiveContext:
    """A subscription's context: no open session, only the means to open one per delivery."""

    database: Database
    bus: EventBus
    user_id: int
    request_id: str
    # Signs the connection's caller in again inside ``session`` (UNAUTHENTICATED if it may not).
    sign_in: Callable[[AsyncSession, str], Awaitable[Actor]]


LiveInfo = StrawberryInfo[LiveContext, None]


async def deliveries(
    info: LiveInfo,
    topic: str,
    load: Callable[[AsyncSession, Actor, int], Awaitable[T | None]],
) -> AsyncIterator[T]:
    """The viewer's ``topic`` events, each re-read by ``load(session, actor, object_id)``."""
    ctx = info.context
    async with ctx.bus.subscribe(ctx.user_id, topic) as events:
        async for event in events:
            found = await _reread(ctx, event, load)
            if found is not None:
                yield found


async def _reread(
    ctx: LiveContext,
    event: LiveEvent,
    load: Callable[[AsyncSession, Actor, int], Awaitable[T | None]],
) -> T | None:
    async with ctx.database.session() as session:
        actor = await ctx.sign_in(session, f"{ctx.request_id}-{event.object_id}")
        return await load(session, actor, event.object_id)
