"""Live events: ids that something changed for a user, published when the change commits.

A service calls ``publish_after_commit(session, event)`` inside its unit of work. The event
waits on the session and goes out only when the session's outermost transaction commits; a
rolled-back transaction or savepoint drops the events queued inside it (a released savepoint
is not a commit). Events carry ids only (never a title or any content): a subscriber re-reads
the object through ``readable`` at delivery, so the bus can be a plain broadcast and a stale or
stray event shows nothing.

Two buses:
- ``InProcessBus``: one process (the SQLite default); events are handed over after COMMIT;
- ``PostgresBus``: LISTEN/NOTIFY, so every replica's subscribers hear every replica's events.
  The NOTIFY is sent on the committing transaction itself, just before COMMIT: PostgreSQL
  delivers it when (and only if) the transaction commits, so no event is lost between the
  commit and its publication, and a process without a bus of its own (the CLI) still reaches
  every replica's subscribers.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("inspectnet.events")
CHANNEL = "inspectnet_live"
QUEUE_SIZE = 100  # events waiting for one slow subscriber before the oldest is dropped
_PENDING = "inspectnet.events.pending"
RECONNECT_SECONDS = 1.0


@dataclass(frozen=True)
class LiveEvent:
    """Something for one user: ``topic`` names what (e.g. ``notification``), by id only."""

    topic: str
    object_id: int
    recipient_user_id: int
    subject_id: str | None = None  # global ID of the object it is about, if any

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LiveEvent:
        return cls(
            topic=str(data["topic"]),
            object_id=int(data["object_id"]),
            recipient_user_id=int(data["recipient_user_id"]),
            subject_id=None if data.get("subject_id") is None else str(data["subject_id"]),
        )


class Subscription:
    """One subscriber's queue of events for one user and topic."""

    def __init__(self, user_id: int, topic: str) -> None:
        self.user_id, self.topic = user_id, topic
        self.queue: asyncio.Queue[LiveEvent] = asyncio.Queue(QUEUE_SIZE)

    def offer(self, event: LiveEvent) -> None:
        if self.queue.full():
            # Events are only hints (the rows stay): losing the oldest beats blocking the bus.
            self.queue.get_nowait()
            log.warning("live subscriber of user %s is slow: an event was dropped", self.user_id)
        self.queue.put_nowait(event)

    def __aiter__(self) -> AsyncIterator[LiveEvent]:
        return self

    async def __anext__(self) -> LiveEvent:
        return await self.queue.get()


class EventBus(abc.ABC):
    """Fans events out to this process's subscribers; subclasses carry them between replicas."""

    # True: events travel inside the committing PostgreSQL transaction (NOTIFY), not via publish.
    transactional = False

    def __init__(self) -> None:
        self._subscribers: dict[tuple[int, str], set[Subscription]] = {}

    async def start(self) -> None:  # noqa: B027 - a default: the in-process bus needs nothing
        """Connect whatever the bus needs (nothing in-process)."""

    async def stop(self) -> None:  # noqa: B027 - a default: the in-process bus holds nothing
        """Release what ``start`` took."""

    @abc.abstractmethod
    def publish(self, events: Sequence[LiveEvent]) -> None:
        """Send committed events to every replica's subscribers (never blocks, never raises)."""

    @contextlib.asynccontextmanager
    async def subscribe(self, user_id: int, topic: str) -> AsyncIterator[Subscription]:
        """Receive ``topic`` events for ``user_id`` while the block runs."""
        subscription = Subscription(user_id, topic)
        key = (user_id, topic)
        self._subscribers.setdefault(key, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(key, set())
            subscribers.discard(subscription)
            if not subscribers:
                self._subscribers.pop(key, None)

    def deliver(self, event: LiveEvent) -> None:
        """Hand an event to this process's subscribers of its user and topic."""
        for subscription in tuple(
            self._subscribers.get((event.recipient_user_id, event.topic), ())
        ):
            subscription.offer(event)

    @property
    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._subscribers.values())


class InProcessBus(EventBus):
    """One process: publishing is delivering."""

    def publish(self, events: Sequence[LiveEvent]) -> None:
        for event in events:
            self.deliver(event)


