"""The denial outbox: refusals are written after the response, in their own transactions.

A request only remembers what it refused (``refusals``: in memory, no SQL). The outbox takes
those when the request ends and a background task (started in the app's lifespan) writes them,
in one transaction per chain, retrying on failure. So a denial never fails, delays or changes
the response, and a hidden object and a missing one cost the request exactly the same: whether
a refused read concerned an existing object, and which office it belongs to, is looked up here,
off the request path. Only a refused read of an object that exists is recorded (a miss is not
an event).

What cannot be written is counted in ``inspectnet_audit_denials_lost_total`` by reason:
``overflow`` (the queue is full), ``write_failed`` (the retries ran out; the entries are logged
in full) and ``crash``, counted from the spools of workers that are gone (``spool``). A machine
crash can lose the unsynced tail of a spool too.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inspectnet.audit.chain import chain_of
from inspectnet.audit.refusals import Pending, resolve
from inspectnet.audit.service import Draft, append
from inspectnet.audit.spool import Spool, json_default
from inspectnet.db import Database
from inspectnet.observability.metrics import (
    AUDIT_DENIALS_LOST,
    AUDIT_DENIALS_WRITTEN,
    AUDIT_OUTBOX_PENDING,
)
from inspectnet.settings import Settings

log = logging.getLogger("inspectnet.audit")


@dataclass
class Outbox:
    """An in-process queue of refusals, written by a background task or by ``flush``."""

    database: Database
    capacity: int = 10_000
    retries: int = 5
    retry_delay: float = 0.05
    linger: float = 0.05
    spool_dir: Path | None = None
    _items: deque[tuple[int, Pending]] = field(default_factory=deque, init=False)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False)
    _spool: Spool | None = field(default=None, init=False)
    _stopping: bool = field(default=False, init=False)

    @classmethod
    def from_settings(cls, database: Database, settings: Settings) -> Outbox:
        return cls(
            database,
            capacity=settings.audit_outbox_capacity,
            retries=settings.audit_outbox_retries,
            spool_dir=settings.audit_outbox_dir,
        )

    def put(self, items: Iterable[Pending]) -> None:
        """Accept a request's refusals: no I/O but a spool line, never raises."""
        for item in items:
            if len(self._items) >= self.capacity:
                AUDIT_DENIALS_LOST.labels("overflow").inc()
                log.error(
                    "audit outbox full: denial lost %s",
                    json.dumps(item.as_json(), ensure_ascii=False, default=json_default),
                )
                continue
            self._items.append((self._spooled(item), item))
            AUDIT_OUTBOX_PENDING.inc()
        if self._items:
            self._wake.set()

    def __len__(self) -> int:
        return len(self._items)

    def _spooled(self, item: Pending) -> int:
        """The item's spool sequence number; 0 if there is no spool or it cannot be written."""
        if self._spool is None:
            return 0
        try:
            return self._spool.accept(item)
        except OSError:
            # A full disk must not fail the request: the item is still written, only a crash
            # before then would go uncounted.
            log.exception("audit outbox: spool not writable")
            return 0

    async def start(self) -> None:
        """Count what crashed workers left, open this worker's spool, start the writer."""
        if self.spool_dir is not None:
            Spool.recover(self.spool_dir)
            self._spool = Spool(self.spool_dir)
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="audit-outbox")

    async def stop(self) -> None:
        """Let the writer finish what it is writing (never cut a write short), then write the rest."""
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            await self._task
            self._task = None
        await self.flush()
        if self._spool is not None:
            self._spool.close(settled=not self._items)
            self._spool = None

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            if not self._stopping:
                # A short wait gathers the refusals of concurrent requests into one write.
                await asyncio.sleep(self.linger)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # the writer must outlive any one failure
                log.exception("audit outbox: flush failed")

    async def flush(self) -> int:
        """Write everything queued now; returns how many entries were written."""
        async with self._lock:
            batch = list(self._items)
            self._items.clear()
            if not batch:
                return 0
            AUDIT_OUTBOX_PENDING.dec(len(batch))
            written = await write(
                self.database,
                [item for _, item in batch],
                retries=self.retries,
                retry_delay=self.retry_delay,
            )
            if self._spool is not None:
                try:
                    self._spool.settle(max(seq for seq, _ in batch))
                except OSError:
                    log.exception("audit outbox: spool not writable")
            return written


async def write(
    database: Database, items: list[Pending], *, retries: int = 5, retry_delay: float = 0.05
) -> int:
    """Write ``items`` (one transaction per chain, retried); count what cannot be written."""
    if not items:
        return 0
    drafts = await _retrying(lambda: _resolved(database, items), retries, retry_delay)
    if drafts is None:
        _lost([item.draft for item in items])
        return 0
    by_chain: dict[int, list[Draft]] = {}
    for draft in drafts:
        by_chain.setdefault(chain_of(draft.office_id), []).append(draft)
    written = 0
    # One chain per transaction: the writer never holds two chain locks, so never deadlocks.
    for chain in sorted(by_chain):
        group = by_chain[chain]
        done = await _retrying(lambda g=group: _append_all(database, g), retries, retry_delay)
        if done is None:
            _lost(group)
        else:
            written += len(group)
    AUDIT_DENIALS_WRITTEN.inc(written)
    return written


async def _resolved(database: Database, items: list[Pending]) -> list[Draft]:
    if all(item.probe is None for item in items):
        return [item.draft for item in items]
    async with database.session() as session:
        return await resolve(session, items)


async def _append_all(database: Database, drafts: list[Draft]) -> bool:
    async with database.transaction() as session:
        for draft in drafts:
            await append(session, draft)
    return True


async def _retrying(call: Any, retries: int, delay: float) -> Any:
    for attempt in range(retries + 1):
        try:
            return await call()
        except Exception:  # any failure is retried, then counted as a loss
            if attempt == retries:
                log.exception("audit outbox: giving up after %d attempts", retries + 1)
                return None
            await asyncio.sleep(delay * 2**attempt)
    return None


def _lost(drafts: list[Draft]) -> None:
    AUDIT_DENIALS_LOST.labels("write_failed").inc(len(drafts))
    for draft in drafts:
        log.error(
            "audit outbox: denial lost %s",
            json.dumps(asdict(draft), ensure_ascii=False, default=json_default),
        )
