"""A worker's spool of the refusals its outbox accepted, so a crash's losses are counted.

Each worker appends every item it accepts to its own file (a write to the page cache, no fsync,
identical for hidden and missing) and marks how far it has settled; a worker starting later
takes the spools of workers that are gone (their file lock is free), counts what they accepted
but never settled, logs it and keeps the file as ``*.crashed`` for an operator.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from inspectnet.audit.refusals import Pending
from inspectnet.observability.metrics import AUDIT_DENIALS_LOST

log = logging.getLogger("inspectnet.audit")


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
        line = json.dumps(item.as_json(), ensure_ascii=False, default=json_default)
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


def json_default(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)
