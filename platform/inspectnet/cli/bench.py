"""``inspectnet bench generate``: a deterministic data set at the real network's scale.

The same ``--seed`` gives the same rows, ids included, on SQLite and on PostgreSQL, so figures
from ``make bench`` compare across runs and databases. Rows go in by Core ``executemany`` in
chunks, never as ORM objects one by one; the database must be migrated and empty. What the data
set holds is ``bench_plan.VOLUMES``; the steps that write it are ``bench_steps``.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select, text

from inspectnet.accounts.models import RoleGrant, UserAccount
from inspectnet.audit.models import AuditEntry
from inspectnet.cli.bench_plan import (
    ADMIN,
    AUDIT_LARGE_SHARE,
    AUDIT_SMALL,
    AUDITOR,
    SCALES,
    SMALL_AUDIT_OFFICE,
    SMALL_AUDITOR,
    VOLUMES,
    Plan,
)
from inspectnet.cli.bench_steps import STEPS
from inspectnet.db import Database, make_engine
from inspectnet.network.models import Office, OfficeLink
from inspectnet.people.models import EmploymentRecord, InterestTie, Person
from inspectnet.settings import get_settings
from inspectnet.targets.models import LeadershipPost, Target

# The bench and its tests name the accounts and offices the data set holds through this module.
__all__ = [
    "ADMIN",
    "AUDITOR",
    "AUDIT_LARGE_SHARE",
    "AUDIT_SMALL",
    "SMALL_AUDITOR",
    "SMALL_AUDIT_OFFICE",
    "NotEmpty",
    "bench_app",
    "generate",
    "volumes_at",
]

bench_app = typer.Typer(help="Benchmark data (make bench).", no_args_is_help=True)
console = Console(stderr=True)


class NotEmpty(Exception):
    """The database already holds offices: the generator fills empty databases only."""


# Tables whose ids the generator chose itself: PostgreSQL's sequences must move past them.
_SEQUENCED = (
    Office,
    OfficeLink,
    Target,
    Person,
    EmploymentRecord,
    InterestTie,
    LeadershipPost,
    UserAccount,
    RoleGrant,
    AuditEntry,
)


def volumes_at(scale: str) -> dict[str, int]:
    return {table: volume.at(scale) for table, volume in VOLUMES.items()}


async def generate(
    database: Database, volumes: dict[str, int], seed: int, progress: Progress
) -> dict[str, int]:
    """Fill an empty migrated database; the rows written, by table."""
    plan = Plan(volumes=volumes, rng=random.Random(seed))
    async with database.transaction() as session:
        if await session.scalar(select(func.count()).select_from(Office)):
            raise NotEmpty()
        for step in STEPS:
            await step(session, plan, progress)
        if session.get_bind().dialect.name == "postgresql":
            for model in _SEQUENCED:
                name = model.__tablename__
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
        # Statistics, as a database in use has them: both planners choose indexes by them.
        await session.execute(text("ANALYZE"))
    return plan.counts


@bench_app.command("generate")
def generate_command(
    scale: Annotated[str, typer.Option(help="nmg (the region's size) or x10")] = "nmg",
    seed: Annotated[int, typer.Option(help="Same seed, same rows")] = 1,
) -> None:
    """Fill an empty migrated database with a deterministic data set (bulk inserts)."""
    if scale not in SCALES:
        raise typer.BadParameter(f"scale must be one of {', '.join(SCALES)}", param_hint="--scale")
    settings = get_settings()
    started = time.perf_counter()

    async def run() -> dict[str, int]:
        database = Database(make_engine(settings))
        try:
            with Progress(
                TextColumn("{task.description:>20}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                return await generate(database, volumes_at(scale), seed, progress)
        finally:
            await database.dispose()

    try:
        counts = asyncio.run(run())
    except NotEmpty:
        console.print("not generating: the database already holds offices (use an empty one)")
        raise typer.Exit(2) from None
    elapsed = time.perf_counter() - started
    for table, count in counts.items():
        console.print(f"{table:>20} {count:>9,}")
    console.print(
        f"generated {sum(counts.values()):,} rows at scale {scale} (seed {seed}) in {elapsed:.1f} s"
    )
    sys.stdout.flush()
