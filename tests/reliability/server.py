"""The real service under uvicorn, in a child process, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from inspectnet.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(settings: Settings) -> dict[str, str]:
    """The settings a test made, as the ``INSPECTNET_*`` variables a server reads."""
    env = dict(os.environ)
    env |= {
        "INSPECTNET_DATABASE_URL": settings.database_url,
        "INSPECTNET_JWT_SECRET": settings.jwt_secret,
        "INSPECTNET_DEVELOPMENT": "true" if settings.development else "false",
        "INSPECTNET_KEYS_DIR": str(settings.keys_dir),
        "INSPECTNET_AUDIT_OUTBOX_DIR": str(settings.audit_outbox_dir),
        "INSPECTNET_AUDIT_CHECKPOINT_DIR": str(settings.audit_checkpoint_dir),
        "INSPECTNET_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "platform"),
    }
    return env


@contextmanager
def serving(settings: Settings, *, workers: int = 2, timeout: float = 180) -> Iterator[str]:
    """``inspectnet serve --workers N`` until the block ends; yields its base URL once ready."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("inspectnet")), "serve"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=environment(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
