"""Signed checkpoints of the chains' heads, kept outside the database, and verification.

The chain shows an edited, removed or reordered row, but not a tail cut off cleanly, nor a tail
rewritten by someone holding the key. So at intervals (and on ``inspectnet audit checkpoint``)
each chain's head is verified and written, HMAC-signed with the audit key, to a file in
``INSPECTNET_AUDIT_CHECKPOINT_DIR``, a directory the database's administrators do not control
(ship it to write-once storage). Verification then also demands that every checkpointed head
is still in its chain with the same hash.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, keyring
from inspectnet.audit.chain import Break, Head, chains, verify_chain
from inspectnet.audit.models import AuditEntry
from inspectnet.db import Database
from inspectnet.keyring import KeyringError, Purpose
from inspectnet.observability.metrics import (
    AUDIT_LAST_CHECKPOINT,
    AUDIT_LAST_VERIFIED,
    AUDIT_VERIFICATION_FAILURES,
)

log = logging.getLogger("inspectnet.audit")
FORMAT = 1
_PREFIX = "checkpoint-"


class CheckpointError(Exception):
    """A checkpoint file that cannot be trusted (unreadable, or its signature does not hold)."""


@dataclass(frozen=True)
class Checkpoint:
    written_at: datetime
    key_version: int
    heads: dict[int, Head]
    path: Path | None = None


def _body(written_at: datetime, key_version: int, found: dict[int, Head]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "written_at": written_at.astimezone(UTC).isoformat(),
        "key_version": key_version,
        "chains": {str(c): {"seq": h.seq, "hash": h.hash} for c, h in sorted(found.items())},
    }


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def write_checkpoint(directory: Path, found: dict[int, Head]) -> Checkpoint:
    """Sign ``found`` with the current audit key and write it (atomically) as a new file."""
    key = keyring.active().current(Purpose.AUDIT)
    written_at = clock.now()
    body = _body(written_at, key.version, found)
    signed = body | {"mac": key.mac(_canonical(body)).hex()}
    directory.mkdir(parents=True, exist_ok=True)
    stamp = written_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{_PREFIX}{stamp}-{secrets.token_hex(4)}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(signed, indent=1), encoding="utf-8")
    os.replace(temporary, path)
    AUDIT_LAST_CHECKPOINT.set(written_at.timestamp())
    return Checkpoint(written_at, key.version, dict(found), path)


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint whose signature holds; CheckpointError otherwise."""
    try:
        signed = json.loads(path.read_text(encoding="utf-8"))
        mac = bytes.fromhex(signed.pop("mac"))
        key = keyring.active().version(Purpose.AUDIT, int(signed["key_version"]))
        if signed.get("format") != FORMAT:
            raise CheckpointError(f"{path.name}: unknown format")
        if not hmac.compare_digest(mac, key.mac(_canonical(signed))):
            raise CheckpointError(f"{path.name}: signature does not hold")
        found = {int(c): Head(int(h["seq"]), str(h["hash"])) for c, h in signed["chains"].items()}
        return Checkpoint(datetime.fromisoformat(signed["written_at"]), key.version, found, path)
    except CheckpointError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, KeyringError) as error:
        raise CheckpointError(f"{path.name}: unreadable ({error})") from None


def latest_checkpoint(directory: Path) -> Checkpoint | None:
    """The newest checkpoint in ``directory`` (None if there is none); CheckpointError if bad."""
    if not directory.is_dir():
        return None
    files = sorted(directory.glob(f"{_PREFIX}*.json"))
    return read_checkpoint(files[-1]) if files else None


@dataclass
class Report:
    """What a verification found: the first broken link of each chain, if any."""

    checkpoint: Checkpoint | None
    heads: dict[int, Head] = field(default_factory=dict)
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


async def verify(
    session: AsyncSession,
    checkpoint_dir: Path,
    *,
    chain: int | None = None,
    from_checkpoint: bool = False,
) -> Report:
    """Recompute the chains (or one) and hold them against the newest checkpoint.

    ``from_checkpoint`` checks only what was appended since the checkpoint (and that its heads
    are intact): the periodic check. The full walk is ``inspectnet audit verify``.
    """
    try:
        checkpoint = latest_checkpoint(checkpoint_dir)
    except CheckpointError as error:
        report = Report(None, breaks=[Break(chain or 0, 0, f"checkpoint: {error}")])
        _observe(report)
        return report
    report = Report(checkpoint)
    pinned = checkpoint.heads if checkpoint else {}
    names = set(await chains(session)) | set(pinned)
    for name in sorted(names if chain is None else {chain} & names):
        start = pinned.get(name) if from_checkpoint else None
        head, broken = await verify_chain(session, name, start)
        report.heads[name] = head
        if broken is None and name in pinned:
            broken = await _against(session, name, head, pinned[name])
        if broken is not None:
            report.breaks.append(broken)
    _observe(report)
    return report


async def _against(session: AsyncSession, name: int, head: Head, pinned: Head) -> Break | None:
    """Whether a verified chain still holds its checkpointed head."""
    if head.seq < pinned.seq:
        return Break(
            name,
            head.seq + 1,
            f"missing: the checkpoint has this chain up to seq {pinned.seq}, "
            f"the log only to seq {head.seq} (its tail was removed)",
        )
    if head.seq == pinned.seq:
        same = head.hash == pinned.hash
    else:
        found = await session.scalar(
            # system scope: a checkpoint compares a chain's entries, as the platform
            select(AuditEntry.hash).where(AuditEntry.chain == name, AuditEntry.seq == pinned.seq)
        )
        same = found == pinned.hash
    if not same:
        return Break(name, pinned.seq, "differs from the checkpoint (the tail was rewritten)")
    return None


def _observe(report: Report) -> None:
    if report.ok:
        AUDIT_LAST_VERIFIED.set(time.time())
    else:
        AUDIT_VERIFICATION_FAILURES.inc()
        for broken in report.breaks:
            log.error("audit chain broken: %s", broken)


async def checkpoint(database: Database, checkpoint_dir: Path) -> Report:
    """Verify what was added since the last checkpoint and, if it holds, checkpoint the heads."""
    async with database.session() as session:
        report = await verify(session, checkpoint_dir, from_checkpoint=True)
        if report.ok and report.heads:
            write_checkpoint(checkpoint_dir, report.heads)
    return report


def seed_metrics(checkpoint_dir: Path) -> None:
    """At start-up: a checkpoint is only written after a verification that held."""
    try:
        found = latest_checkpoint(checkpoint_dir)
    except CheckpointError:
        return
    if found is not None:
        AUDIT_LAST_VERIFIED.set(found.written_at.timestamp())
        AUDIT_LAST_CHECKPOINT.set(found.written_at.timestamp())


@dataclass
class Checkpointer:
    """The background task writing checkpoints every ``interval`` seconds."""

    database: Database
    directory: Path
    interval: float
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    def start(self) -> None:
        seed_metrics(self.directory)
        if self.interval > 0:
            self._task = asyncio.create_task(self._run(), name="audit-checkpoint")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await checkpoint(self.database, self.directory)
            except Exception:  # the next interval tries again
                log.exception("audit checkpoint failed")
