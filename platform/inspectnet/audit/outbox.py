"""The denial outbox: refusals are written after the response, in their own transactions.

A request only remembers what it refused (in memory, no SQL): "read of Person 7 refused",
"createPerson refused with NOT_FOUND". The outbox takes those when the request ends and a
background task (started in the app's lifespan) writes them, in one transaction per chain,
retrying on failure. So a denial never fails, delays or changes the response, and a hidden
object and a missing one cost the request exactly the same: whether a refused read concerned
an existing object, and which office it belongs to, is looked up here, off the request path.
Only a refused read of an object that exists is recorded (a miss is not an event).

What cannot be written is counted in ``inspectnet_audit_denials_lost_total`` by reason:
``overflow`` (the queue is full), ``write_failed`` (the retries ran out; the entries are logged
in full) and ``crash``. For the last, each worker appends every item it accepts to its own spool
file (a write to the page cache, no fsync, identical for hidden and missing) and marks how far
it has settled; a worker starting later takes the spools of workers that are gone (their file
lock is free), counts what they accepted but never settled, logs it and keeps the file as
``*.crashed`` for an operator. A machine crash can lose the unsynced tail of a spool too.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.chain import chain_of
from inspectnet.audit.models import Outcome
from inspectnet.audit.service import Draft, append
from inspectnet.authz.actor import Actor
from inspectnet.authz.resources import office_column
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.observability.metrics import (
    AUDIT_DENIALS_LOST,
    AUDIT_DENIALS_WRITTEN,
    AUDIT_OUTBOX_PENDING,
)
from inspectnet.settings import Settings

log = logging.getLogger("inspectnet.audit")
_PENDING = "inspectnet.audit.pending"
_CONCERN = "inspectnet.audit.concern"
_RESOLVE_CHUNK = 500


@dataclass(frozen=True)
class Probe:
    """An object named by model and primary key, whose existence and office are looked up later."""

    model: type[Any]
    pk: int


@dataclass(frozen=True)
class Pending:
    """A refusal waiting to be written: the entry, and what is still to be looked up."""

    draft: Draft
    # When set, the office is the probed object's; a read of a missing object is no event.
    probe: Probe | None = None
    drop_if_missing: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self.draft)
        if self.probe is not None:
            data["probe"] = [self.probe.model.__name__, self.probe.pk]
        return data


@dataclass(frozen=True)
class Concern:
    """The office an action concerns, as far as the request knows it (or the object to ask)."""

    office_id: int | None = None
    probe: Probe | None = None


def _draft(actor: Actor, action: str, outcome: Outcome, **values: Any) -> Draft:
    return Draft(
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        request_id=actor.request_id or None,
        outcome=outcome,
        **({"office_id": None, "object_id": None, "detail": {}} | values),
    )


def _pending(session: AsyncSession) -> list[Pending]:
    found: list[Pending] = session.info.setdefault(_PENDING, [])
    return found


def note_concern(session: AsyncSession, concern: Concern) -> None:
    """Remember the office (or object) the action under way concerns, for its refusal row."""
    session.info[_CONCERN] = concern


def take_concern(session: AsyncSession) -> Concern:
    """The concern noted since the last call (and forget it)."""
    return session.info.pop(_CONCERN, None) or Concern()


def refused_read(session: AsyncSession, actor: Actor, model: type[Any], pk: int) -> None:
    """Remember "read of ``model`` ``pk`` refused" without asking whether it exists."""
    probe = Probe(model, pk)
    note_concern(session, Concern(probe=probe))
    draft = _draft(
        actor,
        f"{_authz_type(model)}.read",
        Outcome.DENIED,
        object_id=global_id(model.__name__, pk),
        detail={"code": "NOT_FOUND"},
    )
    _pending(session).append(Pending(draft, probe, drop_if_missing=True))


def refused_action(
    session: AsyncSession,
    actor: Actor,
    action: str,
    outcome: Outcome,
    concern: Concern,
    detail: dict[str, Any],
) -> None:
    """Remember a refused or failed mutation, to be recorded with the office it concerns."""
    draft = _draft(actor, action, outcome, office_id=concern.office_id, detail=detail)
    _pending(session).append(Pending(draft, concern.probe))


def take(session: AsyncSession, actor: Actor) -> list[Pending]:
    """Everything the request refused, in order (and forget it): the outbox's input."""
    denials, actor.denials = actor.denials, []
    found = [
        Pending(
            _draft(
                actor,
                f"{d.object_type}.{d.action}",
                Outcome.DENIED,
                office_id=d.office_id,
                object_id=d.object_id,
                detail={"code": d.code},
            )
        )
        for d in denials
    ]
    found.extend(session.info.pop(_PENDING, []))
    return found


