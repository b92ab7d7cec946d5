"""``inspectnet bench generate``: a deterministic data set at the real network's scale.

The same ``--seed`` gives the same rows, ids included, on SQLite and on PostgreSQL, so figures
from ``make bench`` compare across runs and databases. Rows go in by Core ``executemany`` in
chunks, never as ORM objects one by one; the database must be migrated and empty.

Row counts are the table ``VOLUMES``: a domain that lands adds its rows there and a step to
``STEPS`` (e.g. 6,000 inspections over three terms, 60,000 findings, 20,000 clues, 100,000
petitions, 30,000 rectification items), so the generator grows with the product.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import keyring
from inspectnet.accounts.models import Role, RoleGrant, UserAccount
from inspectnet.audit.chain import GENESIS, chain_of, content, seal
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.models import PolicyState
from inspectnet.db import Database, make_engine
from inspectnet.keyring import Purpose
from inspectnet.network.graph import recompute_line
from inspectnet.network.models import LinkKind, Office, OfficeKind, OfficeLink
from inspectnet.people.models import EmploymentRecord, Expertise, InterestTie, Person, TieKind
from inspectnet.settings import get_settings
from inspectnet.targets.models import LeadershipPost, Target

bench_app = typer.Typer(help="Benchmark data (make bench).", no_args_is_help=True)
console = Console(stderr=True)

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


class NotEmpty(Exception):
    """The database already holds offices: the generator fills empty databases only."""


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


def _stamp(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"created_at": EPOCH, "updated_at": EPOCH}


async def _insert(
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


async def offices_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """196 offices: the region's, 12 league/city liaison bodies, 103 counties, 80 departments."""
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def office(code: str, name: str, kind: OfficeKind, superior: int | None) -> int:
        pk = len(rows) + 1
        rows.append(
            _stamp(
                {
                    "id": pk,
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "region_code": f"15{pk:04d}",
                    "ruleset_id": "nmg-2016",
                }
            )
        )
        plan.offices.append((pk, code, kind))
        if superior is not None:
            for kind_of_link in (LinkKind.LEADERSHIP, LinkKind.GUIDANCE):
                links.append(
                    _stamp(
                        {
                            "id": len(links) + 1,
                            "kind": kind_of_link,
                            "superior_id": superior,
                            "subordinate_id": pk,
                        }
                    )
                )
        return pk

    region = office("bench.region", "自治区巡视办(基准)", OfficeKind.REGIONAL_OFFICE, None)
    leagues = [
        office(f"bench.league{n:02d}", f"盟市{n:02d}联络组办公室", OfficeKind.LIAISON_BODY, region)
        for n in range(1, LEAGUES + 1)
    ]
    for n in range(COUNTIES):
        league_no = n % LEAGUES
        code = f"bench.league{league_no + 1:02d}.county{n // LEAGUES + 1:02d}"
        office(code, f"旗县{n + 1:03d}巡察办", OfficeKind.PATROL_OFFICE, leagues[league_no])
    for n in range(1, DEPARTMENTS + 1):
        office(
            f"bench.dept{n:02d}",
            f"区直厅局{n:02d}巡察办",
            OfficeKind.DEPARTMENTAL_PATROL_OFFICE,
            region,
        )
    await _insert(session, progress, Office, rows, len(rows), plan)
    await _insert(session, progress, OfficeLink, links, len(links), plan)
    # Reading below or above an office goes through each line's closure, not the links.
    for kind_of_line in (LinkKind.LEADERSHIP, LinkKind.GUIDANCE):
        await recompute_line(session, kind_of_line)


def _spread(plan: Plan, total: int) -> list[int]:
    """``total`` owners drawn from the offices, the region's weighing ten times a county's."""
    weights = [10 if kind is OfficeKind.REGIONAL_OFFICE else 1 for _, _, kind in plan.offices]
    ids = [pk for pk, _, _ in plan.offices]
    return plan.rng.choices(ids, weights=weights, k=total)


