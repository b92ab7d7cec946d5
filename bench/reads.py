"""One measuring run of the read operations against a generated database, in this process.

Run by ``bench.bench_reads`` in a fresh interpreter for each code tree (``PYTHONPATH`` picks
the tree: this branch, or the ``before`` tree), so the figures of the two trees never share a
collector, caches or imports. Talks to the real ASGI app over HTTP in-process (httpx), times
each operation ``RUNS`` times after ``WARM_UP`` runs, counts its SQL statements at page sizes
10 and 100, and times a hand-written SQL + orjson floor that gives the same answer (checked
equal before timing). Prints one JSON document on stdout.

Uses only what both trees have: ``create_app``, ``issue_token``, ``global_id``, the models.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import Integer, event, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id
from inspectnet.network.models import Office, OfficeLink
from inspectnet.paging import encode_cursor
from inspectnet.people.models import EmploymentRecord, InterestTie, Person
from inspectnet.settings import Settings
from inspectnet.targets.models import Target

# BENCH_RUNS lowers the count for a quick look; the published figures use 300.
RUNS = int(os.environ.get("BENCH_RUNS", "300"))
WARM_UP = max(3, RUNS // 10)

OFFICES_TREE = """query($id: ID!, $first: Int!) { office(id: $id) { name
  subordinates(depth: 3, first: $first) { totalCount
    edges { node { id name kind superiors(first: 5) { nodes { code } }
      targets(first: 5) { totalCount nodes { name } } } } } } }"""
PERSONS_PAGE = """query($id: ID!, $first: Int!) { office(id: $id) {
  people(first: $first) { totalCount nodes { id name unit rank
    employment(first: 3) { nodes { organisation post } }
    ties(first: 3) { nodes { kind relation } } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id ... on Person { name unit rank } } }"""
VIEWER = """{ viewer { username account { id } } }"""
AUDIT_PAGE = """query($id: ID!, $first: Int!) { auditLog(officeId: $id, first: $first) {
  edges { cursor node { id at action actorName outcome } }
  pageInfo { hasNextPage endCursor } } }"""

# Page sizes the operations are timed at (the rest: 20).
SIZES = {"offices tree, depth 3": 100, "persons page, nested": 100}
_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")
Floor = Callable[[AsyncConnection, int], Awaitable[bytes]]


@dataclass
class Operation:
    name: str
    user: str
    document: str
    variables: dict[str, Any]
    floor: Floor
    paged: bool
    signs_in_as: str = ""  # officecode/username, filled from the database


def _cursor(pk: int) -> str:
    # The API's own cursor (a keyed permutation of the row id, like a global ID).
    return encode_cursor(pk)


def _subordinates(root: int, depth: int) -> Any:
    """Offices within ``depth`` leadership links below ``root`` (hand-written recursive CTE)."""
    links = OfficeLink.__table__
    base = select(links.c.subordinate_id.label("office_id"), literal(1, Integer).label("depth"))
    base = base.where(links.c.kind == "LEADERSHIP", links.c.superior_id == root)
    walk = base.cte("walk", recursive=True)
    step = (
        select(links.c.subordinate_id, walk.c.depth + 1)
        .select_from(walk.join(links, links.c.superior_id == walk.c.office_id))
        .where(links.c.kind == "LEADERSHIP", walk.c.depth < depth)
    )
    walk = walk.union(step)
    return select(walk.c.office_id).distinct()


def offices_floor(root: int) -> Floor:
    async def floor(conn: AsyncConnection, first: int) -> bytes:
        below = _subordinates(root, 3).subquery()
        name = (await conn.execute(select(Office.name).where(Office.id == root))).scalar_one()
        total = (await conn.execute(select(func.count()).select_from(below))).scalar_one()
        rows = (
            await conn.execute(
                select(Office.id, Office.name, Office.kind)
                .where(Office.id.in_(select(below.c.office_id)))
                .order_by(Office.id)
                .limit(first)
            )
        ).all()
        ids = [r.id for r in rows]
        counts = dict(
            (
                await conn.execute(
                    select(Target.office_id, func.count())
                    .where(Target.office_id.in_(ids))
                    .group_by(Target.office_id)
                )
            ).all()
        )
        ranked = (
            select(
                Target.office_id,
                Target.name,
                func.row_number()
                .over(partition_by=Target.office_id, order_by=Target.id)
                .label("rn"),
            )
            .where(Target.office_id.in_(ids))
            .subquery()
        )
        superiors: dict[int, list[dict[str, str]]] = {}
        links = OfficeLink.__table__
        for below_id, code in (
            await conn.execute(
                select(links.c.subordinate_id, Office.code)
                .join(Office, Office.id == links.c.superior_id)
                .where(links.c.kind == "LEADERSHIP", links.c.subordinate_id.in_(ids))
                .order_by(links.c.subordinate_id, Office.id)
            )
        ).all():
            found = superiors.setdefault(below_id, [])
            if len(found) < 5:
                found.append({"code": code})
        names: dict[int, list[dict[str, str]]] = {}
        for office_id, target_name, _ in (
            await conn.execute(
                select(ranked).where(ranked.c.rn <= 5).order_by(ranked.c.office_id, ranked.c.rn)
            )
        ).all():
            names.setdefault(office_id, []).append({"name": target_name})
        return orjson.dumps(
            {
                "office": {
                    "name": name,
                    "subordinates": {
                        "totalCount": total,
                        "edges": [
                            {
                                "node": {
                                    "id": global_id("Office", r.id),
                                    "name": r.name,
                                    "kind": r.kind.value,
                                    "superiors": {"nodes": superiors.get(r.id, [])},
                                    "targets": {
                                        "totalCount": counts.get(r.id, 0),
                                        "nodes": names.get(r.id, []),
                                    },
                                }
                            }
                            for r in rows
                        ],
                    },
                }
            }
        )

    return floor


def persons_floor(office: int) -> Floor:
    async def floor(conn: AsyncConnection, first: int) -> bytes:
        total = (
            await conn.execute(
                select(func.count()).select_from(Person).where(Person.office_id == office)
            )
        ).scalar_one()
        rows = (
            await conn.execute(
                select(Person.id, Person.name, Person.unit, Person.rank)
                .where(Person.office_id == office)
                .order_by(Person.id)
                .limit(first)
            )
        ).all()
        ids = [r.id for r in rows]

        async def nested(model: Any, columns: tuple[str, ...]) -> dict[int, list[dict[str, Any]]]:
            ranked = (
                select(
                    model.person_id,
                    *(getattr(model, c) for c in columns),
                    func.row_number()
                    .over(partition_by=model.person_id, order_by=model.id)
                    .label("rn"),
                )
                .where(model.person_id.in_(ids))
                .subquery()
            )
            found: dict[int, list[dict[str, Any]]] = {}
            for row in (
                await conn.execute(
                    select(ranked).where(ranked.c.rn <= 3).order_by(ranked.c.person_id, ranked.c.rn)
                )
            ).all():
                values = {c: getattr(row, c) for c in columns}
                if "kind" in values:
                    values["kind"] = values["kind"].value
                found.setdefault(row.person_id, []).append(values)
            return found

        careers = await nested(EmploymentRecord, ("organisation", "post"))
        ties = await nested(InterestTie, ("kind", "relation"))
        return orjson.dumps(
            {
                "office": {
                    "people": {
                        "totalCount": total,
                        "nodes": [
                            {
                                "id": global_id("Person", r.id),
                                "name": r.name,
                                "unit": r.unit,
                                "rank": r.rank,
                                "employment": {"nodes": careers.get(r.id, [])},
                                "ties": {"nodes": ties.get(r.id, [])},
                            }
                            for r in rows
                        ],
                    }
                }
            }
        )

    return floor


def node_floor(person: int) -> Floor:
    async def floor(conn: AsyncConnection, _first: int) -> bytes:
        row = (
            await conn.execute(
                select(Person.name, Person.unit, Person.rank).where(Person.id == person)
            )
        ).one()
        return orjson.dumps(
            {
                "node": {
                    "id": global_id("Person", person),
                    "name": row.name,
                    "unit": row.unit,
                    "rank": row.rank,
                }
            }
        )

    return floor


def viewer_floor(username: str) -> Floor:
    async def floor(conn: AsyncConnection, _first: int) -> bytes:
        row = (
            await conn.execute(
                text("SELECT id FROM user_accounts WHERE username = :u AND active"),
                {"u": username},
            )
        ).one()
        return orjson.dumps(
            {"viewer": {"username": username, "account": {"id": global_id("UserAccount", row.id)}}}
        )

    return floor


def audit_floor(office: int) -> Floor:
    async def floor(conn: AsyncConnection, first: int) -> bytes:
        rows = (
            await conn.execute(
                select(
                    AuditEntry.id,
                    AuditEntry.at,
                    AuditEntry.action,
                    AuditEntry.actor_name,
                    AuditEntry.outcome,
                )
                .where(AuditEntry.office_id == office)
                .order_by(AuditEntry.id)
                .limit(first + 1)
            )
        ).all()
        page = rows[:first]
        return orjson.dumps(
            {
                "auditLog": {
                    "edges": [
                        {
                            "cursor": _cursor(r.id),
                            "node": {
                                "id": global_id("AuditEntry", r.id),
                                "at": r.at.isoformat(),
                                "action": r.action,
                                "actorName": r.actor_name,
                                "outcome": r.outcome.value,
                            },
                        }
                        for r in page
                    ],
                    "pageInfo": {
                        "hasNextPage": len(rows) > first,
                        "endCursor": _cursor(page[-1].id) if page else None,
                    },
                }
            }
        )

    return floor


def _percentile(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(p / 100 * (len(sorted_ms) - 1)))]


def _summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(_percentile(ms, 95), 2),
        "p99_ms": round(_percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


def app_settings(url: str) -> Settings:
    """The measured app's settings: the per-user budget would throttle a tight loop."""
    return Settings(
        database_url=url,
        jwt_secret="bench-secret-bench-secret-bench-secret!",
        log_level="WARNING",
        development=True,
        graphql_cost_budget=10**9,
        graphql_cost_restore_rate=10**9,
    )


async def sign_in_names(session: Any) -> dict[str, str]:
    """Each account's sign-in name, ``officecode/username``, as its token must name it."""
    rows = await session.execute(
        text("SELECT u.username, o.code FROM user_accounts u JOIN offices o ON o.id = u.office_id")
    )
    return {username: f"{code}/{username}" for username, code in rows.all()}


async def read_operations(database: Any, users: dict[str, str]) -> list[Operation]:
    """The measured operations on the generated rows (``BENCH_ONLY`` picks some by name)."""
    async with database.session() as session:
        codes = dict((await session.execute(select(Office.code, Office.id))).all())
        region, small = codes["bench.region"], codes["bench.league01.county01"]
        person = (
            await session.execute(select(func.min(Person.id)).where(Person.office_id == region))
        ).scalar_one()
        names = await sign_in_names(session)
    only = os.environ.get("BENCH_ONLY")
    operations = [
        Operation(
            "offices tree, depth 3",
            users["admin"],
            OFFICES_TREE,
            {"id": global_id("Office", region)},
            offices_floor(region),
            True,
        ),
        Operation(
            "persons page, nested",
            users["admin"],
            PERSONS_PAGE,
            {"id": global_id("Office", region)},
            persons_floor(region),
            True,
        ),
        Operation(
            "node (person)",
            users["admin"],
            NODE,
            {"id": global_id("Person", person)},
            node_floor(person),
            False,
        ),
        Operation("viewer", users["admin"], VIEWER, {}, viewer_floor(users["admin"]), False),
        Operation(
            "auditLog page of 20, 100 rows",
            users["small_auditor"],
            AUDIT_PAGE,
            {"id": global_id("Office", small)},
            audit_floor(small),
            True,
        ),
        Operation(
            "auditLog page of 20, 100,000 rows",
            users["auditor"],
            AUDIT_PAGE,
            {"id": global_id("Office", region)},
            audit_floor(region),
            True,
        ),
    ]
    for op in operations:
        op.signs_in_as = names[op.user]
    if only:
        operations = [op for op in operations if any(w in op.name for w in only.split(","))]
    return operations


async def measure(url: str, users: dict[str, str]) -> dict[str, Any]:
    settings = app_settings(url)
    app = create_app(settings, watch_policy=False)
    database = app.state.graphql.database
    engine = database.sync_engine
    statements: list[int] = [0]

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_CONTROL):
            statements[0] += 1

    operations = await read_operations(database, users)
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        if os.environ.get("BENCH_GC_THRESHOLD"):
            # For tuning the app's thresholds: measure others on the same frozen start-up.
            gc.set_threshold(*(int(n) for n in os.environ["BENCH_GC_THRESHOLD"].split(",")))
        for op in operations:
            token = issue_token(settings, op.signs_in_as, timedelta(hours=2))
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            size = SIZES.get(op.name, 20)

            def body(first: int, op: Operation = op) -> bytes:
                variables = op.variables | ({"first": first} if op.paged else {})
                return orjson.dumps({"query": op.document, "variables": variables})

            async def ask(payload: bytes, headers: dict[str, str] = headers) -> dict[str, Any]:
                response = await client.post("/graphql", content=payload, headers=headers)
                assert response.status_code == 200, response.text
                answer = response.json()
                assert "errors" not in answer, answer
                return answer  # type: ignore[no-any-return]

            per_size: dict[str, int] = {}
            for first in (10, 100) if op.paged else (size,):
                await ask(body(first))
                event.listen(engine, "before_cursor_execute", count)
                statements[0] = 0
                await ask(body(first))
                event.remove(engine, "before_cursor_execute", count)
                per_size[str(first)] = statements[0]
            payload = body(size)
            t0 = time.perf_counter()
            answer = await ask(payload)
            print(f"  {op.name}: first answer in {time.perf_counter() - t0:.3f} s", file=sys.stderr)
            async with database.bind.connect() as conn:
                floor_answer = orjson.loads(await op.floor(conn, size))
            if floor_answer != answer["data"]:
                print(
                    json.dumps(
                        {"mismatch": op.name, "api": answer["data"], "floor": floor_answer},
                        ensure_ascii=False,
                        default=str,
                    )[:4000],
                    file=sys.stderr,
                )
                raise SystemExit(f"floor differs from the API for {op.name}")
            for _ in range(WARM_UP):
                await ask(payload)
            gen2_before = gc.get_stats()[2]["collections"]
            api: list[float] = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                await ask(payload)
                api.append(time.perf_counter() - t0)
            full_collections = gc.get_stats()[2]["collections"] - gen2_before
            floor: list[float] = []
            async with database.bind.connect() as conn:
                for _ in range(WARM_UP):
                    await op.floor(conn, size)
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    await op.floor(conn, size)
                    floor.append(time.perf_counter() - t0)
            api_s, floor_s = _summary(api), _summary(floor)
            results[op.name] = {
                "page_size": size if op.paged else None,
                "api": api_s,
                "floor": floor_s,
                "ratio_p50": round(api_s["p50_ms"] / floor_s["p50_ms"], 1),
                "statements": per_size,
                "full_collections": full_collections,
            }
            print(
                f"  {op.name:<36} p50 {api_s['p50_ms']:7.2f}  p95 {api_s['p95_ms']:7.2f}  "
                f"p99 {api_s['p99_ms']:7.2f} ms  floor p50 {floor_s['p50_ms']:6.2f} ms  "
                f"x{results[op.name]['ratio_p50']}  SQL {per_size}",
                file=sys.stderr,
            )
    return {
        "operations": results,
        "runs": RUNS,
        "warm_up": WARM_UP,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "frozen_objects": gc.get_freeze_count(),
        "gc_threshold": gc.get_threshold(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--auditor", required=True)
    parser.add_argument("--small-auditor", required=True)
    args = parser.parse_args()
    users = {"admin": args.admin, "auditor": args.auditor, "small_auditor": args.small_auditor}
    print(json.dumps(asyncio.run(measure(args.url, users))))


if __name__ == "__main__":
    main()
