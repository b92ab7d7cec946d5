"""Writing the audit log: one keyed, chained row per change, denial or confidential read.

No global lock: each office has its own chain. On PostgreSQL a writer takes a transaction
advisory lock on its chain only (released at commit), so writers to different offices never
wait for each other; SQLite serialises writers anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, keyring
from inspectnet.audit.chain import GENESIS, Head, chain_of, content, seal
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.actor import Actor
from inspectnet.keyring import Purpose

# pg_advisory_xact_lock(int4, int4): this class id plus the chain number names one chain's lock.
CHAIN_LOCK_CLASS = 0x1A5C_AD17 & 0x7FFF_FFFF
_HEADS = "inspectnet.audit.heads"


@dataclass(frozen=True)
class Draft:
    """What an entry says, before it has a place in a chain."""

    at: datetime
    actor_user_id: int | None
    actor_name: str
    office_id: int | None
    action: str
    object_id: str | None
    request_id: str | None
    outcome: Outcome
    detail: dict[str, Any]


def _cached_heads(session: AsyncSession) -> dict[int, Head]:
    """Chain heads this transaction has read or written (its chain locks are held till commit)."""
    root = session.sync_session.get_transaction()
    found = session.info.get(_HEADS)
    if found is None or found[0] is not root:
        found = session.info[_HEADS] = (root, {})
    return found[1]  # type: ignore[no-any-return]


async def _head(session: AsyncSession, chain: int) -> Head:
    cached = _cached_heads(session).get(chain)
    if cached is not None:
        return cached
    if session.bind.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :chain)"),
            {"cls": CHAIN_LOCK_CLASS, "chain": chain},
        )
    # system scope: appending needs the chain's head, whoever the actor
    seq = await session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.chain == chain))
    if seq is None:
        return Head(0, GENESIS)
    last = await session.scalar(
        # system scope: appending needs the chain's head, whoever the actor
        select(AuditEntry.hash).where(AuditEntry.chain == chain, AuditEntry.seq == seq)
    )
    return Head(seq, str(last))


async def append(session: AsyncSession, draft: Draft) -> AuditEntry:
    """Seal ``draft`` as the next entry of its office's chain, in the caller's transaction."""
    key = keyring.active().current(Purpose.AUDIT)
    chain = chain_of(draft.office_id)
    head = await _head(session, chain)
    entry = AuditEntry(
        at=draft.at,
        actor_user_id=draft.actor_user_id,
        actor_name=draft.actor_name,
        office_id=draft.office_id,
        action=draft.action,
        object_id=draft.object_id,
        request_id=draft.request_id,
        outcome=draft.outcome,
        detail=draft.detail,
        chain=chain,
        seq=head.seq + 1,
        key_version=key.version,
        prev_hash=head.hash,
    )
    entry.hash = seal(key, head.hash, content(entry))
    session.add(entry)
    _cached_heads(session)[chain] = Head(entry.seq, entry.hash)
    return entry


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
    return await append(
        session,
        Draft(
            at=clock.now(),
            actor_user_id=actor.user_id,
            actor_name=actor.username,
            office_id=office_id,
            action=action,
            object_id=object_id,
            request_id=actor.request_id or None,
            outcome=outcome,
            detail=detail or {},
        ),
    )


def forget_chain_position(session: AsyncSession) -> None:
    """After a rollback the cached chain heads may name rows that never were."""
    session.info.pop(_HEADS, None)
