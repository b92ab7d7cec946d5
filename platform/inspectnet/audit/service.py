"""Writing the audit log: one hash-chained row per change, denial or confidential read."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.actor import Actor

GENESIS = "0" * 64
_CHAIN_LOCK = 0x1A5C_AD17  # PostgreSQL advisory lock key serialising the chain
_LAST_HASH = "inspectnet.audit.last_hash"


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The row's hash: over the previous row's hash and the row's own content."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor_user_id": entry.actor_user_id,
        "actor_name": entry.actor_name,
        "office_id": entry.office_id,
        "action": entry.action,
        "object_id": entry.object_id,
        "request_id": entry.request_id,
        "outcome": entry.outcome.value,
        "detail": entry.detail,
    }


async def _last_hash(session: AsyncSession) -> str:
    cached = session.info.get(_LAST_HASH)
    if cached is not None:
        return str(cached)
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = await session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    outcome: Outcome = Outcome.SUCCESS,
    office_id: int | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    entry = AuditEntry(
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        office_id=office_id,
        action=action,
        object_id=object_id,
        request_id=actor.request_id or None,
        outcome=outcome,
        detail=detail or {},
    )
    entry.prev_hash = await _last_hash(session)
    entry.hash = entry_hash(entry.prev_hash, hashed_fields(entry))
    session.add(entry)
    session.info[_LAST_HASH] = entry.hash
    return entry


def forget_chain_position(session: AsyncSession) -> None:
    """After a rollback the cached chain head may name a row that never was."""
    session.info.pop(_LAST_HASH, None)


async def record_denials(session: AsyncSession, actor: Actor) -> int:
    """Write (and forget) the refusals remembered on the actor during its request."""
    denials, actor.denials = actor.denials, []
    for denial in denials:
        await record(
            session,
            actor,
            f"{denial.object_type}.{denial.action}",
            outcome=Outcome.DENIED,
            office_id=denial.office_id,
            object_id=denial.object_id,
            detail={"code": denial.code},
        )
    return len(denials)


async def verify_chain(session: AsyncSession) -> int | None:
    """The id of the first entry whose hash does not follow from its predecessor, or None."""
    prev = GENESIS
    for entry in (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars():
        if entry.prev_hash != prev or entry.hash != entry_hash(prev, hashed_fields(entry)):
            return entry.id
        prev = entry.hash
    return None
