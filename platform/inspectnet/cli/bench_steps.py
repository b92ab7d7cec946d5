"""The steps of ``inspectnet bench generate``, in order: each writes one part of the data set.

Every row comes from the plan's seeded random source, with ids the step chooses itself, so the
same seed gives the same rows on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from rich.progress import Progress
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import keyring
from inspectnet.accounts.models import Role, RoleGrant, UserAccount
from inspectnet.audit.chain import GENESIS, chain_of, content, seal
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.models import PolicyState
from inspectnet.cli.bench_plan import (
    ADMIN,
    AUDIT_LARGE_SHARE,
    AUDIT_SMALL,
    AUDITOR,
    COUNTIES,
    DEPARTMENTS,
    EPOCH,
    LEAGUES,
    SMALL_AUDIT_OFFICE,
    SMALL_AUDITOR,
    Plan,
    Step,
    insert_rows,
    stamp,
)
from inspectnet.keyring import Purpose
from inspectnet.network.graph import recompute_line
from inspectnet.network.models import LinkKind, Office, OfficeKind, OfficeLink
from inspectnet.people.models import EmploymentRecord, InterestTie, Person, TieKind
from inspectnet.rules.format import ExpertiseRule
from inspectnet.rules.registry import get_ruleset
from inspectnet.targets.models import LeadershipPost, Target


async def offices_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """196 offices: the region's, 12 league/city liaison bodies, 103 counties, 80 departments."""
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def office(code: str, name: str, kind: OfficeKind, superior: int | None) -> int:
        pk = len(rows) + 1
        rows.append(
            stamp(
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
                    stamp(
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
    await insert_rows(session, progress, Office, rows, len(rows), plan)
    await insert_rows(session, progress, OfficeLink, links, len(links), plan)
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
        stamp(
            {
                "id": pk,
                "office_id": owner,
                "name": f"对象{pk:05d}党组领导班子",
                "region_code": f"15{owner:04d}",
            }
        )
        for pk, owner in zip(plan.target_ids, owners, strict=True)
    )
    await insert_rows(session, progress, Target, rows, total, plan)


async def persons_step(session: AsyncSession, plan: Plan, progress: Progress) -> None:
    """Persons with careers (任职经历) and kin or interest ties (利害关系)."""
    total = plan.volumes["persons"]
    owners = _spread(plan, total)
    # the bench's offices work under nmg-2016: its fields of expertise (§11(4))
    expertise = [rule.id for rule in get_ruleset("nmg-2016").of_type(ExpertiseRule)]
    rng = plan.rng
    for pk, owner in enumerate(owners, start=1):
        plan.persons_by_office.setdefault(owner, []).append(pk)
    rows = (
        stamp(
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
    await insert_rows(session, progress, Person, rows, total, plan)
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
                yield stamp(
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

    await insert_rows(
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
        stamp(
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
    await insert_rows(session, progress, InterestTie, ties, tie_total, plan)


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
                yield stamp(
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

    await insert_rows(
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
            stamp(
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
            stamp(
                {"id": n, "office_id": office, "username": username, "person_id": person}
                | {"active": True}
            )
        )
        grants.append(stamp({"id": n, "office_id": office, "user_id": n, "role": role}))
    await insert_rows(session, progress, Person, persons, len(persons), plan)
    await insert_rows(session, progress, UserAccount, accounts, len(accounts), plan)
    await insert_rows(session, progress, RoleGrant, grants, len(grants), plan)
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

    await insert_rows(session, progress, AuditEntry, entries(), total, plan)


STEPS: list[Step] = [
    offices_step,
    targets_step,
    persons_step,
    rosters_step,
    accounts_step,
    audit_step,
]
