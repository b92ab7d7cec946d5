"""Input rules, declared once on the model column and checked at the service boundary.

A String column says what kind of text it holds in its ``info`` (``info=text_kind(NAME)``);
its length is the column's own. Services check an input field against the column it is stored
in (``Inputs.text(Person.name, value)``), so a GraphQL input and its column cannot disagree, and
the flush guard (``inspectnet.flush_guard``) applies the same rules to every row written, as a
last line of defence for a service that forgets.

The kinds of text:

=============  ==============================================================================
NAME           names of people, organisations, posts, ranks, relations: one line; NFKC
               normalised, then trimmed; no control (C0/C1), format (bidi overrides and
               isolates, zero-width), surrogate or line/paragraph-separator characters
CODE           machine codes typed by people (office codes, usernames): the rules of NAME;
               each service adds its own pattern
FREE_TEXT      notes and sources: several lines; NFC normalised (nothing lossy), ``\\r\\n``
               made ``\\n``, trimmed; newline and tab are the only control characters allowed;
               no surrogates and no bidi overrides or isolates
REGION_CODE    a GB/T 2260 administrative division code: exactly six ASCII digits. Full-width
               and other scripts' digits are refused, not converted: what is stored is what
               was typed, and ``\\d`` matching Arabic-Indic digits is the hole this closes.
=============  ==============================================================================

Length is counted in characters (code points, as PostgreSQL's ``varchar(n)`` counts them) after
normalisation. Dates in Date and DateTime columns lie in the years 1900 to 2200.

Every check records its problem instead of raising at once, so an input with three bad fields
gets three errors (``ValidationFailed.of``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Column
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.types import String

from inspectnet.errors import ValidationFailed


class TextKind(StrEnum):
    """What a String column holds, and so which characters it may hold (see the module doc)."""

    NAME = "name"
    CODE = "code"
    FREE_TEXT = "free_text"
    REGION_CODE = "region_code"


NAME = TextKind.NAME
CODE = TextKind.CODE
FREE_TEXT = TextKind.FREE_TEXT
REGION_CODE = TextKind.REGION_CODE

_INFO_KEY = "text_kind"
# Officials' dates: nothing on record predates 1900, and deadline arithmetic past 2200 is a typo
# (year 9999 overflowed the date type).
MIN_YEAR, MAX_YEAR = 1900, 2200

_REGION_CODE = re.compile(r"[0-9]{6}", re.ASCII)
# Categories never allowed in one-line names and codes: control, format (bidi overrides and
# isolates U+202A–U+202E/U+2066–U+2069, zero-width U+200B–U+200D, U+2060, U+FEFF...), surrogate,
# line and paragraph separators.
_NAME_FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FREE_TEXT_CONTROLS = frozenset("\n\t")


def text_kind(kind: TextKind) -> dict[str, Any]:
    """The ``info`` of a String column holding text of ``kind``."""
    return {_INFO_KEY: kind}


def kind_of(column: Column[Any]) -> TextKind | None:
    """The kind a String column declares, if it declares one."""
    kind = column.info.get(_INFO_KEY)
    return TextKind(kind) if kind is not None else None


def described(text: str, attribute: QueryableAttribute[Any]) -> str:
    """A GraphQL input field's description, with the rule of the column it is stored in."""
    column = _column(attribute)
    kind = kind_of(column)
    if kind is REGION_CODE:
        return f"{text}; six ASCII digits (6位半角数字)"
    length = column.type.length if isinstance(column.type, String) else None
    if kind is None or length is None:
        raise TypeError(f"{attribute} declares no text kind or length")
    lines = "several lines" if kind is FREE_TEXT else "one line"
    return f"{text}; {lines}, at most {length} characters once normalised (最多{length}字)"


