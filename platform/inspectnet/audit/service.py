"""Writing the audit log: one keyed, chained row per change, denial or confidential read.

No global lock: each office has its own chain. An entry is queued when it is recorded and
sealed into its chain when the transaction commits (or reads the log, or calls ``seal_pending``): only
then is each chain it touches locked, on PostgreSQL by a transaction advisory lock released at
commit, and always in ascending chain order. Two transactions that each write to the same two
offices therefore queue for the chains instead of holding one each and waiting for the other
(the deadlock concurrent link proposals found). SQLite serialises writers anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.util import find_tables

from inspectnet import clock, keyring
from inspectnet.audit.chain import GENESIS, Head, chain_of, content, seal
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.actor import Actor
from inspectnet.keyring import Purpose

# pg_advisory_xact_lock(int4, int4): this class id plus the chain number names one chain's lock.
CHAIN_LOCK_CLASS = 0x1A5C_AD17 & 0x7FFF_FFFF
_PENDING = "inspectnet.audit.unsealed"


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


# An entry waiting for its place, with the (sub)transaction it was recorded in: a rolled-back
# savepoint takes its entries with it.
_Queued = tuple[SessionTransaction | None, AuditEntry]


def _queue(session: Session) -> list[_Queued]:
    return session.info.setdefault(_PENDING, [])  # type: ignore[no-any-return]


async def append(session: AsyncSession, draft: Draft) -> AuditEntry:
    """Queue ``draft`` in the caller's transaction; its chain position is set when sealed."""
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
        chain=chain_of(draft.office_id),
    )
    sync = session.sync_session
    _queue(sync).append((sync.get_nested_transaction() or sync.get_transaction(), entry))
    return entry


async def seal_pending(session: AsyncSession) -> None:
    """Give every queued entry its place now (what a commit does), e.g. to read them back."""
    await session.run_sync(_seal)


def _seal(session: Session) -> None:
    queued = session.info.pop(_PENDING, None)
    if not queued:
        return
    # Lock every chain first, in one order for every writer, so no two wait on each other;
    # then place the entries in the order they were recorded (their ids follow it).
    heads = {chain: _head(session, chain) for chain in sorted({e.chain for _, e in queued})}
    key = keyring.active().current(Purpose.AUDIT)
    for _, entry in queued:
        head = heads[entry.chain]
        entry.seq = head.seq + 1
        entry.key_version = key.version
        entry.prev_hash = head.hash
        entry.hash = seal(key, head.hash, content(entry))
        session.add(entry)
        heads[entry.chain] = Head(entry.seq, entry.hash)


def _head(session: Session, chain: int) -> Head:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :chain)"),
            {"cls": CHAIN_LOCK_CLASS, "chain": chain},
        )
    # system scope: sealing needs the chain's head, whoever the actor
    seq = session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.chain == chain))
    if seq is None:
        return Head(0, GENESIS)
    last = session.scalar(
        # system scope: sealing needs the chain's head, whoever the actor
        select(AuditEntry.hash).where(AuditEntry.chain == chain, AuditEntry.seq == seq)
    )
    return Head(seq, str(last))


@event.listens_for(Session, "before_commit")
def _seal_at_commit(session: Session) -> None:
    # A savepoint's release is a commit too; its entries wait for the transaction's own.
    if session.get_nested_transaction() is None:
        _seal(session)


@event.listens_for(Session, "do_orm_execute")
def _seal_before_reading(state: ORMExecuteState) -> None:
    # Read your own writes: a transaction that queries the log sees what it recorded.
    queued = state.is_select and state.session.info.get(_PENDING)
    if queued and AuditEntry.__table__ in find_tables(state.statement, include_crud=True):
        _seal(state.session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    queued = session.info.get(_PENDING)
    if queued:
        queued[:] = [(t, e) for t, e in queued if not _within(t, previous)]


def _within(recorded: SessionTransaction | None, ended: SessionTransaction) -> bool:
    """Whether an entry recorded in ``recorded`` goes with the rollback of ``ended``."""
    if ended.parent is None:  # the transaction itself ended: everything goes
        return True
    found: SessionTransaction | None = recorded
    while found is not None:
        if found is ended:
            return True
        found = found.parent
    return False


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