async def targets_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    total = plan.volumes["targets"]
    owners = _spread(plan, total)
    plan.target_ids = list(range(1, total + 1))
    rows = (
        _stamp(
            {
                "id": pk,
                "office_id": owner,
                "name": f"对象{pk:05d}党组领导班子",
                "region_code": f"15{owner:04d}",
            }
        )
        for pk, owner in zip(plan.target_ids, owners, strict=True)
    )
    await _insert(session, progress, Target, rows, total, plan)


async def persons_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """Persons with careers (任职经历) and kin or interest ties (利害关系)."""
    total = plan.volumes["persons"]
    owners = _spread(plan, total)
    expertise = list(Expertise)
    rng = plan.rng
    for pk, owner in enumerate(owners, start=1):
        plan.persons_by_office.setdefault(owner, []).append(pk)
    rows = (
        _stamp(
            {
                "id": pk,
                "office_id": owner,
                "name": f"干部{pk:06d}",
                "unit": f"单位{rng.randrange(1, 2_000):04d}",
                "rank": rng.choice(("正处级", "副处级", "正科级", "副厅级")),
                "home_region_code": f"15{rng.randrange(1, 200):04d}",
                "expertise": sorted(rng.sample(expertise, rng.randrange(0, 3))),
            }
        )
        for pk, owner in enumerate(owners, start=1)
    )
    await _insert(session, progress, Person, rows, total, plan)
    persons = list(enumerate(owners, start=1))

    budget = plan.volumes["employment_records"]
    # Exactly the table's volume: every person holds ``budget // persons`` posts, a random
    # ``budget % persons`` of them one more.
    extra = set(rng.sample(range(len(persons)), budget % len(persons)))

    def careers() -> Iterator[dict[str, Any]]:
        pk = 0
        for index, (person, owner) in enumerate(persons):
            for n in range(budget // len(persons) + (index in extra)):
                pk += 1
                start = date(1995 + rng.randrange(25), 1 + rng.randrange(12), 1)
                yield _stamp(
                    {
                        "id": pk,
                        "office_id": owner,
                        "person_id": person,
                        "organisation": f"单位{rng.randrange(1, 2_000):04d}",
                        "target_id": rng.choice(plan.target_ids) if n == 0 else None,
                        "region_code": f"15{rng.randrange(1, 200):04d}",
                        "post": rng.choice(("科员", "副科长", "科长", "副处长", "处长")),
                        "started_on": start,
                        "ended_on": None if n == 0 else start + timedelta(days=900),
                    }
                )

    await _insert(
        session,
        progress,
        EmploymentRecord,
        careers(),
        plan.volumes["employment_records"],
        plan,
    )
    tie_total = plan.volumes["interest_ties"]
    tied = sorted(rng.sample(persons, tie_total))
    ties = (
        _stamp(
            {
                "id": pk,
                "office_id": owner,
                "person_id": person,
                "kind": TieKind.KIN if pk % 3 else TieKind.INTEREST,
                "organisation": f"单位{rng.randrange(1, 2_000):04d}",
                "target_id": rng.choice(plan.target_ids),
                "relation": rng.choice(("配偶", "子女", "兄弟姐妹", "父母", "同学")),
            }
        )
        for pk, (person, owner) in enumerate(tied, start=1)
    )
    await _insert(session, progress, InterestTie, ties, tie_total, plan)


async def rosters_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """Five roster posts (领导班子成员) a target, held by persons of the covering office."""
    total = plan.volumes["leadership_posts"]
    per_target = total // len(plan.target_ids)
    owners = dict(
        # system scope: generating benchmark data, as the platform
        (await session.execute(select(Target.id, Target.office_id).order_by(Target.id))).all()
    )
    everyone = [p for ps in plan.persons_by_office.values() for p in ps]
    rng = plan.rng

    def posts() -> Iterator[dict[str, Any]]:
        pk = 0
        for target in plan.target_ids:
            office = owners[target]
            pool = plan.persons_by_office.get(office) or everyone
            for n in range(per_target):
                pk += 1
                yield _stamp(
                    {
                        "id": pk,
                        "office_id": office,
                        "target_id": target,
                        "person_id": rng.choice(pool),
                        "post": ("书记", "副书记", "委员", "委员", "委员")[n % 5],
                        "started_on": date(2018 + rng.randrange(6), 1 + rng.randrange(12), 1),
                        "ended_on": None,
                    }
                )

    await _insert(
        session, progress, LeadershipPost, posts(), per_target * len(plan.target_ids), plan
    )


async def accounts_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """The bench's accounts: an admin and an auditor of the region, an auditor of a county."""
    codes = {code: pk for pk, code, _ in plan.offices}
    region, small = codes["bench.region"], codes[SMALL_AUDIT_OFFICE]
    wanted = ((ADMIN, region, Role.OFFICE_ADMIN), (AUDITOR, region, Role.AUDITOR))
    wanted += ((SMALL_AUDITOR, small, Role.AUDITOR),)
    next_person = plan.volumes["persons"]
    persons, accounts, grants = [], [], []
    for n, (username, office, role) in enumerate(wanted, start=1):
        person = next_person + n
        persons.append(
            _stamp(
                {
                    "id": person,
                    "office_id": office,
                    "name": f"基准账号{n}",
                    "unit": "巡视办",
                    "rank": "正处级",
                    "home_region_code": "150100",
                    "expertise": [],
                }
            )
        )
        accounts.append(
            _stamp(
                {"id": n, "office_id": office, "username": username, "person_id": person}
                | {"active": True}
            )
        )
        grants.append(_stamp({"id": n, "office_id": office, "user_id": n, "role": role}))
    await _insert(session, progress, Person, persons, len(persons), plan)
    await _insert(session, progress, UserAccount, accounts, len(accounts), plan)
    await _insert(session, progress, RoleGrant, grants, len(grants), plan)
    # Grants are policy: replicas reload when the version moves.
    await session.execute(update(PolicyState).values(version=PolicyState.version + 1))


async def audit_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """500,000 hash-chained entries: 100,000 under the region, 100 under one county."""
    total = plan.volumes["audit_entries"]
    codes = {code: pk for pk, code, _ in plan.offices}
    region, small = codes["bench.region"], codes[SMALL_AUDIT_OFFICE]
    large = total // AUDIT_LARGE_SHARE
    others = [pk for pk, _, _ in plan.offices if pk not in (region, small)]
    rng = plan.rng
    owners = [region] * large + [small] * AUDIT_SMALL
    owners += rng.choices(others, k=total - len(owners))
    # Written over time, interleaved: an office's entries are spread over the whole table.
    rng.shuffle(owners)
    actions = ("person.create", "target.update", "office.read", "role_grant.create")

    key = keyring.active().current(Purpose.AUDIT)

    def entries() -> Iterator[dict[str, Any]]:
        # Each office's entries form its own keyed chain (audit/chain.py), as the app writes them.
        heads: dict[int, tuple[int, str]] = {}
        for pk, office in enumerate(owners, start=1):
            chain = chain_of(office)
            seq, prev = heads.get(chain, (0, GENESIS))
            row = {
                "id": pk,
                "at": EPOCH - timedelta(seconds=len(owners) - pk),
                "actor_user_id": 1,
                "actor_name": ADMIN,
                "office_id": office,
                "action": actions[pk % len(actions)],
                "object_id": None,
                "request_id": f"bench-{pk:07d}",
                "outcome": Outcome.DENIED if pk % 50 == 0 else Outcome.SUCCESS,
                "detail": {},
                "chain": chain,
                "seq": seq + 1,
                "key_version": key.version,
                "prev_hash": prev,
            }
            row["hash"] = seal(key, prev, content(SimpleNamespace(**row)))  # type: ignore[arg-type]
            heads[chain] = (seq + 1, row["hash"])
            yield row

    await _insert(session, progress, AuditEntry, entries(), total, plan)


STEPS: list[Step] = [
    offices_step,
    targets_step,
    persons_step,
    rosters_step,
    accounts_step,
    audit_step,
]
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