def _authz_type(model: type[Any]) -> str:
    return str(getattr(model, "__authz_type__", model.__name__.lower()))


async def _resolve(session: AsyncSession, items: list[Pending]) -> list[Draft]:
    """Each item's entry with its office filled in; reads of missing objects left out."""
    wanted: dict[type[Any], set[int]] = {}
    for item in items:
        if item.probe is not None:
            wanted.setdefault(item.probe.model, set()).add(item.probe.pk)
    offices: dict[tuple[type[Any], int], int | None] = {}
    for model, pks in wanted.items():
        ordered = sorted(pks)
        for start in range(0, len(ordered), _RESOLVE_CHUNK):
            chunk = ordered[start : start + _RESOLVE_CHUNK]
            rows = await session.execute(
                select(model.id, office_column(model)).where(model.id.in_(chunk))
            )
            for pk, office in rows:
                offices[(model, pk)] = office
    drafts = []
    for item in items:
        if item.probe is None:
            drafts.append(item.draft)
            continue
        key = (item.probe.model, item.probe.pk)
        if key in offices:
            drafts.append(replace(item.draft, office_id=offices[key]))
        elif not item.drop_if_missing:
            drafts.append(item.draft)
    return drafts


class Spool:
    """This worker's record of what it accepted (``E seq json``) and settled (``S seq``)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"outbox-{os.getpid()}-{uuid.uuid4().hex[:8]}.spool"
        self._file: IO[str] = self.path.open("a", encoding="utf-8")
        # Held for the worker's life: a spool whose lock is free belongs to a worker that is gone.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.accepted = 0

    def accept(self, item: Pending) -> int:
        self.accepted += 1
        line = json.dumps(item.as_json(), ensure_ascii=False, default=_json_default)
        self._file.write(f"E {self.accepted} {line}\n")
        self._file.flush()
        return self.accepted

    def settle(self, seq: int) -> None:
        if seq >= self.accepted:
            # Everything accepted is settled: nothing in the file is still needed.
            self._file.truncate(0)
        else:
            self._file.write(f"S {seq}\n")
        self._file.flush()

    def close(self, *, settled: bool) -> None:
        self._file.close()
        if settled:
            self.path.unlink(missing_ok=True)

    @staticmethod
    def recover(directory: Path) -> int:
        """Count (and log) what gone workers accepted but never settled; keep their files."""
        if not directory.is_dir():
            return 0
        lost = 0
        for path in sorted(directory.glob("outbox-*.spool")):
            try:
                handle = path.open("r+", encoding="utf-8")
            except FileNotFoundError:
                continue  # another starting worker took it
            with handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its worker is alive, or another worker is taking it
                if not _same_file(path, handle):
                    continue  # taken and renamed while we waited for the lock
                unsettled = _unsettled(handle.read())
                # Renamed or removed while locked, so no other worker counts it again.
                if unsettled:
                    lost += len(unsettled)
                    kept = path.with_suffix(".crashed")
                    path.rename(kept)
                    log.error(
                        "audit outbox: a worker stopped with %d denials unwritten; kept in %s",
                        len(unsettled),
                        kept,
                    )
                else:
                    path.unlink(missing_ok=True)
        if lost:
            AUDIT_DENIALS_LOST.labels("crash").inc(lost)
        return lost


def _same_file(path: Path, handle: IO[str]) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


def _unsettled(text: str) -> list[str]:
    accepted: dict[int, str] = {}
    settled = 0
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        seq_text, _, payload = rest.partition(" ")
        if not seq_text.isdigit():
            continue  # a line cut short by the crash
        if kind == "E":
            accepted[int(seq_text)] = payload
        elif kind == "S":
            settled = max(settled, int(seq_text))
    return [payload for seq, payload in sorted(accepted.items()) if seq > settled]


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
                    json.dumps(item.as_json(), ensure_ascii=False, default=_json_default),
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
        return await _resolve(session, items)


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
            json.dumps(asdict(draft), ensure_ascii=False, default=_json_default),
        )


def _json_default(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)
