"""GraphQL request throughput on the SQLite default: the whole-network query and a single read.

Prints requests per second, p50/p95 latency and SQL statements per request, at two network
sizes, in-process over ASGI (no sockets), so the figures are the app's own cost.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from tests.sqlcount import count_statements

from inspectnet import domains, keyring, migrate
from inspectnet.accounts.models import Role
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id
from inspectnet.settings import Settings

NETWORK = """query($id: ID!) { office(id: $id) { subordinates(depth: 3, first: 100) { totalCount
  edges { node { id name superiors { totalCount } targets(first: 5) { totalCount nodes { name } } } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Office { name kind } } }"
REQUESTS = 150


async def _prepare(path: Path, size: int) -> tuple[Settings, int, str]:
    from tests.factories import make_network, make_target, make_user  # same builders as the tests

    from inspectnet.accounts.names import sign_in_name

    keys_dir = path.parent / f"keys-{size}"
    if not keys_dir.exists():
        keyring.init(keys_dir)  # production refuses the development keyring
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        jwt_secret="bench-secret-bench-secret-bench-secret!",
        keys_dir=keys_dir,
        log_level="WARNING",
        # Measure the app, not the per-user budget that would throttle a tight loop.
        graphql_cost_budget=10**9,
        graphql_cost_restore_rate=10**9,
    )
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=False))
    await asyncio.to_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    async with database.transaction() as session:
        actor = Actor.system(domains.policy_store(settings.policy_dir).compiled, name="bench")
        offices = await make_network(session, actor, size)
        for office in offices:
            await make_target(session, actor, office)
        admin = await make_user(
            session, actor, offices[0], Role.OFFICE_ADMIN, username=f"bench{size}"
        )
        root, username = offices[0].id, sign_in_name(offices[0].code, admin.username)
    await database.dispose()
    return settings, root, username


async def _run(settings: Settings, root: int, username: str, query: str, label: str) -> None:
    app = create_app(settings, watch_policy=False)
    service = app.state.graphql
    token = issue_token(settings, username, timedelta(hours=1))
    headers = {"authorization": f"Bearer {token}"}
    body = {"query": query, "variables": {"id": global_id("Office", root)}}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://b") as client,
    ):
        for _ in range(10):  # warm caches
            assert (await client.post("/graphql", json=body, headers=headers)).status_code == 200
        latencies = []
        with count_statements(service.database.sync_engine) as statements:
            started = time.perf_counter()
            for _ in range(REQUESTS):
                t0 = time.perf_counter()
                response = await client.post("/graphql", json=body, headers=headers)
                latencies.append(time.perf_counter() - t0)
                assert response.status_code == 200 and "errors" not in response.json(), (
                    response.text
                )
            elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        f"{label:<34} {REQUESTS / elapsed:8.1f} req/s   p50 {statistics.median(latencies) * 1000:6.1f} ms"
        f"   p95 {latencies[int(0.95 * len(latencies))] * 1000:6.1f} ms   {statements.count / REQUESTS:4.1f} SQL/request"
    )


def main() -> None:
    async def go() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for size in (13, 200):
                settings, root, username = await _prepare(Path(tmp) / f"bench{size}.db", size)
                await _run(settings, root, username, NETWORK, f"network depth 3, {size} offices")
                await _run(settings, root, username, NODE, f"node(id), {size} offices")

    asyncio.run(go())


if __name__ == "__main__":
    main()
