"""A hidden object and a missing one cost the same: ``node(id)`` latency for each, on SQLite.

Run with ``python -m bench hidden``. Before the denial outbox, a hidden read ran a second
(existence) query and wrote its audit row inside the request, so it was measurably slower, and
under concurrency on SQLite it failed with "database is locked". Prints p50/p95 per kind,
sequentially and with 20 requests in flight, and the denials the outbox wrote afterwards.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from inspectnet import keyring, migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.demo import load_demo
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.observability.metrics import AUDIT_DENIALS_WRITTEN
from inspectnet.settings import Settings

NODE = "query($id: ID!) { node(id: $id) { id } }"
REQUESTS = 300
IN_FLIGHT = 20


async def _prepare(tmp: Path) -> tuple[Settings, int]:
    keyring.init(tmp / "keys")  # production refuses the development keyring
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp / 'hidden.db'}",
        jwt_secret="bench-secret-bench-secret-bench-secret!",
        log_level="WARNING",
        keys_dir=tmp / "keys",
        audit_outbox_dir=tmp / "outbox",
        audit_checkpoint_dir=tmp / "checkpoints",
        graphql_cost_budget=10**9,
        graphql_cost_restore_rate=10**9,
    )
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=False))
    await asyncio.to_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    async with database.transaction() as session:
        await load_demo(session, Actor.system(PolicyStore(settings.policy_dir).compiled, "bench"))
        chifeng = await session.scalar(select(Office.id).where(Office.code == "nmg.chifeng"))
    await database.dispose()
    assert chifeng is not None
    return settings, chifeng


async def _measure(settings: Settings, hidden: int) -> None:
    app = create_app(settings, watch_policy=False)
    token = issue_token(settings, "baotou_member", timedelta(hours=1))
    headers = {"authorization": f"Bearer {token}"}
    # Chifeng's office is hidden from a Baotou member; 10**6 names nothing.
    ids = {"hidden": global_id("Office", hidden), "missing": global_id("Office", 10**6)}
    written = AUDIT_DENIALS_WRITTEN._value.get()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client,
    ):

        async def one(kind: str) -> float:
            body = {"query": NODE, "variables": {"id": ids[kind]}}
            t0 = time.perf_counter()
            response = await client.post("/graphql", json=body, headers=headers)
            assert response.status_code == 200, response.text
            return time.perf_counter() - t0

        for kind in ids:
            for _ in range(10):
                await one(kind)
        for in_flight in (1, IN_FLIGHT):
            for kind in ("hidden", "missing", "hidden", "missing"):
                latencies: list[float] = []
                for _ in range(REQUESTS // in_flight):
                    latencies += await asyncio.gather(*(one(kind) for _ in range(in_flight)))
                latencies.sort()
                print(
                    f"{kind:<8} {in_flight:>2} in flight   p50"
                    f" {statistics.median(latencies) * 1000:6.2f} ms"
                    f"   p95 {latencies[int(0.95 * len(latencies))] * 1000:6.2f} ms"
                )
    print(f"denials written by the outbox: {AUDIT_DENIALS_WRITTEN._value.get() - written:.0f}")


def main() -> None:
    async def go() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            await _measure(*await _prepare(Path(tmp)))

    asyncio.run(go())


if __name__ == "__main__":
    main()
