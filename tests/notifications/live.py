"""Test helpers for live updates: a uvicorn server in this event loop, a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from inspectnet import events

PROTOCOL = "graphql-transport-ws"
NOTIFICATION_ADDED = (
    "subscription { notificationAdded { id kind title subjectId officeId readAt } }"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 (lifespan included) in this loop; yields ``ws://host:port``."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        async with asyncio.timeout(20):
            await task


class LiveClient:
    """One graphql-transport-ws connection, with bounded waits."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    @contextlib.asynccontextmanager
    async def connected(
        cls, base: str, path: str = "/graphql", **kwargs: Any
    ) -> AsyncIterator[LiveClient]:
        async with connect(f"{base}{path}", subprotocols=[PROTOCOL], **kwargs) as ws:  # type: ignore[list-item]
            yield cls(ws)

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, seconds: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(seconds):
            return json.loads(await self.ws.recv())  # type: ignore[no-any-return]

    async def init(self, token: str | None, seconds: float = 10) -> dict[str, Any]:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive(seconds)

    async def subscribe(self, operation_id: str, query: str = NOTIFICATION_ADDED) -> None:
        await self.send({"id": operation_id, "type": "subscribe", "payload": {"query": query}})

    async def subscribe_and_wait(
        self, operation_id: str, query: str = NOTIFICATION_ADDED, seconds: float = 10
    ) -> None:
        """Subscribe, then wait until this process's bus holds one more subscriber.

        The protocol has no acknowledgement of a subscribe, and an event published before the
        subscriber joined the bus is not for it; in-process tests can see the bus, so they wait.
        """
        bus = events.installed()
        assert bus is not None, "no app is serving in this process"
        before = bus.subscriber_count
        await self.subscribe(operation_id, query)
        async with asyncio.timeout(seconds):
            while bus.subscriber_count <= before:  # noqa: ASYNC110 (the bus has no event to wait on)
                await asyncio.sleep(0.01)

    async def nothing_within(self, seconds: float) -> bool:
        """True when no message arrives for ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                await self.ws.recv()
        except TimeoutError:
            return True
        return False

    async def closed_with(self, seconds: float = 10) -> tuple[int | None, str | None]:
        """The close code and reason once the server closes (fails if a message comes first)."""
        from websockets.exceptions import ConnectionClosed

        try:
            async with asyncio.timeout(seconds):
                message = await self.ws.recv()
        except ConnectionClosed as closed:
            frame = closed.rcvd
            return (frame.code, frame.reason) if frame else (None, None)
        raise AssertionError(f"expected a close, got {message!r}")
