"""`inspectnet serve` as operators run it: workers come up ready, answer, and stop on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from inspectnet import migrate
from inspectnet.accounts.models import Role
from inspectnet.accounts.tokens import issue_token
from inspectnet.authz.actor import Actor
from inspectnet.cli.main import app
from inspectnet.settings import DEVELOPMENT_JWT_SECRET, get_settings
from tests.conftest import make_settings
from tests.factories import build_in, make_office, make_user
from tests.keys import production_keys_dir

SECRET = "serve-test-secret-serve-test-secret-serve"
METRICS_TOKEN = "serve-test-metrics-token-serve-test-metrics"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(
    url: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _production_env(url: str, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("INSPECTNET_", "PROMETHEUS_"))
    }
    return env | {
        "INSPECTNET_DATABASE_URL": url,
        "INSPECTNET_JWT_SECRET": SECRET,
        "INSPECTNET_KEYS_DIR": str(production_keys_dir()),
        "INSPECTNET_LOG_LEVEL": "WARNING",
        "INSPECTNET_AUDIT_OUTBOX_DIR": tempfile.mkdtemp(prefix="inspectnet-outbox-"),
        "INSPECTNET_AUDIT_CHECKPOINT_DIR": tempfile.mkdtemp(prefix="inspectnet-checkpoints-"),
        **extra,
    }


@contextmanager
def _serving(env: dict[str, str], workers: int) -> Iterator[str]:
    """``inspectnet serve`` with ``workers`` workers, ready; stopped by SIGTERM afterwards."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inspectnet.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, body = _get(f"{base}/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.communicate()[0].decode(errors="replace")
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        assert json.loads(body)["ready"] is True
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=40)
    assert server.returncode == 0, output.decode(errors="replace")[-2000:]


def _migrated(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    migrate.upgrade(make_settings(url, jwt_secret=SECRET))
    return url


async def _member(session: AsyncSession, actor: Actor) -> tuple[str, str]:
    office = await make_office(session, actor)
    member = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    return office.code, member.username


def test_serve_with_two_workers_answers_and_stops_cleanly(tmp_path: Path) -> None:
    url = _migrated(tmp_path)
    settings = make_settings(url, jwt_secret=SECRET)
    office, member = asyncio.run(build_in(settings, _member))
    with _serving(_production_env(url), workers=2) as base:
        token = issue_token(settings, f"{office}/{member}", timedelta(minutes=5))
        status, body = _get(
            f"{base}/graphql",
            headers={
                "authorization": f"Bearer {token}",
                "content-type": "application/json",
                "accept": "application/json",
            },
            body=json.dumps({"query": "{ viewer { username } }"}).encode(),
        )
        assert status == 200 and json.loads(body)["data"] == {"viewer": {"username": member}}


def _count(exposition: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    total = 0.0
    for line in exposition.splitlines():
        if line.startswith(f"{name}{{"):
            found = line[len(name) + 1 : line.index("}")]
            if ",".join(sorted(found.split(","))) == wanted:
                total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_of_two_workers_add_up(tmp_path: Path) -> None:
    url = _migrated(tmp_path)
    shared = tmp_path / "metrics"
    env = _production_env(
        url, INSPECTNET_METRICS_TOKEN=METRICS_TOKEN, PROMETHEUS_MULTIPROC_DIR=str(shared)
    )
    scrape = {"authorization": f"Bearer {METRICS_TOKEN}"}
    with _serving(env, workers=2) as base:
        # Send requests on fresh connections until both workers have answered some (each one
        # writes its own counter file), then every scrape must show them all, whoever answers.
        sent = 0
        while len({p.name.split("_")[1] for p in shared.glob("counter_*.db")}) < 2:
            assert _get(f"{base}/healthz")[0] == 200
            sent += 1
            assert sent < 500, "one worker took every request"
        for _ in range(6):
            status, body = _get(f"{base}/metrics", headers=scrape)
            assert status == 200
            assert _count(
                body.decode(), "inspectnet_http_requests_total", route="/healthz", status="200"
            ) == float(sent)
        assert _get(f"{base}/metrics")[0] == 401


def test_serve_refuses_development_defaults_in_production(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'prod.db'}"
    migrate.upgrade(make_settings(url, jwt_secret=SECRET))
    base = _production_env(url)
    cases = {
        "INSPECTNET_JWT_SECRET": base | {"INSPECTNET_JWT_SECRET": DEVELOPMENT_JWT_SECRET},
        "INSPECTNET_KEYS_DIR": {k: v for k, v in base.items() if k != "INSPECTNET_KEYS_DIR"},
    }
    for variable, env in cases.items():
        result = subprocess.run(
            [sys.executable, "-m", "inspectnet.cli", "serve", "--port", str(_free_port())],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"configuration error: {variable}: "), line


def test_serve_refuses_a_database_behind_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(make_settings(url, jwt_secret=SECRET), "20261125_0001")
    env = _production_env(url)
    result = subprocess.run(
        [sys.executable, "-m", "inspectnet.cli", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [head] = migrate.head_revisions(make_settings(url))
    assert result.stderr.strip().splitlines() == [
        f"not serving: database is at 20261125_0001, migrations at {head}: run `inspectnet db upgrade` first"
    ]


def test_serve_stops_with_one_line_when_workers_could_not_listen_for_policy_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from inspectnet import migrate as migrate_module
    from inspectnet.authz.watcher import PolicyWatcher

    async def migrated(_settings: object) -> None:
        return None

    async def refused(_self: object) -> None:
        raise ConnectionRefusedError("connection refused")

    for name, value in _production_env("postgresql+asyncpg://app:pw@db.invalid/x").items():
        if name.startswith("INSPECTNET_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setattr(migrate_module, "pending_message", migrated)
    monkeypatch.setattr(PolicyWatcher, "_listen", refused)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", str(_free_port())])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "not serving: policy watcher: cannot LISTEN on the database: "
        "ConnectionRefusedError: connection refused"
    ]
