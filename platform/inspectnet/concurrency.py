"""Writes that race: versions with optimistic locking, and state transitions with one winner.

Two officials editing one plan, two superiors deciding one filing, two sweeps moving one
deadline: the database decides who was first, in the same statement that makes the change, so
no check-then-write gap exists. The loser gets CONFLICT naming what is current now.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Integer, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from inspectnet import grams
from inspectnet.errors import Conflict


class Versioned:
    """A version number bumped by every UPDATE; a stale UPDATE matches no row (SQLAlchemy
    raises StaleDataError, which the mutation adapter answers with CONFLICT)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}  # type: ignore[attr-defined]


class StaleVersion(Conflict):
    """The client edited an older version than the one stored."""

    default_code = "CONFLICT"
    default_message = "对象已被他人修改，请刷新后重试"

    def __init__(self, current_version: int, *, field: str = "version") -> None:
        super().__init__(
            f"对象已被他人修改（当前版本为{current_version}），请刷新后重试", field=field
        )
        self.current_version = current_version

    def extensions(self) -> dict[str, Any]:  # type: ignore[override]
        return super().extensions() | {"currentVersion": self.current_version}


class TransitionRefused(Conflict):
    """The object is no longer in a state the transition starts from."""

    default_code = "CONFLICT"

    def __init__(self, current_state: str | None, allowed_from: Collection[str]) -> None:
        shown = current_state if current_state is not None else "（不存在）"
        super().__init__(
            f"对象当前状态为{shown}，只有处于{'、'.join(sorted(allowed_from))}时才能变更",
            field="state",
        )
        self.current_state = current_state
        self.allowed_from = sorted(allowed_from)

    def extensions(self) -> dict[str, Any]:  # type: ignore[override]
        return super().extensions() | {
            "currentState": self.current_state,
            "allowedFrom": self.allowed_from,
        }


def expect_version(obj: Versioned, expected: int | None, *, field: str = "version") -> None:
    """Refuse a write based on an older version than the stored one (None: no check asked)."""
    if expected is not None and obj.version != expected:
        raise StaleVersion(obj.version, field=field)


async def transition(
    session: AsyncSession,
    model: type[Any],
    pk: int,
    *,
    from_states: Collection[Any],
    to_state: Any,
    values: Mapping[str, Any] | None = None,
    state_column: str = "state",
) -> int:
    """Move row ``pk`` to ``to_state`` if it is in one of ``from_states``; its new version.

    One conditional UPDATE: of any number of concurrent callers exactly one matches the row,
    the others get TransitionRefused with the state they lost to.
    """
    state = getattr(model, state_column)
    changes: dict[str, Any] = {state_column: to_state, **(values or {})}
    versioned = hasattr(model, "version")
    if versioned:
        changes["version"] = model.version + 1
    statement = (
        update(model)
        .where(model.id == pk, state.in_(list(from_states)))
        .values(changes)
        .returning(model.version if versioned else model.id)
        .execution_options(synchronize_session=False)
    )
    won = (await session.execute(statement)).scalar_one_or_none()
    if won is None:
        current = await session.scalar(select(state).where(model.id == pk))
        raise TransitionRefused(_value(current), [_value(s) or "" for s in from_states])
    loaded = session.identity_map.get(identity_key(model, pk))
    if loaded is not None:
        # The row changed under the ORM's feet: the next read of it must come from the database.
        session.expire(loaded)
    if grams.touches(model, changes):  # its search index follows (a merged clue has none)
        await grams.reindex_in(session, model, pk)
    return int(won)


def is_write_conflict(error: BaseException) -> bool:
    """Whether ``error`` means another transaction changed the row first (answer: CONFLICT).

    A stale version (StaleDataError); PostgreSQL's serialization failure or deadlock; SQLite's
    "database is locked" when a transaction that has read tries to write after another writer
    committed (its snapshot is stale, so SQLite refuses at once instead of waiting).
    """
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        if code in ("40001", "40P01"):
            return True
        return "database is locked" in str(error.orig)
    return False


def _value(state: Any) -> str | None:
    return None if state is None else str(getattr(state, "value", state))
