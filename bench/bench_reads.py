"""Read operations at nmg scale on SQLite and PostgreSQL, before and after, beside a floor.

``python -m bench reads`` (part of ``make bench``): for each database it migrates a fresh one,
fills it with ``inspectnet bench generate --scale nmg --seed 1``, and measures the read
operations of ``bench.reads`` in a fresh interpreter per code tree:

- ``after``: this tree;
- ``before``: the tree named by ``BENCH_BEFORE`` (a directory holding ``platform/``, e.g. a
  checkout of main), measured on the same rows with the schema downgraded to
  ``BENCH_BEFORE_REVISION``; skipped when ``BENCH_BEFORE`` is unset.

Writes ``bench/results/<date>-<db>.json`` and the table of ``docs/benchmarks.md``. PostgreSQL
is skipped when ``BENCH_PG_ADMIN`` (default: postgres on 127.0.0.1) does not answer.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from bench import served
from inspectnet import keyring, migrate
from inspectnet.cli import bench as generator
from inspectnet.db import Database, make_engine
from inspectnet.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
SEED = 1
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
BEFORE = os.environ.get("BENCH_BEFORE")
BEFORE_REVISION = os.environ.get("BENCH_BEFORE_REVISION", "20261125_0003")
USERS = {
    "admin": generator.ADMIN,
    "auditor": generator.AUDITOR,
    "small_auditor": generator.SMALL_AUDITOR,
}


def _settings(url: str) -> Settings:
    return Settings(
        database_url=url, jwt_secret="bench-secret-bench-secret-bench-secret!", log_level="WARNING"
    )


async def _pg(sql: str) -> bool:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(PG_ADMIN), timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
    return True


async def _fresh(db: str) -> str | None:
    """A new empty database's URL, or None when that database cannot be had."""
    if db == "sqlite":
        path = ROOT / "var" / "bench" / "bench.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in path.parent.glob("bench.db*"):
            leftover.unlink()
        return f"sqlite+aiosqlite:///{path}"
    if not await _pg('DROP DATABASE IF EXISTS "inspectnet_bench" WITH (FORCE)'):
        return None
    await _pg('CREATE DATABASE "inspectnet_bench"')
    host = PG_ADMIN.split("@", 1)[1].rsplit("/", 1)[0]
    user = PG_ADMIN.split("//", 1)[1].split("@", 1)[0]
    return f"postgresql+asyncpg://{user}@{host}/inspectnet_bench"


async def _generate(url: str) -> float:
    settings = _settings(url)
    await asyncio.to_thread(migrate.upgrade, settings)
    # The audit rows are chained with the audit key; the measuring app (development=True in
    # bench.reads) holds the same development keyring.
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=True))
    database = Database(make_engine(settings))
    started = time.perf_counter()
    try:
        with Progress(console=Console(stderr=True), transient=True) as progress:
            await generator.generate(database, generator.volumes_at("nmg"), SEED, progress)
    finally:
        await database.dispose()
    return time.perf_counter() - started


def _measure(url: str, tree: Path) -> dict[str, Any]:
    env = os.environ | {"PYTHONPATH": f"{tree / 'platform'}{os.pathsep}{ROOT}"}
    args = [sys.executable, "-m", "bench.reads", "--url", url, "--admin", generator.ADMIN]
    args += ["--auditor", generator.AUDITOR, "--small-auditor", generator.SMALL_AUDITOR]
    done = subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _machine() -> dict[str, Any]:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory = meminfo.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    versions = {}
    for name in (
        "strawberry-graphql",
        "graphql-core",
        "SQLAlchemy",
        "fastapi",
        "aiosqlite",
        "asyncpg",
    ):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": versions,
    }


