"""Policy changes seen by every worker of every replica: LISTEN/NOTIFY on the app's own engine.

The version stamp read at sign-in already keeps every decision current; the watcher makes the
other workers reload as soon as a change is committed, instead of on their next request. It is
an asyncio task inside each worker, listening on one connection taken from the application's
engine (so the URL's ``ssl``/``host`` options and the pool's settings apply); it reconnects with
backoff when the connection drops, reloading once it is back (a change may have been missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database

CHANNEL = "inspectnet_policy"
START_TIMEOUT_SECONDS = 5.0
BACKOFF_FIRST_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 5.0
log = logging.getLogger("inspectnet.authz.watcher")


class WatcherUnavailable(RuntimeError):
    """Start-up cannot listen for policy changes: one line saying why, never the URL."""


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no connection within {START_TIMEOUT_SECONDS:g} s"
    # The driver's message, never the URL (it may carry a password).
    first_line = next(iter(str(error).splitlines()), "")
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


class PolicyWatcher:
    """Listens for other workers' changes and reloads; announces this worker's own."""

    def __init__(self, store: PolicyStore, database: Database) -> None:
        self._store = store
        self._database = database
        self._engine = database.engine
        self._id = uuid.uuid4().hex  # our own NOTIFYs come back to us: skip them
        self._connection: AsyncConnection | None = None
        self._driver: Any = None
        self._lost = asyncio.Event()
        self._changed = asyncio.Event()
        self._notify_lock = asyncio.Lock()  # one query at a time on the listening connection
        self._tasks: list[asyncio.Task[None]] = []
        self.reconnects = 0

    async def start(self) -> None:
        """Listen, or raise WatcherUnavailable within START_TIMEOUT_SECONDS."""
        try:
            await asyncio.wait_for(self._listen(), START_TIMEOUT_SECONDS)
        except (Exception, TimeoutError) as error:
            await self._release()
            raise WatcherUnavailable(
                f"policy watcher: cannot LISTEN on the database: {_reason(error)}"
            ) from None
        self._store.announce = self.announce
        self._tasks = [
            asyncio.create_task(self._keep_listening(), name="policy-watcher"),
            asyncio.create_task(self._reload_on_change(), name="policy-reloader"),
        ]

    async def announce(self) -> None:
        """Tell the other workers a change was committed (NOTIFY through the app's engine)."""
        driver = self._driver
        if driver is not None and not driver.is_closed():
            # The listening connection is already open and outside any transaction: one round
            # trip, where a pooled one costs a pre-ping, BEGIN, the NOTIFY and COMMIT.
            try:
                async with self._notify_lock:
                    await driver.execute("SELECT pg_notify($1, $2)", CHANNEL, self._id)
                return
            except Exception as error:
                log.warning(
                    "policy watcher: NOTIFY on the listening connection failed (%s)", _reason(error)
                )
        async with self._engine.connect() as connection:
            await connection.execute(
                text("SELECT pg_notify(:channel, :sender)"),
                {"channel": CHANNEL, "sender": self._id},
            )
            await connection.commit()

    async def stop(self) -> None:
        self._store.announce = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._release()

    async def _listen(self) -> None:
        self._lost.clear()
        self._connection = await self._engine.connect()
        raw = await self._connection.get_raw_connection()
        self._driver = raw.driver_connection
        self._driver.add_termination_listener(self._terminated)
        await self._driver.add_listener(CHANNEL, self._heard)

    def _heard(self, _connection: Any, _pid: int, _channel: str, sender: str) -> None:
        if sender != self._id:
            self._changed.set()

    def _terminated(self, _connection: Any) -> None:
        self._lost.set()

    async def _keep_listening(self) -> None:
        while True:
            await self._lost.wait()
            log.warning("policy watcher: connection lost, reconnecting")
            await self._release()
            delay = BACKOFF_FIRST_SECONDS
            while True:
                try:
                    await self._listen()
                    break
                except Exception as error:
                    await self._release()
                    log.warning("policy watcher: reconnect failed (%s)", _reason(error))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, BACKOFF_MAX_SECONDS)
            self.reconnects += 1
            self._changed.set()  # whatever was committed while we were away

    async def _reload_on_change(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            try:
                async with self._database.session() as session:
                    await self._store.reload(session)
            except Exception:  # a failed reload must not kill the watcher
                log.exception("policy reload after a NOTIFY failed")

    async def _release(self) -> None:
        connection, driver = self._connection, self._driver
        self._connection = self._driver = None
        if driver is not None and not driver.is_closed():
            with contextlib.suppress(Exception):
                await driver.remove_listener(CHANNEL, self._heard)
            driver.remove_termination_listener(self._terminated)
        if connection is not None:
            with contextlib.suppress(Exception):
                if driver is None or driver.is_closed():
                    await connection.invalidate()
                await connection.close()
