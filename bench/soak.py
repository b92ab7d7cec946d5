"""A bounded soak: mixed reads and writes against uvicorn with 2 workers on PostgreSQL.

Run with ``python bench/soak.py [--minutes 10]`` (PYTHONPATH=platform). Loopback only: it makes
a throwaway database on the local PostgreSQL (127.0.0.1:5432), migrates it, loads the demo
network, serves it on 127.0.0.1 with ``inspectnet serve --workers 2``, and drives it with
``--clients`` paced clients (70 % reads, 30 % writes) for a fixed time. Every ``--sample``
seconds it records the requests, errors, p50/p95 latency and the resident memory of the server's
processes; at the end it prints the windows and the drift (last window against the first after
warm-up) as Markdown, then stops the server and drops the database.

An error is anything but a 200 whose body has no ``errors`` and no ``userErrors``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
USERS = ("nmg.baotou/baotou_admin", "nmg.chifeng/chifeng_admin", "nmg.region/region_admin")
READS = (
    "{ viewer { username roles { nodes { role office { name } } } } }",
    "{ offices(first: 20) { totalCount nodes { id name subordinates(depth: 2) { totalCount } } } }",
    "{ offices(first: 5) { nodes { targets(first: 20) { totalCount nodes { id name } } } } }",
    "{ offices(first: 5) { nodes { people(first: 20) { totalCount nodes { id name } } } } }",
)
CREATE_TARGET = """mutation($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id } userErrors { code } } }"""
OFFICE_IDS = "{ viewer { roles { nodes { office { id } } } } }"


@dataclass
class Window:
    started: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    writes: int = 0
    rss_mb: float = 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every descendant (uvicorn's workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _cli(env: dict[str, str], *args: str) -> None:
    inspectnet = str(Path(sys.executable).with_name("inspectnet"))
    subprocess.run([inspectnet, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """``inspectnet serve`` on the loopback interface only."""
    inspectnet = str(Path(sys.executable).with_name("inspectnet"))
    command = [inspectnet, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def soak(minutes: float, clients: int, rate: float, sample: float, workers: int) -> str:
    from inspectnet.accounts.tokens import issue_token
    from inspectnet.settings import Settings

    name = f"inspectnet_soak_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    secret = "soak-secret-that-is-long-enough-for-hs256"
    env = dict(os.environ) | {
        "INSPECTNET_DATABASE_URL": url,
        "INSPECTNET_JWT_SECRET": secret,
        "INSPECTNET_DEVELOPMENT": "true",
        "INSPECTNET_LOG_LEVEL": "WARNING",
        "INSPECTNET_AUDIT_OUTBOX_DIR": f"/tmp/{name}-outbox",
        "INSPECTNET_AUDIT_CHECKPOINT_DIR": f"/tmp/{name}-checkpoints",
        "INSPECTNET_GRAPHQL_COST_BUDGET": "10000000",
        "INSPECTNET_GRAPHQL_COST_RESTORE_RATE": "1000000",
        "PYTHONPATH": str(ROOT / "platform"),
    }
    server = None
    try:
        _cli(env, "db", "upgrade")
        _cli(env, "demo", "load")
        port = _free_port()
        server = _serve(env, port, workers)
        base = f"http://127.0.0.1:{port}"
        settings = Settings(database_url=url, jwt_secret=secret, development=True)
        tokens = {u: issue_token(settings, u, timedelta(hours=2)) for u in USERS}
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(200):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
            else:
                raise SystemExit("the server did not become ready")
            offices = {}
            for user, token in tokens.items():
                answer = await http.post(
                    "/graphql",
                    json={"query": OFFICE_IDS},
                    headers={"authorization": f"Bearer {token}"},
                )
                roles = answer.json()["data"]["viewer"]["roles"]["nodes"]
                offices[user] = roles[0]["office"]["id"]
            windows = await _drive(
                http, tokens, offices, server.pid, minutes, clients, rate, sample
            )
        return _report(windows, minutes, clients, rate, workers, sample)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _drive(
    http: httpx.AsyncClient,
    tokens: dict[str, str],
    offices: dict[str, str],
    server_pid: int,
    minutes: float,
    clients: int,
    rate: float,
    sample: float,
) -> list[Window]:
    started = time.monotonic()
    deadline = started + minutes * 60
    windows = [Window(started)]
    windows[0].rss_mb = _rss_mb(server_pid)
    serial = 0

    async def client(number: int) -> None:
        nonlocal serial
        rng = random.Random(number)
        pause = clients / rate
        while time.monotonic() < deadline:
            user = rng.choice(USERS)
            headers = {"authorization": f"Bearer {tokens[user]}"}
            write = rng.random() < 0.3
            if write:
                serial += 1
                variables = {
                    "input": {
                        "officeId": offices[user],
                        "name": f"压测对象{number}-{serial}",
                        "regionCode": "150200",
                    }
                }
                body = {"query": CREATE_TARGET, "variables": variables}
            else:
                body = {"query": rng.choice(READS)}
            began = time.monotonic()
            try:
                response = await http.post("/graphql", json=body, headers=headers)
                payload = response.json()
                ok = response.status_code == 200 and not payload.get("errors")
                if ok and write:
                    ok = payload["data"]["createTarget"]["userErrors"] == []
            except (httpx.HTTPError, ValueError):
                ok = False
            window = windows[-1]
            window.latencies.append(time.monotonic() - began)
            window.errors += 0 if ok else 1
            window.writes += 1 if write else 0
            await asyncio.sleep(
                max(0.0, pause * rng.uniform(0.5, 1.5) - (time.monotonic() - began))
            )

    async def sampler() -> None:
        while time.monotonic() < deadline:
            await asyncio.sleep(min(sample, max(0.0, deadline - time.monotonic())))
            windows[-1].rss_mb = _rss_mb(server_pid)
            if time.monotonic() < deadline - 1:
                windows.append(Window(time.monotonic()))

    await asyncio.gather(sampler(), *(client(n) for n in range(clients)))
    return [w for w in windows if w.latencies]


def _report(
    windows: list[Window], minutes: float, clients: int, rate: float, workers: int, sample: float
) -> str:
    first = windows[1] if len(windows) > 2 else windows[0]  # the first window is warm-up
    last = windows[-1]
    total = sum(len(w.latencies) for w in windows)
    errors = sum(w.errors for w in windows)
    lines = [
        f"{minutes:g} min, {workers} uvicorn workers on PostgreSQL, {clients} clients paced at "
        f"{rate:g} req/s in all (70 % reads, 30 % createTarget), windows of {sample:g} s",
        "",
        "| t (s) | requests | writes | errors | p50 ms | p95 ms | server RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w in windows:
        lines.append(
            f"| {w.started - windows[0].started:.0f} | {len(w.latencies)} | {w.writes} | "
            f"{w.errors} | {1000 * statistics.median(w.latencies):.1f} | "
            f"{1000 * _percentile(w.latencies, 0.95):.1f} | {w.rss_mb:.0f} |"
        )
    p95_first, p95_last = _percentile(first.latencies, 0.95), _percentile(last.latencies, 0.95)
    lines += [
        "",
        f"- requests: {total}, errors: {errors}",
        f"- p95 latency drift (last window against the first after warm-up): "
        f"{1000 * p95_first:.1f} ms → {1000 * p95_last:.1f} ms ({p95_last / p95_first:.2f}×)",
        f"- server RSS drift: {first.rss_mb:.0f} MB → {last.rss_mb:.0f} MB "
        f"({last.rss_mb - first.rss_mb:+.0f} MB)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second in all")
    parser.add_argument("--sample", type=float, default=60.0, help="seconds per window")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    report = asyncio.run(soak(args.minutes, args.clients, args.rate, args.sample, args.workers))
    print(report)
    errors = int(report.split("errors: ")[1].split()[0])
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
