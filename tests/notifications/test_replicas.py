"""Live updates across replicas on PostgreSQL: two ``inspectnet serve`` processes on one database.

Two single-worker servers (A and B) are two replicas exactly as ``--workers 2`` makes them (each
its own process, engine and bus), but each subscriber knows which one it is on. A mutation on A
raises the notifications; LISTEN/NOTIFY carries the ids to B; B re-reads each one through
``readable`` under the current policy, so a subscriber whose role was revoked (on A) in between
receives nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from inspectnet import migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id
from inspectnet.settings import Settings
from tests.conftest import _pg_admin, _pg_available, make_settings
from tests.factories import sign_in_name_of
from tests.notifications.conftest import Office3, make_office3
from tests.notifications.live import LiveClient, free_port
from tests.support import skip_or_fail

SECRET = "replica-test-secret-replica-test-secret!!"
NOTICE = """mutation($input: SendNoticeInput!) { sendNotice(input: $input) {
  sentCount userErrors { code } } }"""
GRANTS = "query($id: ID!) { office(id: $id) { roleGrants { nodes { id account { id } } } } }"
REVOKE = """mutation($input: RevokeRoleInput!) { revokeRole(input: $input) {
  revokedGrantId userErrors { code } } }"""
PROBE = "探测"


@dataclass
class Server:
    http: str
    ws: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def _serve(url: str, log: Path) -> Iterator[Server]:
    port = free_port()
    env = os.environ | {
        "INSPECTNET_DATABASE_URL": url,
        "INSPECTNET_JWT_SECRET": SECRET,
        "INSPECTNET_LOG_LEVEL": "WARNING",
        # The test's development keyring, so the IDs it computes are the servers' IDs too.
        "INSPECTNET_DEVELOPMENT": "true",
        "INSPECTNET_AUDIT_OUTBOX_DIR": str(log.with_suffix(".outbox")),
        "INSPECTNET_AUDIT_CHECKPOINT_DIR": str(log.parent / "checkpoints"),
    }
    command = [sys.executable, "-m", "inspectnet.cli", "serve", "--host", "127.0.0.1"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    # A clean stop: the bus's LISTEN connection and the subscriptions closed without error.
    # (A single uvicorn process re-raises the SIGTERM it handled once it has shut down.)
    output = log.read_text(errors="replace")
    assert process.returncode in (0, -signal.SIGTERM), output[-2000:]
    assert "Traceback" not in output and '"level": "error"' not in output, output[-2000:]


async def _ready(server: Server) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(60):
        while True:
            assert server.process.poll() is None, server.log.read_text(errors="replace")[-2000:]
            try:
                if (await client.get(f"{server.http}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)


@dataclass
class Replicas:
    settings: Settings
    office3: Office3
    a: Server
    b: Server

    def token(self, username: str) -> str:
        return issue_token(self.settings, sign_in_name_of(username), timedelta(minutes=10))

    async def gql(self, server: Server, query: str, variables: dict[str, Any], user: str) -> Any:
        async with httpx.AsyncClient(base_url=server.http) as client:
            response = await client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={
                    "authorization": f"Bearer {self.token(user)}",
                    "accept": "application/json",
                },
            )
        assert response.status_code == 200, response.text
        return response.json()

    async def notice(self, server: Server, recipients: list[Any], title: str) -> None:
        variables = {
            "input": {
                "officeId": global_id("Office", self.office3.office.id),
                "recipientIds": [global_id("UserAccount", r.id) for r in recipients],
                "title": title,
            }
        }
        sent = await self.gql(server, NOTICE, variables, self.office3.admin.username)
        assert sent["data"]["sendNotice"] == {"sentCount": len(recipients), "userErrors": []}


@pytest.fixture
async def replicas(tmp_path: Path) -> AsyncIterator[Replicas]:
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = f"inspectnet_live_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    settings = make_settings(url, jwt_secret=SECRET)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(migrate.upgrade, settings).result()
        database = Database(make_engine(settings))
        async with database.transaction() as session:
            office3 = await make_office3(
                session, Actor.system(PolicyStore(settings.policy_dir).compiled)
            )
        await database.dispose()
        with _serve(url, tmp_path / "a.log") as a, _serve(url, tmp_path / "b.log") as b:
            await asyncio.gather(_ready(a), _ready(b))
            yield Replicas(settings, office3, a, b)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _title_of(client: LiveClient, seconds: float = 10) -> str:
    message = await client.receive(seconds)
    assert message["type"] == "next", message
    return str(message["payload"]["data"]["notificationAdded"]["title"])


async def _until_live(replicas: Replicas, clients: dict[str, tuple[LiveClient, Any]]) -> None:
    """Send probe notices (from A) until every subscriber has had one, then let stragglers land.

    graphql-transport-ws does not acknowledge a subscribe, and these subscribers sit in other
    processes, so being heard is the only proof of being subscribed.
    """
    waiting = dict(clients)
    async with asyncio.timeout(60):
        while waiting:
            await replicas.notice(replicas.a, [user for _, user in waiting.values()], PROBE)
            for name, (client, _) in list(waiting.items()):
                try:
                    assert await _title_of(client, 1.0) == PROBE
                    del waiting[name]
                except TimeoutError:
                    pass
    for client, _ in clients.values():
        while not await client.nothing_within(0.5):
            pass


@asynccontextmanager
async def _subscribed(replicas: Replicas, server: Server, user: Any) -> AsyncIterator[LiveClient]:
    async with LiveClient.connected(server.ws) as client:
        assert await client.init(replicas.token(user.username)) == {"type": "connection_ack"}
        await client.subscribe("feed")
        yield client


@pytest.mark.postgres
async def test_an_event_raised_on_one_replica_reaches_subscribers_on_the_other_but_not_a_revoked_one(
    replicas: Replicas,
) -> None:
    a, b = replicas.a, replicas.b
    admin, member, other = replicas.office3.admin, replicas.office3.member, replicas.office3.other
    async with (
        _subscribed(replicas, b, member) as member_on_b,
        _subscribed(replicas, b, other) as other_on_b,
        _subscribed(replicas, a, admin) as admin_on_a,
    ):
        await _until_live(
            replicas,
            {
                "member": (member_on_b, member),
                "other": (other_on_b, other),
                "admin": (admin_on_a, admin),
            },
        )

        # Raised on A, heard on B (and on A itself).
        await replicas.notice(a, [member, other, admin], "第一次通知")
        assert await _title_of(member_on_b) == "第一次通知"
        assert await _title_of(other_on_b) == "第一次通知"
        assert await _title_of(admin_on_a) == "第一次通知"

        # The member's role is revoked on A; B's subscriber is still connected.
        grants = await replicas.gql(
            a, GRANTS, {"id": global_id("Office", replicas.office3.office.id)}, admin.username
        )
        [grant] = [
            g["id"]
            for g in grants["data"]["office"]["roleGrants"]["nodes"]
            if g["account"]["id"] == global_id("UserAccount", member.id)
        ]
        revoked = await replicas.gql(a, REVOKE, {"input": {"grantId": grant}}, admin.username)
        assert revoked["data"]["revokeRole"] == {"revokedGrantId": grant, "userErrors": []}

        await replicas.notice(a, [member, other], "撤销后的通知")
        assert await _title_of(other_on_b) == "撤销后的通知"
        assert await member_on_b.nothing_within(2.0)
        assert await admin_on_a.nothing_within(0.2)
