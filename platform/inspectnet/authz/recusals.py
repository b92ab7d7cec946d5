"""回避 (recusal): the door's deny keyed to a target, beating every allow a human holds anywhere.

A recusal names a platform-wide identity (``PersonIdentity``: every office's record of one
human), not an account: it is compiled, at each policy load, into one deny row per account of
every person record linked to the identity, ``p, user:N, *, *, *, *, target:T, *, deny``. The
row wildcards domain, relation, type and action, so it outweighs office admin and every other
role for every object whose target is T (``__authz_target_column__``). Linking a record made
later to the identity reloads the policy, so that record's accounts are covered too. Why a
recusal is owed (its grounds, the engine that finds them) is a later issue; this is its door.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.authz.models import PersonIdentity, Recusal
from inspectnet.authz.resources import model_of_type
from inspectnet.errors import Conflict, Forbidden, NotFound, ValidationFailed

REASON_MAX = 500


async def identity_of(session: AsyncSession, person_id: int) -> int:
    """The identity a person record belongs to (its own id until it is linked to another)."""
    found = await session.scalar(
        # system scope: identities are the door's own bookkeeping, read after the person was
        select(PersonIdentity.identity_id).where(PersonIdentity.person_id == person_id)
    )
    return int(found) if found is not None else person_id


async def _ensure_identity(session: AsyncSession, person_id: int) -> int:
    identity = await identity_of(session, person_id)
    if await session.get(PersonIdentity, person_id) is None:
        session.add(PersonIdentity(person_id=person_id, identity_id=identity))
    return identity


async def link_identity(
    session: AsyncSession, actor: Actor, *, person_id: int, same_as: int
) -> int:
    """Record that person record ``person_id`` is the same human as ``same_as``; its identity."""
    person_model = model_of_type("person")
    person = await get_readable(session, actor, person_model, person_id)
    other = await get_readable(session, actor, person_model, same_as)
    await require(session, actor, "update", person)
    await require(session, actor, "read", other)
    if await session.get(PersonIdentity, person_id) is not None:
        raise Conflict("该人员已关联身份", code="IDENTITY_ALREADY_LINKED")
    identity = await _ensure_identity(session, other.id)
    session.add(PersonIdentity(person_id=person.id, identity_id=identity))
    await session.flush()
    await record(
        session,
        actor,
        "identity.link",
        object_id=f"Person:{person.id}",
        detail={"identity": identity, "same_as": other.id},
        office_id=person.office_id,
    )
    await policy_changed(session, actor)  # the record's accounts now carry the identity's denies
    return identity


async def record_recusal(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    target_id: int,
    reason: str,
) -> Recusal:
    """Bar a human (every record and account of them) from everything of one target."""
    target = await get_readable(session, actor, model_of_type("target"), target_id)
    await require_in(session, actor, "create", Recusal, target.office_id)
    # The person may be another office's record: recusal is decided by the target's office.
    # system scope: the person is named, not read; only its identity is kept
    person = await session.get(model_of_type("person"), person_id)
    if person is None:
        raise NotFound()
    text = reason.strip()
    if not text or len(text) > REASON_MAX:
        raise ValidationFailed(
            f"回避理由须为1至{REASON_MAX}个字符", code="REASON_INVALID", field="reason"
        )
    identity = await _ensure_identity(session, person.id)
    active = await session.scalar(
        # system scope: one active recusal per human and target, whoever recorded it
        select(Recusal.id).where(
            Recusal.identity_id == identity,
            Recusal.target_id == target.id,
            Recusal.ended_at.is_(None),
        )
    )
    if active is not None:
        raise Conflict("该人员已对此对象回避", code="ALREADY_RECUSED")
    recusal = Recusal(
        office_id=target.office_id, identity_id=identity, target_id=target.id, reason=text
    )
    session.add(recusal)
    await session.flush()
    await record(
        session,
        actor,
        "recusal.record",
        object_id=f"Recusal:{recusal.id}",
        detail={"identity": identity, "target": target.id, "reason": text},
        office_id=target.office_id,
    )
    await policy_changed(session, actor)
    return recusal


async def end_recusal(session: AsyncSession, actor: Actor, *, recusal_id: int) -> Recusal:
    """End a recusal; never by the recused human themself."""
    recusal = await get_readable(session, actor, Recusal, recusal_id)
    await require(session, actor, "update", recusal)
    if recusal.ended_at is not None:
        raise Conflict("回避已结束", code="RECUSAL_ENDED")
    if actor.person_id is not None and await identity_of(session, actor.person_id) == (
        recusal.identity_id
    ):
        raise Forbidden("不得自行解除回避", code=Forbidden.default_code)
    recusal.ended_at = clock.now()
    await session.flush()
    await record(
        session,
        actor,
        "recusal.end",
        object_id=f"Recusal:{recusal.id}",
        detail={"identity": recusal.identity_id, "target": recusal.target_id},
        office_id=recusal.office_id,
    )
    await policy_changed(session, actor)
    return recusal
