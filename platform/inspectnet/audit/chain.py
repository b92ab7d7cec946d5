"""The keyed hash chain: how an entry is sealed, and how a chain is checked.

An entry's ``hash`` is HMAC-SHA256, under the audit key version the entry names, of the
previous entry's hash in the same chain and the entry's canonical content (which includes its
chain, its position ``seq`` and the key version). Without the key nobody can make a row that
checks, so a deleted, edited, reordered or re-hashed row shows at the first link it breaks.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import keyring
from inspectnet.audit.models import PLATFORM_CHAIN, AuditEntry, Outcome
from inspectnet.keyring import Key, KeyringError, Purpose

GENESIS = "0" * 64
_BATCH = 1000


def chain_of(office_id: int | None) -> int:
    """The chain an entry concerning ``office_id`` belongs to."""
    return PLATFORM_CHAIN if office_id is None else office_id


def content(entry: AuditEntry) -> dict[str, Any]:
    """What the MAC covers: everything an entry says, its place and its key version."""
    return {
        "at": entry.at.astimezone(UTC).isoformat(),
        "actor_user_id": entry.actor_user_id,
        "actor_name": entry.actor_name,
        "office_id": entry.office_id,
        "action": entry.action,
        "object_id": entry.object_id,
        "request_id": entry.request_id,
        "outcome": Outcome(entry.outcome).value,
        "detail": entry.detail,
        "chain": entry.chain,
        "seq": entry.seq,
        "key_version": entry.key_version,
    }


def seal(key: Key, prev_hash: str, fields: dict[str, Any]) -> str:
    """The entry's hash: HMAC over the previous hash and the canonical content."""
    payload = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return key.mac(f"{prev_hash}|{payload}".encode()).hex()


@dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold."""

    chain: int
    seq: int
    reason: str

    @property
    def office(self) -> str:
        return "platform" if self.chain == PLATFORM_CHAIN else f"office {self.chain}"

    def __str__(self) -> str:
        return f"{self.office}, seq {self.seq}: {self.reason}"


@dataclass(frozen=True)
class Head:
    """Where a chain ends: its last seq and that entry's hash."""

    seq: int
    hash: str


def _key(version: int, cache: dict[int, Key]) -> Key:
    if version not in cache:
        cache[version] = keyring.active().version(Purpose.AUDIT, version)
    return cache[version]


def check_entry(entry: AuditEntry, prev: Head, keys: dict[int, Key]) -> tuple[int, str] | None:
    """The seq and reason of the link ``entry`` breaks after ``prev``, or None when it holds."""
    if entry.seq != prev.seq + 1:
        return prev.seq + 1, f"missing (the next entry present is seq {entry.seq})"
    if not _equal(entry.prev_hash, prev.hash):
        return entry.seq, "does not link to the entry before it"
    try:
        key = _key(entry.key_version, keys)
    except KeyringError:
        return entry.seq, f"audit key version {entry.key_version} is not in the keyring"
    if not _equal(entry.hash, seal(key, entry.prev_hash, content(entry))):
        return (
            entry.seq,
            "content does not match its hash (edited, moved or sealed without the key)",
        )
    return None


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


async def _entries(session: AsyncSession, chain: int, after_seq: int) -> AsyncIterator[AuditEntry]:
    """A chain's entries past ``after_seq`` in seq order, read in pages."""
    last = after_seq
    while True:
        page = list(
            (
                await session.execute(
                    # system scope: verifying a chain reads every entry of it, as the platform
                    select(AuditEntry)
                    .where(AuditEntry.chain == chain, AuditEntry.seq > last)
                    .order_by(AuditEntry.seq)
                    .limit(_BATCH)
                )
            ).scalars()
        )
        for entry in page:
            yield entry
        if len(page) < _BATCH:
            return
        last = page[-1].seq
        for entry in page:
            session.expunge(entry)  # a long chain is read in pages, not held in memory


async def verify_chain(
    session: AsyncSession, chain: int, start: Head | None = None
) -> tuple[Head, Break | None]:
    """Walk ``chain`` from ``start`` (default: its beginning) to its head.

    Returns the head reached and the first broken link, if any. ``start`` is a checkpointed
    head: the entry at its seq must still carry its hash.
    """
    keys: dict[int, Key] = {}
    prev = start or Head(0, GENESIS)
    if start is not None and start.seq > 0:
        pinned = await session.scalar(
            # system scope: verifying a chain reads every entry of it, as the platform
            select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == start.seq)
        )
        if pinned is None:
            return prev, Break(chain, start.seq, "checkpointed entry is missing")
        if not _equal(pinned.hash, start.hash):
            return prev, Break(chain, start.seq, "checkpointed entry's hash has changed")
        problem = check_entry(pinned, Head(start.seq - 1, pinned.prev_hash), keys)
        if problem is not None:
            return prev, Break(chain, *problem)
    async for entry in _entries(session, chain, prev.seq):
        problem = check_entry(entry, prev, keys)
        if problem is not None:
            return prev, Break(chain, *problem)
        prev = Head(entry.seq, entry.hash)
    return prev, None


async def chains(session: AsyncSession) -> list[int]:
    """Every chain the table holds."""
    # system scope: the verifier walks every office's chain, as the platform
    return list((await session.execute(select(AuditEntry.chain).distinct())).scalars())