async def _run(db: str) -> dict[str, Any] | None:
    url = await _fresh(db)
    if url is None:
        print(f"== {db}: not reachable, skipped", file=sys.stderr)
        return None
    print(f"== {db}: generating nmg scale, seed {SEED}", file=sys.stderr)
    generated = await _generate(url)
    print(f"   generated in {generated:.1f} s", file=sys.stderr)
    result: dict[str, Any] = {
        "database": db,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "generate_seconds": round(generated, 1),
    }
    print(f"== {db}: after (this tree)", file=sys.stderr)
    result["after"] = await asyncio.to_thread(_measure, url, ROOT)
    result["after"]["served"] = await asyncio.to_thread(served.run, url, USERS, ROOT)
    if BEFORE:
        await asyncio.to_thread(migrate.downgrade, _settings(url), BEFORE_REVISION)
        print(f"== {db}: before ({BEFORE}, schema at {BEFORE_REVISION})", file=sys.stderr)
        try:
            result["before"] = await asyncio.to_thread(_measure, url, Path(BEFORE))
            result["before"]["served"] = await asyncio.to_thread(
                served.run, url, USERS, Path(BEFORE)
            )
        finally:
            await asyncio.to_thread(migrate.upgrade, _settings(url))
    result["machine"]["load_average_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{result['date'][:10]}-{db}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"   wrote {out.relative_to(ROOT)}", file=sys.stderr)
    return result


def table(results: list[dict[str, Any]]) -> str:
    """The Markdown table of a run: before and after side by side, and the floor."""
    lines = []
    for result in results:
        machine = result["machine"]
        lines += [
            f"### {result['database']}, {result['date']}",
            "",
            f"{machine['cores']} cores, {machine['memory']}, Python {machine['python']}, "
            + ", ".join(f"{k} {v}" for k, v in machine["libraries"].items())
            + f"; load average at start {machine['load_average'][0]:.1f}, at end "
            f"{machine['load_average_after'][0]:.1f}; generated in {result['generate_seconds']} s.",
            "",
            "| operation | before p50 / p95 / p99 ms | after p50 / p95 / p99 ms | floor p50 ms "
            "| after ÷ floor (p50) | statements at 10 / 100 (after) | full GCs in 300 (before → after) |",
            "|---|---|---|---|---|---|---|",
        ]
        before = result.get("before", {}).get("operations", {})
        for name, after in result["after"]["operations"].items():
            old = before.get(name)

            def fig(s: dict[str, float]) -> str:
                return f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} / {s['p99_ms']:.1f}"

            statements = " / ".join(str(v) for v in after["statements"].values())
            gcs = f"{old['full_collections']} → " if old else ""
            lines.append(
                f"| {name} | {fig(old['api']) if old else 'not measured'} | {fig(after['api'])} "
                f"| {after['floor']['p50_ms']:.2f} | {after['ratio_p50']}× | {statements} "
                f"| {gcs}{after['full_collections']} |"
            )
        rss = f"{result['after']['max_rss_mb']} MB"
        if "before" in result:
            rss = f"{result['before']['max_rss_mb']} MB before, {rss} after"
        lines += ["", f"Peak RSS of the measuring process: {rss}.", ""]
        lines += [
            "Mixed reads over HTTP, `inspectnet serve --workers 2`, 16 clients:",
            "",
            "| | requests/s | p50 ms | p95 ms | RSS per worker MB |",
            "|---|---|---|---|---|",
        ]
        for label in ("before", "after"):
            run = result.get(label, {}).get("served")
            if run:
                lines.append(
                    f"| {label} | {run['requests_per_second']} | {run['p50_ms']} | {run['p95_ms']} "
                    f"| {', '.join(str(r) for r in run['worker_rss_mb'])} |"
                )
        lines.append("")
    return "\n".join(lines)


_BEGIN, _END = "<!-- bench:results -->", "<!-- /bench:results -->"


def _write_doc(results: list[dict[str, Any]]) -> None:
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{_BEGIN}\n{_END}\n"
    head, _, rest = text.partition(_BEGIN)
    _, _, tail = rest.partition(_END)
    DOC.write_text(f"{head}{_BEGIN}\n{table(results)}\n{_END}{tail}")


def main() -> None:
    results = []
    for db in ("sqlite", "postgresql"):
        found = asyncio.run(_run(db))
        if found is not None:
            results.append(found)
    _write_doc(results)
    print(table(results))


if __name__ == "__main__":
    main()
