"""`inspectnet serve` as operators run it: workers come up ready, answer, and stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from inspectnet import migrate
from inspectnet.accounts.tokens import issue_token
from tests.conftest import make_settings, mounted_keys_dir

SECRET = "serve-test-secret-serve-test-secret-serve"


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


def test_serve_with_two_workers_answers_and_stops_cleanly(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    settings = make_settings(url, jwt_secret=SECRET)
    migrate.upgrade(settings)
    env = os.environ | {
        "INSPECTNET_DATABASE_URL": url,
        "INSPECTNET_JWT_SECRET": SECRET,
        "INSPECTNET_LOG_LEVEL": "WARNING",
        "INSPECTNET_KEYS_DIR": str(mounted_keys_dir()),
        "INSPECTNET_AUDIT_OUTBOX_DIR": str(tmp_path / "outbox"),
        "INSPECTNET_AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }
    subprocess.run(
        [sys.executable, "-m", "inspectnet.cli", "demo", "load"],
        env=env,
        check=True,
        capture_output=True,
    )
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
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"{base}/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        assert json.loads(body)["ready"] is True
        token = issue_token(settings, "baotou_member", timedelta(minutes=5))
        status, body = _get(
            f"{base}/graphql",
            headers={
                "authorization": f"Bearer {token}",
                "content-type": "application/json",
                "accept": "application/json",
            },
            body=json.dumps({"query": "{ viewer { username } }"}).encode(),
        )
        assert status == 200 and json.loads(body)["data"] == {
            "viewer": {"username": "baotou_member"}
        }
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=40)
    assert server.returncode == 0, output.decode(errors="replace")[-2000:]


def test_serve_refuses_a_database_behind_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(make_settings(url, jwt_secret=SECRET), "20261125_0001")
    env = os.environ | {"INSPECTNET_DATABASE_URL": url, "INSPECTNET_JWT_SECRET": SECRET}
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
