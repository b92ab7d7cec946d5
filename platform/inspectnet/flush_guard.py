"""The last line of defence: no row reaches the database with a value its column cannot hold.

Services check their inputs (``inspectnet.validation``); this ``before_flush`` hook checks every
row written by any session, so a service that forgets cannot cause a database error (a 500 on
PostgreSQL) or silent storage (SQLite does not enforce ``varchar(n)``). It refuses, with the same
ValidationFailed a service would raise and naming the field as GraphQL does:

* a String value longer than its column, holding NUL or a lone surrogate, or holding a character
  its declared text kind refuses (``validation.TextKind``); a region code that is not six digits;
* a string holding NUL or a lone surrogate anywhere inside a JSON value;
* a Date or DateTime outside the years ``validation.MIN_YEAR`` to ``MAX_YEAR``.

It does not normalise: changing what a service decided to store is the service's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import JSON, Column, event, inspect
from sqlalchemy.orm import Mapper, Session, UOWTransaction
from sqlalchemy.types import Date, DateTime, Enum, String, TypeDecorator, TypeEngine

from inspectnet import validation
from inspectnet.errors import ValidationFailed


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(key)
            yield from _json_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _json_strings(item)


def column_problem(column: Column[Any], value: Any, field: str) -> ValidationFailed | None:
    """What is wrong with ``value`` for ``column`` (None when nothing is)."""
    if value is None:
        return None
    base = _base_type(column)
    if isinstance(base, Enum):
        return None  # Python enum members: nothing a client typed
    if isinstance(base, String) and isinstance(value, str):
        return validation.text_problem(
            validation.kind_of(column), value, field=field, max_length=base.length
        )
    if isinstance(base, Date | DateTime) and isinstance(value, date):
        return validation.date_problem(value, field=field)
    if isinstance(base, JSON) and any(
        validation.forbidden_characters(None, s) for s in _json_strings(value)
    ):
        return validation.bad_characters(field, None)
    return None


def _is_checked(column: Column[Any]) -> bool:
    base = _base_type(column)
    return isinstance(base, String | Date | DateTime | JSON) and not isinstance(base, Enum)


@cache
def _checked_columns(mapper: Mapper[Any]) -> dict[str, tuple[Column[Any], str]]:
    """The attributes of a mapped class the guard looks at: key → (column, GraphQL name)."""
    checked: dict[str, tuple[Column[Any], str]] = {}
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if isinstance(column, Column) and _is_checked(column):
            checked[attribute.key] = (column, validation.camel(attribute.key))
    return checked


def _problems(session: Session) -> Iterator[ValidationFailed]:
    for objects, changed in ((session.new, False), (session.dirty, True)):
        for obj in objects:
            state = inspect(obj)
            columns = _checked_columns(state.mapper)
            # A pending row's every set value is new; a persistent row's are the ones changed.
            keys = state.committed_state if changed else state.dict
            for key, (column, field) in columns.items():
                if key in keys:
                    problem = column_problem(column, state.dict.get(key), field)
                    if problem is not None:
                        yield problem


def check_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    """Refuse the flush, naming every bad field, before any statement is sent."""
    # Several rows may share a bad field (e.g. an audit row repeating it): name it once.
    unique: dict[tuple[str, str | None], ValidationFailed] = {}
    for problem in _problems(session):
        unique.setdefault((problem.code, problem.field), problem)
    if unique:
        raise ValidationFailed.of(list(unique.values()))


def install() -> None:
    """Guard every session of the process (idempotent)."""
    if not event.contains(Session, "before_flush", check_flush):
        event.listen(Session, "before_flush", check_flush)
