"""Counting the SQL statements a piece of work issues (transaction control excluded), the rows
it turns into objects, and the work the database does for one statement."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection

from inspectnet.db import Base

_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)
    parameters: list[Any] = field(default_factory=list)
    # Objects built from fetched rows, by model name: what a page fetched, not what it asked.
    loaded: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.sql)

    def only(self, *fragments: str) -> tuple[str, Any]:
        """The one statement whose text holds every fragment, with its parameters."""
        found = [
            (sql, params)
            for sql, params in zip(self.sql, self.parameters, strict=True)
            if all(fragment in sql for fragment in fragments)
        ]
        assert len(found) == 1, [sql for sql, _ in found] or self.sql
        return found[0]


@contextmanager
def count_statements(engine: Engine) -> Iterator[Statements]:
    seen = Statements()

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_CONTROL):
            seen.sql.append(statement)
            seen.parameters.append(parameters)

    def loaded(target: Any, _context: Any) -> None:
        seen.loaded[type(target).__name__] += 1

    event.listen(engine, "before_cursor_execute", before)
    event.listen(Base, "load", loaded, propagate=True)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(Base, "load", loaded)


async def plan(connection: AsyncConnection, statement: str, parameters: Any) -> dict[str, Any]:
    """PostgreSQL's executed plan of a captured statement (``EXPLAIN ANALYZE``, as JSON)."""
    result = await connection.exec_driver_sql(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
    )
    document = result.scalar_one()
    plans = document if isinstance(document, list) else json.loads(document)
    return plans[0]["Plan"]  # type: ignore[no-any-return]


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def rows_read(node: dict[str, Any], table: str) -> int:
    """Rows the plan's scans of ``table`` read (kept or filtered out), over all their loops."""
    return sum(
        (int(n["Actual Rows"]) + int(n.get("Rows Removed by Filter", 0))) * int(n["Actual Loops"])
        for n in plan_nodes(node)
        if n.get("Relation Name") == table
    )


@asynccontextmanager
async def sqlite_steps(connection: AsyncConnection) -> AsyncIterator[list[int]]:
    """Virtual-machine instructions SQLite runs inside the block, in hundreds: the work done,
    which a LIMIT hides from the rows returned."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    raw = (await connection.get_raw_connection()).driver_connection
    # aiosqlite owns the sqlite3 connection in its own thread: install the handler there.
    await raw._execute(raw._conn.set_progress_handler, tick, 100)
    try:
        yield steps
    finally:
        await raw._execute(raw._conn.set_progress_handler, None, 100)
