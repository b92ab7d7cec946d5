"""Marking a change to the policy: the version stamp moves in the same transaction."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.models import PolicyState


async def policy_changed(session: AsyncSession, actor: Actor) -> None:
    """Call after a change to grants or policy rows; the request reloads after it commits."""
    await session.execute(
        update(PolicyState).where(PolicyState.id == 1).values(version=PolicyState.version + 1)
    )
    actor.policy_changed = True
