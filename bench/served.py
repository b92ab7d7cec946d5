"""Mixed reads against ``inspectnet serve --workers 2`` over real sockets: throughput, latency
and each worker's RSS.

Every client sends the read operations of ``bench.reads`` in turn (offices tree, persons page,
node, viewer, both audit-log pages), ``CONCURRENCY`` clients at once, for ``REQUESTS`` requests
after a warm-up. The cost budget is lifted so that the per-user bucket does not throttle a
tight loop.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import func, select

from bench import reads
from inspectnet.accounts.tokens import issue_token
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.people.models import Person
from inspectnet.settings import Settings

CONCURRENCY = 16
REQUESTS = int(os.environ.get("BENCH_SERVED_REQUESTS", "1200"))
WORKERS = 2
SECRET = "bench-secret-bench-secret-bench-secret!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _workers(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


async def _requests(
    url: str, settings: Settings, users: dict[str, str]
) -> list[tuple[bytes, dict[str, str]]]:
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            codes = dict((await session.execute(select(Office.code, Office.id))).all())
            region, small = codes["bench.region"], codes["bench.league01.county01"]
            person = (
                await session.execute(select(func.min(Person.id)).where(Person.office_id == region))
            ).scalar_one()
            names = await reads.sign_in_names(session)
    finally:
        await database.dispose()

    def one(user: str, document: str, variables: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        token = issue_token(settings, names[user], timedelta(hours=2))
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        return orjson.dumps({"query": document, "variables": variables}), headers

    office, audited = global_id("Office", region), global_id("Office", small)
    return [
        one(users["admin"], reads.OFFICES_TREE, {"id": office, "first": 100}),
        one(users["admin"], reads.PERSONS_PAGE, {"id": office, "first": 100}),
        one(users["admin"], reads.NODE, {"id": global_id("Person", person)}),
        one(users["admin"], reads.VIEWER, {}),
        one(users["small_auditor"], reads.AUDIT_PAGE, {"id": audited, "first": 20}),
        one(users["auditor"], reads.AUDIT_PAGE, {"id": office, "first": 20}),
    ]


async def _drive(
    base: str, mix: list[tuple[bytes, dict[str, str]]], total: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    remaining = [total]

    async def client(n: int, http: httpx.AsyncClient) -> None:
        requests = cycle(mix[n % len(mix) :] + mix[: n % len(mix)])
        while remaining[0] > 0:
            remaining[0] -= 1
            body, headers = next(requests)
            t0 = time.perf_counter()
            response = await http.post(f"{base}/graphql", content=body, headers=headers)
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 200 and b'"errors"' not in response.content, (
                response.text
            )

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(n, http) for n in range(CONCURRENCY)))
        return time.perf_counter() - started, latencies


def run(url: str, users: dict[str, str], tree: Path) -> dict[str, Any]:
    """Serve ``url`` with 2 workers from the code in ``tree``; drive mixed reads at 16."""
    port = _free_port()
    env = os.environ | {
        "PYTHONPATH": str(tree / "platform"),
        "INSPECTNET_DATABASE_URL": url,
        "INSPECTNET_JWT_SECRET": SECRET,
        "INSPECTNET_DEVELOPMENT": "true",
        "INSPECTNET_LOG_LEVEL": "WARNING",
        "INSPECTNET_GRAPHQL_COST_BUDGET": str(10**9),
        "INSPECTNET_GRAPHQL_MAX_QUERY_COST": str(10**6),
        "INSPECTNET_GRAPHQL_COST_RESTORE_RATE": str(10**9),
    }
    args = [sys.executable, "-m", "inspectnet.cli", "serve", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--workers", str(WORKERS)]
    server = subprocess.Popen(
        args, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.5)
        settings = Settings(database_url=url, jwt_secret=SECRET, development=True)
        mix = asyncio.run(_requests(url, settings, users))
        asyncio.run(_drive(base, mix, CONCURRENCY * len(mix) * 2))  # warm-up, both workers
        elapsed, latencies = asyncio.run(_drive(base, mix, REQUESTS))
        rss = [round(_rss_mb(pid), 1) for pid in _workers(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=60)
    ms = sorted(s * 1000 for s in latencies)
    return {
        "workers": WORKERS,
        "concurrency": CONCURRENCY,
        "requests": len(ms),
        "requests_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "worker_rss_mb": rss,
    }
