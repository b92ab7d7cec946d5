"""What the API shows to whom: /metrics only with its token (or in development), CORS only for
the configured origins, and WebSocket upgrades from foreign origins refused."""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from inspectnet.db import Database
from inspectnet.origins import WebSocketOrigin
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import MEMBER, serve

TOKEN = "metrics-token-for-tests-metrics-token-for-tests"
ALLOWED = "https://console.example.org"


@pytest.fixture
async def production(db: Database, settings: Settings) -> AsyncIterator[Api]:
    async with serve(db, settings, development=False) as api:
        yield api


@pytest.fixture
async def production_with_token(db: Database, settings: Settings) -> AsyncIterator[Api]:
    async with serve(db, settings, development=False, metrics_token=TOKEN) as api:
        yield api


async def test_metrics_are_not_served_in_production_without_a_token(production: Api) -> None:
    response = await production.client.get("/metrics")
    assert (response.status_code, response.content) == (404, b"")


async def test_metrics_need_the_bearer_token(production_with_token: Api) -> None:
    client = production_with_token.client
    for headers in (
        {},
        {"authorization": "Bearer wrong-token"},
        {"authorization": f"Basic {TOKEN}"},
        {"authorization": f"Bearer {TOKEN}x"},
        {"authorization": f"Bearer {TOKEN[:-1]}"},
    ):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert b"inspectnet_" not in response.content
    allowed = await client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert "inspectnet_http_requests_total" in allowed.text


async def test_metrics_need_the_token_in_development_too_when_one_is_set(
    db: Database, settings: Settings
) -> None:
    async with serve(db, settings, metrics_token=TOKEN) as api:
        assert (await api.client.get("/metrics")).status_code == 401


# --- CORS ------------------------------------------------------------------------------------------


async def _preflight(api: Api, origin: str) -> httpx.Response:
    return await api.client.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )


async def test_no_cross_origin_access_by_default(api: Api) -> None:
    response = await _preflight(api, ALLOWED)
    assert "access-control-allow-origin" not in response.headers
    simple = await api.client.get("/healthz", headers={"origin": ALLOWED})
    assert "access-control-allow-origin" not in simple.headers


async def test_a_configured_origin_may_call_with_credentials(
    db: Database, settings: Settings
) -> None:
    async with serve(db, settings, cors_origins=[ALLOWED]) as api:
        response = await _preflight(api, ALLOWED)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ALLOWED
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "POST" in response.headers["access-control-allow-methods"]
        result = await api.client.post(
            "/graphql",
            json={"query": "{ viewer { username } }"},
            headers={"origin": ALLOWED, "authorization": f"Bearer {api.token(MEMBER)}"},
        )
        assert result.headers["access-control-allow-origin"] == ALLOWED
        assert result.json()["data"] == {"viewer": {"username": MEMBER}}

        foreign = await _preflight(api, "https://evil.example.com")
        assert foreign.status_code == 400
        assert "access-control-allow-origin" not in foreign.headers


# --- WebSocket upgrades ---------------------------------------------------------------------------


def _scope(origin: str | None) -> dict[str, Any]:
    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {
        "type": "websocket",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "scheme": "ws",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "subprotocols": [],
        "state": {},
    }


async def _upgrade(app: Any, origin: str | None) -> tuple[list[dict[str, Any]], bool]:
    """Run one upgrade through ``app``: what it sent back, and whether the inner app ran."""
    sent: list[dict[str, Any]] = []
    received = [{"type": "websocket.connect"}]

    async def receive() -> dict[str, Any]:
        return received.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(origin), receive, send)
    return sent, not received


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (ALLOWED, True),
        ("http://testserver", True),  # the API's own origin
        (None, True),  # not a browser
        ("https://evil.example.com", False),
        ("https://console.example.org.evil.com", False),
        ("http://console.example.org", False),  # another scheme is another origin
    ],
)
async def test_websocket_upgrades_are_checked_against_the_origins(
    origin: str | None, accepted: bool
) -> None:
    reached: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        reached.append(scope["path"])
        await send({"type": "websocket.accept"})

    sent, _ = await _upgrade(WebSocketOrigin(inner, [ALLOWED]), origin)
    if accepted:
        assert (reached, sent) == (["/graphql"], [{"type": "websocket.accept"}])
    else:
        assert (reached, sent) == ([], [{"type": "websocket.close", "code": 1008}])


async def test_the_app_refuses_a_foreign_websocket_upgrade(api: Api) -> None:
    sent, _ = await _upgrade(api.app, "https://evil.example.com")
    assert sent == [{"type": "websocket.close", "code": 1008}]


async def test_the_app_lets_its_own_origin_upgrade(api: Api) -> None:
    # The origin check lets it through to the subscription endpoint, which accepts and then
    # closes it for asking no graphql-transport-ws subprotocol (4406), not for its origin (1008).
    sent, _ = await _upgrade(api.app, "http://testserver")
    assert sent[0]["type"] == "websocket.accept"
    assert sent[-1] == {
        "type": "websocket.close",
        "code": 4406,
        "reason": "Subprotocol not acceptable",
    }


def test_a_dead_workers_live_gauges_leave_the_sums_and_its_counters_stay(tmp_path: Path) -> None:
    from inspectnet.observability.metrics import forget_dead_workers

    dead = _dead_pid()
    alive = os.getpid()
    for pid in (dead, alive):
        for kind in ("gauge_livesum", "counter"):
            (tmp_path / f"{kind}_{pid}.db").write_bytes(b"")
    forget_dead_workers(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"counter_{dead}.db", f"counter_{alive}.db", f"gauge_livesum_{alive}.db"]
    )


def _dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
