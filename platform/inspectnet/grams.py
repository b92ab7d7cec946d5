"""The bigram index of an inspection's casework text, for the team's search (reports/search.py).

A record searched within an inspection (a petition, an interview, a clue, a finding) mixes in
``GramIndexed`` and names its searched columns in ``__search_grams__``: only columns every
reader of the row sees (a petitioner's identity is sealed in its own table and never indexed).
Each distinct pair of adjacent characters of those columns, case-folded, is one row of
``casework_search_grams`` ``(office_id, inspection_id, kind, record_id, gram)``, ``kind`` being
the model's ``__authz_type__``. A query of n ≥ 2 characters holds n − 1 bigrams, all of them in
any text that holds the query, so the candidates are the records holding every one of them
(one range of the ``(inspection_id, gram, …)`` key per bigram), then confirmed by the substring
test through ``readable``. Chinese needs no tokenizer this way: a two-character name (王强) is
one bigram, which word tokenizers and trigram indexes (FTS5's, pg_trgm) both miss.

The index follows the rows like ``search.Searchable`` keeps its key: the ORM writes it after
every insert, update and delete of a record that changes a searched column or ``archived_at``
(an archived record, merged or withdrawn, has no grams), and ``concurrency.transition`` calls
``reindex_in`` after its conditional UPDATE, which the ORM's events do not see. A record
written outside the ORM has grams only once its text is next written (or the migration's
backfill ran); grams of a row that is gone find nothing, since every candidate is read back
from its own table through ``readable``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Index, Integer, String, delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Base

GRAM = 2
# Grams deleted per statement at most (a bound parameter each).
CHUNK = 1000


class CaseworkSearchGram(Base):
    """One bigram of a searched record's text (the index, not a record: no authz type of its
    own; it is read only as the candidate set of a query that starts from ``readable``)."""

    __tablename__ = "casework_search_grams"
    __table_args__ = (
        # The records of one kind removed or rewritten: their grams found by record.
        Index("ix_casework_search_grams_kind_record_id", "kind", "record_id"),
    )

    # The key serves the search: one inspection's records holding one bigram.
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True
    )
    gram: Mapped[str] = mapped_column(String(GRAM), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"))


def bigrams(text: str) -> set[str]:
    """Every pair of adjacent characters of ``text``, case-folded (empty under two)."""
    folded = text.casefold()
    return {folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1)}


class GramIndexed:
    """A record of an inspection whose ``__search_grams__`` columns are bigram-indexed."""

    # The searched columns; the model also has ``inspection_id`` and ``office_id``.
    __search_grams__: ClassVar[tuple[str, ...]] = ()


def grams_of(model: type[Any], row: Any) -> set[str]:
    """The bigrams a record (a ``model`` instance or a row of its columns) is found by now:
    none once archived."""
    if getattr(row, "archived_at", None) is not None:
        return set()
    found: set[str] = set()
    for column in model.__search_grams__:
        found |= bigrams(getattr(row, column) or "")
    return found


def _write(connection: Connection, model: type[Any], row_id: int, row: Any | None) -> None:
    """Make the stored grams of record ``row_id`` those of ``row`` (None: the record is gone)."""
    kind = model.__authz_type__
    table = CaseworkSearchGram.__table__
    of_record = (table.c.kind == kind, table.c.record_id == row_id)
    rows = connection.execute(select(table.c.gram, table.c.inspection_id).where(*of_record))
    stored = {gram: inspection_id for gram, inspection_id in rows}
    wanted = set() if row is None else grams_of(model, row)
    if row is not None and any(i != row.inspection_id for i in stored.values()):
        # Left by a record deleted outside the ORM whose id SQLite gave out again.
        connection.execute(delete(table).where(*of_record))
        stored = {}
    gone = sorted(set(stored) - wanted)
    for start in range(0, len(gone), CHUNK):  # a long record rewritten: bounded statements
        chunk = gone[start : start + CHUNK]
        connection.execute(delete(table).where(*of_record, table.c.gram.in_(chunk)))
    new = wanted - set(stored)
    if new and row is not None:
        connection.execute(
            insert(table),
            [
                {
                    "inspection_id": row.inspection_id,
                    "gram": gram,
                    "kind": kind,
                    "record_id": row_id,
                    "office_id": row.office_id,
                }
                for gram in sorted(new)
            ],
        )


def _watched(model: type[Any]) -> tuple[str, ...]:
    return (*model.__search_grams__, *(("archived_at",) if hasattr(model, "archived_at") else ()))


@event.listens_for(GramIndexed, "after_insert", propagate=True)
def _inserted(mapper: Any, connection: Connection, row: Any) -> None:
    if grams_of(mapper.class_, row):
        _write(connection, mapper.class_, row.id, row)


@event.listens_for(GramIndexed, "after_update", propagate=True)
def _updated(mapper: Any, connection: Connection, row: Any) -> None:
    state = inspect(row)
    if any(state.attrs[name].history.has_changes() for name in _watched(mapper.class_)):
        _write(connection, mapper.class_, row.id, row)


@event.listens_for(GramIndexed, "after_delete", propagate=True)
def _deleted(mapper: Any, connection: Connection, row: Any) -> None:
    _write(connection, mapper.class_, row.id, None)


def touches(model: type[Any], columns: Any) -> bool:
    """Whether writing ``columns`` of ``model`` may change its grams."""
    return (
        isinstance(model, type)
        and issubclass(model, GramIndexed)
        and bool(set(columns) & set(_watched(model)))
    )


async def reindex_in(session: AsyncSession, model: type[Any], row_id: int) -> None:
    """Bring the grams of one record up to date after a write the ORM did not see."""
    table = model.__table__
    columns = [table.c[name] for name in ("id", "inspection_id", "office_id", *_watched(model))]
    # system scope: the caller has just written this row; its grams follow whoever reads it
    current = (await session.execute(select(*columns).where(table.c.id == row_id))).first()

    def write(sync_session: Any) -> None:
        _write(sync_session.connection(), model, row_id, current)

    await session.run_sync(write)
