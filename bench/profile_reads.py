"""Where a read request's time goes: pyinstrument over the operations of ``bench.reads``.

``PYTHONPATH=<tree>/platform:. python -m bench.profile_reads --url <generated db> --out
bench/profiles/<label>`` (the users are ``inspectnet bench generate``'s). For each operation:
warm-up runs, then ``PROFILE_RUNS`` requests to the real ASGI app over HTTP in-process under one
pyinstrument session, written as a text summary ``<out>/<operation>.txt``, then ``PROFILE_RUNS``
unprofiled requests whose median and p95 are printed (for alternating before/after runs on a
shared machine, run it several times per tree and compare the medians).

Not part of ``make bench``: it answers "what costs what", ``bench.reads`` answers "how fast".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from bench.reads import SIZES, app_settings, read_operations
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.cli import bench as generator

RUNS = int(os.environ.get("PROFILE_RUNS", "100"))
WARM_UP = 30
# 0.5 ms: most requests take 2-50 ms, and the default 1 ms misses the per-request steps.
INTERVAL = 0.0005


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# Where a sampled frame's own time goes, by the file it runs in (first match wins).
AREAS = (
    ("inspectnet/http/cost.py", "inspectnet cost (http/cost.py)"),
    ("inspectnet/http/", "inspectnet gateway (http/)"),
    ("inspectnet/graphql/", "inspectnet GraphQL kit (graphql/)"),
    ("inspectnet/paging", "inspectnet paging"),
    ("inspectnet/authz/", "inspectnet authorization (authz/)"),
    ("inspectnet/accounts/", "inspectnet sign-in (accounts/)"),
    ("/graphql.py", "inspectnet domain types (*/graphql.py)"),
    ("inspectnet/", "inspectnet other"),
    ("site-packages/graphql/", "graphql-core"),
    ("site-packages/strawberry/", "strawberry"),
    ("site-packages/sqlalchemy/", "SQLAlchemy"),
    ("site-packages/aiosqlite/", "aiosqlite"),
    ("site-packages/asyncpg/", "asyncpg"),
    ("site-packages/starlette/", "starlette / fastapi / httpx"),
    ("site-packages/fastapi/", "starlette / fastapi / httpx"),
    ("site-packages/httpx/", "starlette / fastapi / httpx"),
    ("site-packages/httpcore/", "starlette / fastapi / httpx"),
    ("site-packages/jwt/", "PyJWT"),
    ("asyncio/", "asyncio (event loop, tasks, futures)"),
)
# The event loop with nothing to run: the database thread (aiosqlite) or server is working.
WAITING = "waiting for the database"


def _areas(session: Any, runs: int) -> str:
    """Own time per area (ms per request and share), from every sampled frame."""
    totals: dict[str, float] = {}
    stack: list[tuple[Any, str]] = [(session.root_frame(), "")]
    while stack:
        frame, parent_path = stack.pop()
        # A synthetic "[self]" frame and a C function count where they were called from.
        native = not frame.file_path or frame.file_path.startswith("<")
        path = parent_path if native else frame.file_path
        if frame.children:
            stack.extend((child, path) for child in frame.children)
            continue
        if frame.function in ("poll", "select") or frame.identifier.startswith("[await]"):
            area = WAITING
        else:
            area = next((name for part, name in AREAS if part in path), "other")
        totals[area] = totals.get(area, 0.0) + frame.time
    whole = sum(totals.values()) or 1.0
    lines = ["own time by area      ms/request   share"]
    for area, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {area:<55} {seconds * 1000 / runs:8.2f}  {seconds / whole:6.1%}")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


async def profile(url: str, out: Path | None) -> dict[str, Any]:
    settings = app_settings(url)
    app = create_app(settings, watch_policy=False)
    users = {
        "admin": generator.ADMIN,
        "auditor": generator.AUDITOR,
        "small_auditor": generator.SMALL_AUDITOR,
    }
    operations = await read_operations(app.state.graphql.database, users)
    figures: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        for op in operations:
            token = issue_token(settings, op.signs_in_as, timedelta(hours=2))
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            variables = op.variables | ({"first": SIZES.get(op.name, 20)} if op.paged else {})
            payload = orjson.dumps({"query": op.document, "variables": variables})

            async def ask(payload: bytes = payload, headers: dict[str, str] = headers) -> None:
                response = await client.post("/graphql", content=payload, headers=headers)
                assert response.status_code == 200, response.text
                assert "errors" not in response.json(), response.text

            for _ in range(WARM_UP):
                await ask()
            if out is not None:
                profiler = Profiler(
                    interval=INTERVAL,
                    async_mode=os.environ.get("PROFILE_ASYNC_MODE", "disabled"),
                    use_timing_thread=True,
                )
                profiler.start()
                for _ in range(RUNS):
                    await ask()
                profiler.stop()
                session = profiler.last_session
                assert session is not None
                text = profiler.output_text(unicode=True, color=False, show_all=False)
                flat = profiler.output(ConsoleRenderer(unicode=True, flat=True, show_all=True))
                text += "\nOwn time by function (top 40):\n" + "\n".join(flat.splitlines()[:48])
                _write(
                    out / f"{_slug(op.name)}.txt",
                    f"# {op.name}: {RUNS} requests\n\n{_areas(session, RUNS)}\n{text}",
                )
            timings = []
            cpu = time.process_time()
            for _ in range(RUNS):
                started = time.perf_counter()
                await ask()
                timings.append((time.perf_counter() - started) * 1000)
            # The process's CPU (both threads: the loop and aiosqlite's) per request: on a shared
            # machine it moves far less than the wall clock does.
            cpu = (time.process_time() - cpu) * 1000 / RUNS
            timings.sort()
            figures[op.name] = {
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
                "cpu_ms": round(cpu, 2),
            }
            print(f"  {op.name:<36} {figures[op.name]}", file=sys.stderr)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", type=Path, help="write the profiles here (else only time)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    figures = asyncio.run(profile(args.url, args.out))
    print(json.dumps({"load": [load, os.getloadavg()[0]], "operations": figures}))


if __name__ == "__main__":
    main()