def camel(key: str) -> str:
    """``home_region_code`` → ``homeRegionCode``: a column's name as the GraphQL input names it."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# --- single problems --------------------------------------------------------------------------


def _required(field: str) -> ValidationFailed:
    return ValidationFailed("此项不能为空", code="REQUIRED", field=field)


def _too_long(field: str, limit: int) -> ValidationFailed:
    return ValidationFailed(f"不能超过{limit}个字符", code="TOO_LONG", field=field)


def bad_characters(field: str, kind: TextKind | None) -> ValidationFailed:
    """INVALID_CHARACTERS on ``field``, saying which characters text of ``kind`` refuses."""
    what = (
        "控制字符、双向控制符或代理字符"
        if kind is FREE_TEXT
        else "控制字符、空字符、双向控制符、零宽字符或代理字符"
    )
    return ValidationFailed(f"含有不允许的字符（{what}）", code="INVALID_CHARACTERS", field=field)


def _bad_region_code(field: str) -> ValidationFailed:
    return ValidationFailed("行政区划代码应为6位半角数字", code="INVALID_REGION_CODE", field=field)


def _date_out_of_range(field: str) -> ValidationFailed:
    return ValidationFailed(
        f"日期应在{MIN_YEAR}年至{MAX_YEAR}年之间", code="DATE_OUT_OF_RANGE", field=field
    )


def _has_surrogate(value: str) -> bool:
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def forbidden_characters(kind: TextKind | None, value: str) -> bool:
    """Whether ``value`` holds a character text of ``kind`` may not hold.

    Undeclared columns refuse only what no database can store: NUL and lone surrogates.
    """
    if kind is None:
        return "\x00" in value or _has_surrogate(value)
    if kind is FREE_TEXT:
        return any(
            (unicodedata.category(c) in ("Cc", "Cs") and c not in _FREE_TEXT_CONTROLS)
            or c in _BIDI_CONTROLS
            for c in value
        )
    # isprintable() is False for every forbidden category (and for some allowed ones, such as
    # the ideographic space), so most names never reach the per-character scan.
    return not value.isprintable() and any(
        unicodedata.category(c) in _NAME_FORBIDDEN for c in value
    )


def normalise(kind: TextKind, value: str) -> str:
    """``value`` in the normal form text of ``kind`` is stored in, before trimming.

    Characters are checked on this form, before trimming, so that a control character at
    the end of a name is refused rather than silently dropped.
    """
    if kind is FREE_TEXT:
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if kind is REGION_CODE:
        return value  # six ASCII digits or refused: nothing to normalise
    return unicodedata.normalize("NFKC", value)


def text_problem(
    kind: TextKind | None, value: str, *, field: str, max_length: int | None
) -> ValidationFailed | None:
    """What is wrong with an already normalised ``value`` (None when nothing is)."""
    if kind is REGION_CODE:
        return None if _REGION_CODE.fullmatch(value) else _bad_region_code(field)
    if forbidden_characters(kind, value):
        return bad_characters(field, kind)
    if max_length is not None and len(value) > max_length:
        return _too_long(field, max_length)
    return None


def date_problem(value: date, *, field: str) -> ValidationFailed | None:
    """DATE_OUT_OF_RANGE unless ``value`` lies in the years MIN_YEAR to MAX_YEAR."""
    return None if MIN_YEAR <= value.year <= MAX_YEAR else _date_out_of_range(field)


# --- one input's checks, reported together ----------------------------------------------------


def _column(attribute: QueryableAttribute[Any]) -> Column[Any]:
    column = attribute.property.columns[0]  # type: ignore[attr-defined]
    if not isinstance(column, Column):
        raise TypeError(f"{attribute} is not a plain column")
    return column


class Inputs:
    """The checks of one input's fields; ``done()`` raises every problem found at once.

    A check returns the value to store; when the value is refused it returns it unchanged, and
    ``done()`` (always called before anything is stored) raises.
    """

    def __init__(self) -> None:
        self._problems: list[ValidationFailed] = []

    def add(self, problem: ValidationFailed | None) -> None:
        """Record a problem found by a check of the caller's own."""
        if problem is not None:
            self._problems.append(problem)

    def text(
        self, attribute: QueryableAttribute[Any], value: str | None, *, field: str | None = None
    ) -> Any:
        """``value`` for a String column, normalised by the column's declared kind.

        Empty (after trimming) is REQUIRED for a NOT NULL column and None for a nullable one.
        """
        column = _column(attribute)
        kind = kind_of(column)
        if not isinstance(column.type, String) or kind is None:
            raise TypeError(f"{attribute} declares no text kind")
        name = field or camel(attribute.key)
        cleaned = None
        if value is not None:
            normal = normalise(kind, value)
            if kind is not REGION_CODE and forbidden_characters(kind, normal):
                self._problems.append(bad_characters(name, kind))
                return value
            cleaned = normal.strip()
        if not cleaned:
            if not column.nullable:
                self._problems.append(_required(name))
                return value
            return None
        problem = text_problem(kind, cleaned, field=name, max_length=column.type.length)
        if problem is not None:
            self._problems.append(problem)
            return value
        return cleaned

    def date(self, value: date | None, field: str) -> None:
        """A date (or the date of an instant) must lie in the years MIN_YEAR to MAX_YEAR."""
        if value is not None:
            self.add(date_problem(value, field=field))

    def period(self, started_on: date, ended_on: date | None, field: str = "endedOn") -> None:
        """A period may be open, but may not end before it starts."""
        self.date(started_on, "startedOn")
        self.date(ended_on, field)
        if ended_on is not None and ended_on < started_on:
            self.add(
                ValidationFailed("结束日期不能早于开始日期", code="INVALID_PERIOD", field=field)
            )

    def changes(self, model: type[Any], given: Mapping[str, Any]) -> dict[str, Any]:
        """The checked values of the fields an update names (absent fields do not change).

        Text columns are checked as on create; dates must lie in range; anything else (enums,
        ids already resolved by the service) passes as given.
        """
        checked: dict[str, Any] = {}
        for key, value in given.items():
            attribute = getattr(model, key)
            column = _column(attribute)
            if isinstance(column.type, String) and kind_of(column) is not None:
                checked[key] = self.text(attribute, value)
            elif value is None and not column.nullable:
                self.add(_required(camel(key)))
            else:
                if isinstance(value, date):
                    self.date(value, camel(key))
                checked[key] = value
        return checked

    def __iter__(self) -> Iterator[ValidationFailed]:
        return iter(self._problems)

    def done(self) -> None:
        """Raise every problem recorded, at once (one ValidationFailed carrying them all)."""
        if self._problems:
            raise ValidationFailed.of(self._problems)


# --- the former single-field helpers, kept for the services that use them ---------------------


def required(value: str, field: str) -> str:
    """``value`` stripped; REQUIRED when nothing is left."""
    if not value.strip():
        raise _required(field)
    return value.strip()


def region_code(value: str, field: str) -> str:
    """A six-digit administrative region code (行政区划代码), ASCII digits only."""
    if not _REGION_CODE.fullmatch(value):
        raise _bad_region_code(field)
    return value


def period(started_on: date, ended_on: date | None, field: str = "endedOn") -> None:
    """A period may be open, but may not end before it starts."""
    inputs = Inputs()
    inputs.period(started_on, ended_on, field)
    inputs.done()
