"""Policy changes seen by every replica: Casbin's PostgreSQL watcher (LISTEN/NOTIFY).

The version stamp read at sign-in already keeps every decision current; the watcher makes the
other replicas reload as soon as a change is committed, instead of on their next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import unquote, urlsplit

from postgresql_watcher import PostgresqlWatcher

from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database

CHANNEL = "inspectnet_policy"
POLL_SECONDS = 0.1
log = logging.getLogger("inspectnet.authz.watcher")


def connection_params(database_url: str) -> dict[str, str | int]:
    """psycopg2's keywords from our ``postgresql+asyncpg://`` URL."""
    parts = urlsplit(database_url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "dbname": parts.path.lstrip("/") or "postgres",
    }


class PolicyWatcher:
    """Listens for other replicas' changes and reloads; announces this replica's own."""

    def __init__(self, database_url: str, store: PolicyStore, database: Database) -> None:
        self._params = connection_params(database_url)
        self._store = store
        self._database = database
        self._watcher: PostgresqlWatcher | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # The library's listener is a child process that connects after a short delay;
        # wait for it off the event loop.
        self._watcher = await asyncio.to_thread(
            PostgresqlWatcher, channel_name=CHANNEL, logger=log, **self._params
        )
        self._store.announce = self.announce
        self._task = asyncio.create_task(self._listen(), name="policy-watcher")

    async def announce(self) -> None:
        if self._watcher is not None:
            await asyncio.to_thread(self._watcher.update)

    async def _listen(self) -> None:
        assert self._watcher is not None
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if self._watcher.should_reload():
                try:
                    async with self._database.session() as session:
                        await self._store.reload(session)
                except Exception:  # a failed reload must not kill the listener
                    log.exception("policy reload after a NOTIFY failed")

    async def stop(self) -> None:
        self._store.announce = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._watcher is not None:
            await asyncio.to_thread(self._watcher.stop)
