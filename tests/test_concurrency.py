"""Versions and conditional transitions under real concurrency, on each database."""

from __future__ import annotations

import asyncio
import enum
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Enum, String
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inspectnet.concurrency import (
    StaleVersion,
    TransitionRefused,
    Versioned,
    expect_version,
    is_write_conflict,
    transition,
)
from inspectnet.db import _sqlite_begin, _sqlite_pragmas
from tests.conftest import _pg_admin, _pg_available
from tests.support import skip_or_fail

CONTENDERS = 50


class Scratch(DeclarativeBase):
    pass


class Stage(enum.StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"


class Ticket(Scratch, Versioned):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    state: Mapped[Stage] = mapped_column(Enum(Stage, native_enum=False, length=20))
    decided_by: Mapped[str | None] = mapped_column(String(50))


@pytest.fixture(params=["sqlite", "postgresql"])
async def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database of its own holding one table, so many connections can commit for real."""
    dropped = None
    if request.param == "sqlite":
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}")
        from sqlalchemy import event

        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    else:
        if not await _pg_available():
            skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        dropped = f"inspectnet_scratch_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{dropped}"')
        engine = create_async_engine(
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/{dropped}",
            pool_size=CONTENDERS,
            max_overflow=0,
        )
    async with engine.begin() as connection:
        await connection.run_sync(Scratch.metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()
        if dropped:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


async def _ticket(engine: AsyncEngine) -> int:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        ticket = Ticket(title="年度计划", state=Stage.SUBMITTED)
        session.add(ticket)
        await session.flush()
        return ticket.id


async def test_fifty_concurrent_transitions_have_exactly_one_winner(scratch: AsyncEngine) -> None:
    pk = await _ticket(scratch)
    sessions = async_sessionmaker(scratch, expire_on_commit=False)
    start = asyncio.Event()

    async def decide(who: int) -> str:
        await start.wait()
        try:
            async with sessions() as session, session.begin():
                await transition(
                    session,
                    Ticket,
                    pk,
                    from_states=[Stage.SUBMITTED],
                    to_state=Stage.APPROVED,
                    values={"decided_by": f"superior-{who}"},
                )
            return "won"
        except TransitionRefused as refused:
            assert refused.current_state == "APPROVED"
            assert refused.extensions()["code"] == "CONFLICT"
            return "conflict"

    tasks = [asyncio.create_task(decide(n)) for n in range(CONTENDERS)]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert outcomes.count("won") == 1
    assert outcomes.count("conflict") == CONTENDERS - 1
    async with sessions() as session:
        stored = await session.get(Ticket, pk)
        assert stored is not None
        assert stored.state is Stage.APPROVED
        assert stored.version == 2
        assert stored.decided_by is not None


async def test_a_transition_from_the_wrong_state_names_the_current_one(
    scratch: AsyncEngine,
) -> None:
    pk = await _ticket(scratch)
    sessions = async_sessionmaker(scratch, expire_on_commit=False)
    async with sessions() as session, session.begin():
        with pytest.raises(TransitionRefused) as refused:
            await transition(
                session, Ticket, pk, from_states=[Stage.DRAFT], to_state=Stage.SUBMITTED
            )
    assert refused.value.extensions() | {} == {
        "code": "CONFLICT",
        "field": "state",
        "currentState": "SUBMITTED",
        "allowedFrom": ["DRAFT"],
    }
    async with sessions() as session:
        stored = await session.get(Ticket, pk)
        assert stored is not None and stored.version == 1 and stored.state is Stage.SUBMITTED


async def test_a_loaded_object_sees_the_transition(scratch: AsyncEngine) -> None:
    pk = await _ticket(scratch)
    sessions = async_sessionmaker(scratch, expire_on_commit=False)
    async with sessions() as session, session.begin():
        loaded = await session.get(Ticket, pk)
        assert loaded is not None
        version = await transition(
            session, Ticket, pk, from_states=[Stage.SUBMITTED], to_state=Stage.APPROVED
        )
        await session.refresh(loaded)
        assert (version, loaded.version, loaded.state) == (2, 2, Stage.APPROVED)


async def test_a_stale_edit_gets_the_current_version(scratch: AsyncEngine) -> None:
    pk = await _ticket(scratch)
    sessions = async_sessionmaker(scratch, expire_on_commit=False)
    async with sessions() as session, session.begin():
        ticket = await session.get(Ticket, pk)
        assert ticket is not None
        ticket.title = "年度计划（修订）"
    async with sessions() as session, session.begin():
        ticket = await session.get(Ticket, pk)
        assert ticket is not None
        with pytest.raises(StaleVersion) as stale:
            expect_version(ticket, 1)
        assert stale.value.extensions()["currentVersion"] == 2
        expect_version(ticket, 2)


async def test_two_writers_of_one_version_one_is_refused_by_the_database(
    scratch: AsyncEngine,
) -> None:
    pk = await _ticket(scratch)
    sessions = async_sessionmaker(scratch, expire_on_commit=False)
    async with sessions() as first, sessions() as second:
        a = await first.get(Ticket, pk)
        b = await second.get(Ticket, pk)
        assert a is not None and b is not None
        a.title, b.title = "甲的修改", "乙的修改"
        await first.commit()
        with pytest.raises(Exception) as refused:
            await second.commit()
        # PostgreSQL: the versioned UPDATE matches no row; SQLite: the stale snapshot may not write.
        assert is_write_conflict(refused.value), refused.value
        await second.rollback()
    async with sessions() as session:
        stored = await session.get(Ticket, pk)
        assert stored is not None and (stored.title, stored.version) == ("甲的修改", 2)
