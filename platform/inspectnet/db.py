"""Persistence plumbing: declarative base, the office-scoped mixin, engines and sessions.

The request (or CLI command) owns the transaction: services flush, never commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from inspectnet import clock, flush_guard
from inspectnet.settings import Settings

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Every session refuses to write a value its column cannot hold (too long, NUL, out of range).
flush_guard.install()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(clock.UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=clock.UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """Creation and update instants, set from the injectable clock."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class Created:
    """Who recorded the row: the account acting in the unit of work that inserted it.

    Null for rows the system or the demo made, and for rows from before the column existed
    (migration 20261201_0100 says why they are not backfilled). No foreign key: an account's
    row outlives nothing it made, and the audit log names it anyway.
    """

    created_by: Mapped[int | None] = mapped_column(Integer, default=None)


ACTING_ACCOUNT = "inspectnet.acting_account"


def act_as(session: AsyncSession, user_id: int | None) -> None:
    """Name the account every row this session inserts is recorded by (``Created``)."""
    session.info[ACTING_ACCOUNT] = user_id


def _stamp_creator(session: Session, _context: Any, _instances: Any) -> None:
    user_id = session.info.get(ACTING_ACCOUNT)
    if user_id is None:
        return
    for obj in session.new:
        if isinstance(obj, Created) and obj.created_by is None:
            obj.created_by = user_id


if not event.contains(Session, "before_flush", _stamp_creator):
    event.listen(Session, "before_flush", _stamp_creator)


class Archivable:
    """A row that is evidence: it is archived (hidden from lists by default), never deleted."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class OfficeScoped:
    """A tenant-owned row: every such row names the office (tenant) that owns it."""

    # A table listed page by page under its office declares Index(office_id, id) instead and
    # sets this False: the composite serves every lookup by office too, and a second index on
    # office_id alone lets PostgreSQL fetch an office's rows and sort them for each page.
    __office_index__: ClassVar[bool] = True

    @declared_attr
    def office_id(cls) -> Mapped[int]:
        return mapped_column(
            Integer,
            ForeignKey("offices.id", ondelete="RESTRICT"),
            index=cls.__office_index__,
            nullable=False,
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# Connection info: whether the connection's role passes PostgreSQL's row-level security by
# itself (a superuser, BYPASSRLS): the second wall (authz/wall.py) sets no envelope for it.
BYPASSES_RLS = "inspectnet.bypasses_rls"


def _note_bypass(dbapi_connection: Any, record: Any) -> None:
    # Once a connection, when the pool opens it: never a statement of a request.
    record.info[BYPASSES_RLS] = bool(
        dbapi_connection.run_async(
            lambda c: c.fetchval(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
        )
    )


# Execution option marking a write transaction: on SQLite it begins ``BEGIN IMMEDIATE``.
WRITE = "inspectnet_write"


def _sqlite_begin(connection: Any) -> None:
    # A deferred BEGIN that reads and then writes fails with "database is locked" (or a busy
    # snapshot) when another writer got in between; IMMEDIATE takes the write lock up front,
    # so concurrent writers queue for busy_timeout instead.
    if connection.get_execution_options().get(WRITE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def make_engine(settings: Settings, *, statement_timeout: bool = True) -> AsyncEngine:
    """The async engine for the configured URL, with SQLite made to behave.

    ``statement_timeout=False`` is for migrations, whose DDL may rightly run for long.
    """
    kwargs: dict[str, Any] = {"echo": settings.db_echo}
    if not settings.is_sqlite:
        kwargs |= {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout,
            "pool_pre_ping": True,
        }
        if statement_timeout:
            # Every connection, so a runaway statement is cancelled instead of holding it.
            timeout = str(settings.db_statement_timeout_ms)
            kwargs["connect_args"] = {"server_settings": {"statement_timeout": timeout}}
    engine = create_async_engine(settings.database_url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    else:
        event.listen(engine.sync_engine, "connect", _note_bypass)
    return engine


# SQLSTATE classes meaning "the server went away", not "the statement was wrong": 08 connection
# exception, 57P01-57P03 admin/crash shutdown or cannot connect now, 53300 too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the database cannot be reached right now.

    Connection refused or reset, a connection the server terminated, the pool's wait for a
    connection timed out: a retry after a short while can succeed, so the caller is told 503.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa_exc.TimeoutError):  # the pool had no connection to give
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, (ConnectionError, TimeoutError)):
            return True
        if isinstance(current, OSError) and current.errno is not None:
            return True
        sqlstate = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        if type(current).__name__ in ("ConnectionDoesNotExistError", "InterfaceError") and (
            "connection" in str(current).lower()
        ):
            return True
        original = getattr(current, "orig", None)
        if isinstance(original, BaseException) and id(original) not in seen:
            current = original
            continue
        current = current.__cause__ or current.__context__
    return False


async def _to_completion(work: Awaitable[T]) -> T:
    """``work``, which a cancellation of the caller does not interrupt half-way.

    On cancellation the statement is let finish before the cancellation goes on: a statement
    cut off in the middle leaves the connection (and so the request's transaction) unusable.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


class RequestSession(AsyncSession):
    """A session whose statements run to completion even when their caller is cancelled.

    graphql-core cancels the sibling fields of a field that fails; a sibling caught inside a
    statement would otherwise break the transaction the whole request shares (a 500 instead of
    one field's error).
    """

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return await _to_completion(super().execute(*args, **kwargs))

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return await _to_completion(super().scalar(*args, **kwargs))

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return await _to_completion(super().scalars(*args, **kwargs))

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        return await _to_completion(super().get(*args, **kwargs))

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        await _to_completion(super().flush(*args, **kwargs))

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        await _to_completion(super().refresh(*args, **kwargs))

    async def run_sync(self, *args: Any, **kwargs: Any) -> Any:
        return await _to_completion(super().run_sync(*args, **kwargs))


class Database:
    """Sessions for requests and commands.

    Normally bound to an engine; tests bind it to one connection inside an outer transaction so
    that every "commit" is a savepoint rolled back at the end of the test.
    """

    def __init__(self, bind: AsyncEngine | AsyncConnection) -> None:
        self.bind = bind
        options: dict[str, Any] = {"expire_on_commit": False, "autoflush": True}
        if isinstance(bind, AsyncConnection):
            options["join_transaction_mode"] = "create_savepoint"
        self._sessions = async_sessionmaker(bind=bind, class_=RequestSession, **options)

    @property
    def engine(self) -> AsyncEngine:
        """The engine behind the sessions (a test's connection-bound database has one too)."""
        return self.bind if isinstance(self.bind, AsyncEngine) else self.bind.engine

    @property
    def sync_engine(self) -> Engine:
        return (
            self.bind.sync_engine
            if isinstance(self.bind, AsyncEngine)
            else self.bind.engine.sync_engine
        )

    def session(self, *, write: bool = False) -> AsyncSession:
        """A session; ``write`` for work that changes rows (``BEGIN IMMEDIATE`` on SQLite)."""
        if write and isinstance(self.bind, AsyncEngine):
            return self._sessions(bind=self.bind.execution_options(**{WRITE: True}))
        return self._sessions()

    @asynccontextmanager
    async def transaction(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        async with self.session(write=write) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        if isinstance(self.bind, AsyncEngine):
            await self.bind.dispose()
