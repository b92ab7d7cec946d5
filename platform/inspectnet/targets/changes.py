"""Use cases that change a target or its roster (update, archive, remove a roster entry)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.changes import apply, snapshot
from inspectnet.ids import global_id_of
from inspectnet.people.models import Person
from inspectnet.targets.models import LeadershipPost, Target


async def _editable(session: AsyncSession, actor: Actor, target_id: int) -> Target:
    target = await get_readable(session, actor, Target, target_id)
    await require(session, actor, "update", target)
    return target


async def _audit(
    session: AsyncSession, actor: Actor, action: str, target: Target, detail: dict[str, Any]
) -> None:
    await record(
        session,
        actor,
        action,
        office_id=target.office_id,
        object_id=global_id_of(target),
        detail=detail,
    )


async def update_target(
    session: AsyncSession, actor: Actor, *, target_id: int, changes: Mapping[str, Any]
) -> Target:
    """Correct a target's name or region code, each checked as on create."""
    target = await _editable(session, actor, target_id)
    inputs = validation.Inputs()
    checked = inputs.changes(Target, changes)
    inputs.done()
    changed = apply(target, checked)
    await session.flush()
    await _audit(session, actor, "target.update", target, {"changed": changed})
    return target


async def archive_target(session: AsyncSession, actor: Actor, *, target_id: int) -> Target:
    """Archive a target: kept with its roster as evidence, gone from lists."""
    target = await _editable(session, actor, target_id)
    if target.archived_at is None:
        target.archived_at = clock.now()
        await session.flush()
        await _audit(session, actor, "target.archive", target, {})
    return target


async def _post(session: AsyncSession, actor: Actor, post_id: int) -> tuple[LeadershipPost, Target]:
    post = await get_readable(session, actor, LeadershipPost, post_id)
    return post, await _editable(session, actor, post.target_id)


async def update_leadership_post(
    session: AsyncSession, actor: Actor, *, post_id: int, changes: Mapping[str, Any]
) -> LeadershipPost:
    """Correct a roster entry (its person, post or dates), e.g. end a post that was left."""
    post, target = await _post(session, actor, post_id)
    inputs = validation.Inputs()
    checked = inputs.changes(LeadershipPost, changes)
    inputs.period(
        checked.get("started_on", post.started_on), checked.get("ended_on", post.ended_on)
    )
    inputs.done()
    if "person_id" in checked:
        checked["person_id"] = (await get_readable(session, actor, Person, checked["person_id"])).id
    changed = apply(post, checked)
    await session.flush()
    await _audit(session, actor, "target.roster.update", target, {"changed": changed})
    return post


async def remove_leadership_post(
    session: AsyncSession, actor: Actor, *, post_id: int
) -> LeadershipPost:
    """Remove a roster entry entered by mistake; its audit entry keeps what it held."""
    post, target = await _post(session, actor, post_id)
    kept = snapshot(post)
    await session.delete(post)
    await session.flush()
    await _audit(session, actor, "target.roster.remove", target, {"removed": kept})
    return post