class PostgresBus(EventBus):
    """LISTEN/NOTIFY: every replica listens on one channel and delivers what concerns it.

    A replica hears its own NOTIFYs too, so local subscribers are served by the same path as
    remote ones. Committed events are sent by the committing transaction (``notify_sql``);
    ``publish`` (on the listening connection) serves events raised outside a transaction.
    """

    transactional = True

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        # The application's own engine: its URL's options (ssl, host=…) and pool apply here too.
        self._engine = engine
        self._pooled: AsyncConnection | None = None
        self._connection: Any = None
        self._lock = asyncio.Lock()
        self._sending: set[asyncio.Task[None]] = set()
        self._closing = False

    async def start(self) -> None:
        await self._connect()

    async def _connect(self) -> None:
        pooled = await self._engine.connect()
        connection = (await pooled.get_raw_connection()).driver_connection
        await connection.add_listener(CHANNEL, self._heard)
        connection.add_termination_listener(self._lost)
        self._pooled, self._connection = pooled, connection

    def _heard(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            events = [LiveEvent.from_dict(item) for item in json.loads(payload)]
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed live event payload")
            return
        for event in events:
            self.deliver(event)

    def _lost(self, _connection: Any) -> None:
        if not self._closing:
            log.warning("live event connection lost; reconnecting")
            self._track(asyncio.get_running_loop().create_task(self._reconnect()))

    async def _reconnect(self) -> None:
        while not self._closing:
            try:
                await self._connect()
                return
            except Exception:  # any failure to connect: try again shortly
                log.exception("live event reconnect failed")
                await asyncio.sleep(RECONNECT_SECONDS)

    def publish(self, events: Sequence[LiveEvent]) -> None:
        if events:
            self._track(asyncio.get_running_loop().create_task(self._send(list(events))))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, events: list[LiveEvent]) -> None:
        try:
            async with self._lock:
                if self._connection is None or self._connection.is_closed():
                    raise ConnectionError("no live event connection")
                await self._connection.execute(
                    "SELECT pg_notify($1, chunk) FROM unnest($2::text[]) AS chunk",
                    CHANNEL,
                    notify_chunks(events),
                )
        except Exception:  # a lost hint must never fail the request that committed
            log.exception("publishing %d live event(s) failed", len(events))

    async def stop(self) -> None:
        self._closing = True
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=5)
        pooled, connection = self._pooled, self._connection
        self._pooled = self._connection = None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.remove_listener(CHANNEL, self._heard)
            connection.remove_termination_listener(self._lost)
        if pooled is not None:
            with contextlib.suppress(Exception):
                # A connection that carried listeners goes back to no one: invalidate it.
                await pooled.invalidate()
                await pooled.close()


def notify_chunks(events: Sequence[LiveEvent]) -> list[str]:
    """NOTIFY payloads for ``events``: one per chunk keeps each under PostgreSQL's 8000 bytes."""
    return _chunks([e.to_json() for e in events], limit=7_000)


def _chunks(items: list[str], *, limit: int) -> list[str]:
    """JSON arrays of ``items``, each at most ``limit`` bytes (one item is always far smaller)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 2
    for item in items:
        if current and size + len(item) + 1 > limit:
            chunks.append("[" + ",".join(current) + "]")
            current, size = [], 2
        current.append(item)
        size += len(item) + 1
    if current:
        chunks.append("[" + ",".join(current) + "]")
    return chunks


def bus_for(engine: AsyncEngine) -> EventBus:
    """The bus a deployment needs: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite."""
    if engine.dialect.name == "postgresql":
        return PostgresBus(engine)
    return InProcessBus()


_installed: list[EventBus] = []


def install(bus: EventBus) -> None:
    """Make ``bus`` the one committed events go to (the app does this at start-up)."""
    _installed.append(bus)


def uninstall(bus: EventBus) -> None:
    with contextlib.suppress(ValueError):
        _installed.remove(bus)


def installed() -> EventBus | None:
    return _installed[-1] if _installed else None


def publish_after_commit(session: Any, event: LiveEvent) -> None:
    """Queue ``event`` on ``session``: published when its transaction commits, else dropped."""
    sync: Session = getattr(session, "sync_session", session)
    current = sync.get_nested_transaction() or sync.get_transaction()
    sync.info.setdefault(_PENDING, []).append((current, event))


def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [(t, e) for t, e in pending if not _within(t, previous)]


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def _committing(session: Session) -> None:
    """On PostgreSQL, NOTIFY inside the committing transaction (unless a local bus wants them)."""
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return  # SQLAlchemy announces a savepoint's release as a commit too: not ours
    bus = installed()
    if bus is not None and not bus.transactional:
        return
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    events = [event for _, event in session.info.pop(_PENDING)]
    session.execute(
        text("SELECT pg_notify(:channel, chunk) FROM unnest(CAST(:chunks AS text[])) AS chunk"),
        {"channel": CHANNEL, "chunks": notify_chunks(events)},
    )


def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released, not a commit
    pending = session.info.pop(_PENDING, None)
    bus = installed()
    if pending and bus is not None:
        bus.publish([event for _, event in pending])


sa_event.listen(Session, "after_soft_rollback", _rolled_back)
sa_event.listen(Session, "before_commit", _committing)
sa_event.listen(Session, "after_commit", _committed)
