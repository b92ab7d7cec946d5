"""Subscriptions over graphql-transport-ws, against a real uvicorn server in this process (SQLite).

Sign-in by ``connection_init`` only, the protocol's close codes, the HTTP document limits on
``subscribe``, and delivery re-read through ``readable``: a revoked subscriber receives nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from inspectnet import clock, migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.http import subscriptions
from inspectnet.ids import global_id
from inspectnet.settings import Settings
from tests.conftest import make_settings
from tests.factories import sign_in_name_of
from tests.notifications.conftest import Office3, make_office3
from tests.notifications.live import NOTIFICATION_ADDED, LiveClient, serving

NOTICE = """mutation($input: SendNoticeInput!) { sendNotice(input: $input) {
  sentCount userErrors { code } } }"""
GRANTS = "query($id: ID!) { office(id: $id) { roleGrants { nodes { id account { id } } } } }"
REVOKE = """mutation($input: RevokeRoleInput!) { revokeRole(input: $input) {
  revokedGrantId userErrors { code } } }"""


@dataclass
class Live:
    settings: Settings
    office3: Office3
    ws: str  # ws://127.0.0.1:port
    http: httpx.AsyncClient

    def token(self, username: str) -> str:
        return issue_token(self.settings, sign_in_name_of(username), timedelta(minutes=10))

    async def gql(self, query: str, variables: dict[str, Any], *, user: str) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {self.token(user)}", "accept": "application/json"},
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def notice(self, *recipients: Any, title: str = "请于本周五前报送材料") -> None:
        sent = await self.gql(
            NOTICE,
            {
                "input": {
                    "officeId": global_id("Office", self.office3.office.id),
                    "recipientIds": [global_id("UserAccount", r.id) for r in recipients],
                    "title": title,
                }
            },
            user=self.office3.admin.username,
        )
        assert sent["data"]["sendNotice"] == {"sentCount": len(recipients), "userErrors": []}


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file of its own: the server commits for real."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(migrate.upgrade, make_settings(url)).result()
    return url


@pytest.fixture
async def live(live_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Live]:
    """A fresh office and the app serving on a free port; ``request.param``: settings overrides."""
    settings = make_settings(live_url, **getattr(request, "param", {}))
    database = Database(make_engine(settings))
    async with database.transaction() as session:
        office3 = await make_office3(
            session, Actor.system(PolicyStore(settings.policy_dir).compiled)
        )
    await database.dispose()
    async with (
        serving(create_app(settings)) as ws,
        httpx.AsyncClient(base_url=ws.replace("ws://", "http://")) as http,
    ):
        yield Live(settings, office3, ws, http)


async def test_a_subscriber_receives_its_own_notification_raised_by_a_mutation(live: Live) -> None:
    member, other = live.office3.member, live.office3.other
    async with LiveClient.connected(live.ws) as mine, LiveClient.connected(live.ws) as theirs:
        assert await mine.init(live.token(member.username)) == {"type": "connection_ack"}
        assert await theirs.init(live.token(other.username)) == {"type": "connection_ack"}
        await mine.subscribe_and_wait("1")
        await theirs.subscribe_and_wait("1")
        await live.notice(member)
        message = await mine.receive()
        assert message["id"] == "1" and message["type"] == "next"
        assert message["payload"]["data"]["notificationAdded"] | {"id": None} == {
            "id": None,
            "kind": "NOTICE",
            "title": "请于本周五前报送材料",
            "subjectId": global_id("Office", live.office3.office.id),
            "officeId": global_id("Office", live.office3.office.id),
            "readAt": None,
        }
        assert await theirs.nothing_within(0.5)


async def test_a_subscriber_whose_role_was_revoked_receives_nothing(live: Live) -> None:
    member, other, admin = live.office3.member, live.office3.other, live.office3.admin
    async with LiveClient.connected(live.ws) as revoked, LiveClient.connected(live.ws) as kept:
        await revoked.init(live.token(member.username))
        await kept.init(live.token(other.username))
        await revoked.subscribe_and_wait("s")
        await kept.subscribe_and_wait("s")
        await live.notice(member, title="撤销前")
        assert (await revoked.receive())["payload"]["data"]["notificationAdded"][
            "title"
        ] == "撤销前"

        grants = await live.gql(
            GRANTS, {"id": global_id("Office", live.office3.office.id)}, user=admin.username
        )
        [grant] = [
            g["id"]
            for g in grants["data"]["office"]["roleGrants"]["nodes"]
            if g["account"]["id"] == global_id("UserAccount", member.id)
        ]
        revoking = await live.gql(REVOKE, {"input": {"grantId": grant}}, user=admin.username)
        assert revoking["data"]["revokeRole"]["userErrors"] == []

        await live.notice(member, other, title="撤销后")
        assert (await kept.receive())["payload"]["data"]["notificationAdded"]["title"] == "撤销后"
        assert await revoked.nothing_within(1.0)


async def test_sign_in_is_by_connection_init_only_and_a_bad_token_closes_4403(
    live: Live,
) -> None:
    token = live.token(live.office3.member.username)
    for payload in (None, {}, {"authorization": "Bearer not-a-token"}, {"authorization": token}):
        async with LiveClient.connected(live.ws) as client:
            await client.send({"type": "connection_init", "payload": payload})
            assert await client.closed_with() == (4403, "Forbidden"), payload
    unknown = live.token("nobody_at_all")
    async with LiveClient.connected(live.ws) as client:
        await client.send(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {unknown}"}}
        )
        assert await client.closed_with() == (4403, "Forbidden")
    # A token in the query string, a cookie or the handshake's headers signs nobody in.
    async with LiveClient.connected(
        live.ws,
        f"/graphql?authorization=Bearer%20{token}&token={token}",
        additional_headers={
            "cookie": f"authorization=Bearer {token}; token={token}",
            "authorization": f"Bearer {token}",
        },
    ) as client:
        await client.send({"type": "connection_init", "payload": {}})
        assert await client.closed_with() == (4403, "Forbidden")


async def test_subscribe_before_the_acknowledgement_closes_4401(live: Live) -> None:
    async with LiveClient.connected(live.ws) as client:
        await client.subscribe("1")
        assert await client.closed_with() == (4401, "Unauthorized")


async def test_a_second_init_closes_4429_and_a_reused_id_4409(live: Live) -> None:
    token = live.token(live.office3.member.username)
    async with LiveClient.connected(live.ws) as client:
        await client.init(token)
        await client.send(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        )
        assert await client.closed_with() == (4429, "Too many initialisation requests")
    async with LiveClient.connected(live.ws) as client:
        await client.init(token)
        await client.subscribe_and_wait("same")
        await client.subscribe("same")
        assert await client.closed_with() == (4409, "Subscriber for same already exists")


async def test_subscribe_documents_pass_the_http_limits_and_the_connection_stays_open(
    live: Live,
) -> None:
    member = live.office3.member
    aliased = " ".join(f"a{i}: id" for i in range(31))
    refused = {
        "TOO_MANY_ALIASES": f"subscription {{ notificationAdded {{ {aliased} }} }}",
        "TOO_MANY_TOKENS": "subscription { notificationAdded { " + "id " * 5_000 + "} }",
        "GRAPHQL_VALIDATION_FAILED": "subscription { notificationAdded { nosuchfield } }",
        "GRAPHQL_PARSE_FAILED": "subscription { notificationAdded { id }",
        "OPERATION_NOT_SUPPORTED": "{ viewer { username } }",
    }
    async with LiveClient.connected(live.ws, max_size=None) as client:
        await client.init(live.token(member.username))
        for index, (code, query) in enumerate(refused.items()):
            await client.subscribe(str(index), query)
            message = await client.receive()
            assert (message["id"], message["type"]) == (str(index), "error"), code
            assert message["payload"][0]["extensions"]["code"] == code
        await client.subscribe_and_wait("ok", NOTIFICATION_ADDED)
        await live.notice(member)
        assert (await client.receive())["id"] == "ok"


async def test_complete_stops_the_subscription(live: Live) -> None:
    member = live.office3.member
    async with LiveClient.connected(live.ws) as client:
        await client.init(live.token(member.username))
        await client.subscribe_and_wait("1")
        await client.send({"id": "1", "type": "complete"})
        await asyncio.sleep(0.1)
        await live.notice(member)
        assert await client.nothing_within(0.5)
        await client.send({"type": "ping"})
        assert await client.receive() == {"type": "pong"}


async def test_a_client_without_the_subprotocol_is_closed_4406(live: Live) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    async with connect(f"{live.ws}/graphql") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                await ws.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4406,
        "Subprotocol not acceptable",
    )


async def test_a_token_that_expired_since_connecting_closes_4403_at_the_next_event(
    live: Live,
) -> None:
    member = live.office3.member
    async with LiveClient.connected(live.ws) as client:
        await client.init(live.token(member.username))  # valid for ten minutes
        await client.subscribe_and_wait("1")
        with clock.frozen(clock.now() + timedelta(hours=1)):
            await live.notice(member)
            assert await client.closed_with() == (4403, "Forbidden")


@pytest.mark.parametrize(
    "live",
    [{"graphql_cost_budget": 2, "graphql_max_query_cost": 2, "graphql_cost_restore_rate": 0.001}],
    indirect=True,
)
async def test_each_subscribe_is_charged_to_the_callers_budget(live: Live) -> None:
    async with LiveClient.connected(live.ws) as client:
        await client.init(live.token(live.office3.member.username))
        await client.subscribe_and_wait("1")  # costs 1 (one object field)
        await client.subscribe_and_wait("2")
        await client.subscribe("3")
        message = await client.receive()
        assert (message["id"], message["type"]) == ("3", "error")
        assert message["payload"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_no_connection_init_in_time_closes_4408_even_while_pinging(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    from websockets.exceptions import ConnectionClosed

    monkeypatch.setattr(subscriptions, "INIT_TIMEOUT_SECONDS", 0.5)
    async with LiveClient.connected(live.ws) as client:
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(5):  # pinging forever would keep it open without a deadline
                while True:
                    await client.send({"type": "ping"})
                    assert await client.receive() == {"type": "pong"}
                    await asyncio.sleep(0.1)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4408,
        "Connection initialisation timeout",
    )


async def test_an_overlong_or_missing_subscription_id_closes_4400(live: Live) -> None:
    for operation_id in ("x" * 65, "", None):
        async with LiveClient.connected(live.ws) as client:
            await client.init(live.token(live.office3.member.username))
            await client.send(
                {"id": operation_id, "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}}
            )
            assert await client.closed_with() == (4400, "Invalid message"), operation_id
