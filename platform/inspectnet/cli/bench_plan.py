"""The benchmark data set's shape: its volumes, the accounts the bench signs in as, the plan the
steps share, and the bulk insert they all go through (Core ``executemany`` in chunks).

Row counts are the table ``VOLUMES``: a domain that lands adds its rows there and a step to
``bench_steps.STEPS`` (e.g. 6,000 inspections over three terms, 60,000 findings, 20,000 clues,
100,000 petitions, 30,000 rectification items), so the generator grows with the product.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rich.progress import Progress
from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.network.models import OfficeKind

SCALES = {"nmg": 1, "x10": 10}
CHUNK = 5_000
# Every generated row is stamped at one instant: the data set, and its audit hashes, are then
# the same on every run with the same seed.
EPOCH = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

# The network itself (offices and their links) is the region's, at every scale.
LEAGUES = 12
COUNTIES = 103
DEPARTMENTS = 80

# Offices the bench reads an audit-log page under, by size: the region's office holds a fifth of
# the log (100,000 rows at nmg scale), the first county exactly ``AUDIT_SMALL``; the rest are
# spread over every other office.
AUDIT_LARGE_SHARE = 5
AUDIT_SMALL = 100
SMALL_AUDIT_OFFICE = "bench.league01.county01"
ADMIN = "bench.admin"  # office_admin of the regional office
AUDITOR = "bench.auditor"  # auditor of the regional office (the large audit log)
SMALL_AUDITOR = "bench.auditor.small"  # auditor of SMALL_AUDIT_OFFICE


@dataclass(frozen=True)
class Volume:
    """Rows of one table at nmg scale; ``x10`` has ten times as many."""

    table: str
    nmg: int
    note: str

    def at(self, scale: str) -> int:
        return self.nmg * SCALES[scale]


VOLUMES: dict[str, Volume] = {
    v.table: v
    for v in (
        Volume("targets", 8_000, "巡视巡察对象, spread over the offices"),
        Volume("persons", 60_000, "persons, spread over the offices"),
        Volume("employment_records", 150_000, "careers: 2-3 posts a person"),
        Volume("interest_ties", 30_000, "kin and interest ties: half the persons have one"),
        Volume("leadership_posts", 40_000, "5 roster posts a target"),
        Volume("audit_entries", 500_000, "100,000 under the region, 100 under one county"),
    )
}


@dataclass
class Plan:
    """What the steps share: the scale, the seeded random source, ids handed out so far."""

    volumes: dict[str, int]
    rng: random.Random
    offices: list[tuple[int, str, OfficeKind]] = field(default_factory=list)
    persons_by_office: dict[int, list[int]] = field(default_factory=dict)
    target_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


Step = Callable[[AsyncSession, Plan, Progress], Awaitable[None]]


def stamp(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"created_at": EPOCH, "updated_at": EPOCH}


async def insert_rows(
    session: AsyncSession,
    progress: Progress,
    table: Table | Any,
    rows: Iterator[dict[str, Any]] | Sequence[dict[str, Any]],
    total: int,
    plan: Plan,
) -> None:
    """Bulk insert in chunks, advancing one progress bar."""
    target: Table = table.__table__ if hasattr(table, "__table__") else table
    task = progress.add_task(target.name, total=total)
    chunk: list[dict[str, Any]] = []
    done = 0
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            await session.execute(insert(target), chunk)
            done += len(chunk)
            progress.update(task, completed=done)
            chunk = []
    if chunk:
        await session.execute(insert(target), chunk)
        done += len(chunk)
        progress.update(task, completed=done)
    plan.counts[target.name] = plan.counts.get(target.name, 0) + done
