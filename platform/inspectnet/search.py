"""Search keys: a name as typed in Chinese, in full pinyin and in initials, kept on the row.

Officials look a unit or a cadre up by typing ``包头``, ``baotou`` or ``bt``. Each searchable
row (offices, targets, persons) stores one normalised key, ``name␞pinyin␟initials``, written
by the ORM whenever the name is (``Searchable``), so a search is one indexed LIKE per type
over the readable scope, ranked by where the query matched. The separators are control
characters no name may hold (``validation.NAME`` refuses them), so a match never spans parts.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, String, case, event
from sqlalchemy.orm import Mapped, mapped_column

PINYIN = "\x1e"  # before the full pinyin
INITIALS = "\x1f"  # before the initials
KEY_LENGTH = 1000
MAX_QUERY = 50
_SPACES = re.compile(r"[\s'’·•・\-]+")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or pinyin apostrophes."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def pinyin_of(plain: str, *, initials: bool = False) -> str:
    """The pinyin of normalised text (or its initials); characters without a reading (Latin
    letters, digits) pass through as themselves."""
    # Imported here: pypinyin loads its phrase dictionary (about 0.4 s) on import, which every
    # CLI command and worker paid at start even when it writes no name.
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    return "".join(lazy_pinyin(plain, style=style, errors=lambda chars: list(chars)))


def search_key_of(name: str) -> str:
    """The key a name is found by: the name, its full pinyin and its initials."""
    plain = normalise(name)
    syllables, initials = pinyin_of(plain), pinyin_of(plain, initials=True)
    key = f"{plain}{PINYIN}{syllables}{INITIALS}{initials}"
    return key[:KEY_LENGTH]


class Searchable:
    """A row found by its ``name``: its ``search_key`` follows every write of the name."""

    # Nullable: a row written by a bulk INSERT outside the ORM (a benchmark's fill) has no key
    # until its name is next written, and is not found by search until then; rows older than
    # the column got theirs from migration 20261201_0041.
    search_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH), default=None)


@event.listens_for(Searchable, "before_insert", propagate=True)
@event.listens_for(Searchable, "before_update", propagate=True)
def _keep_key(_mapper: Any, _connection: Any, row: Any) -> None:
    row.search_key = search_key_of(row.name)


def rank(column: Any, name: Any, query: str) -> ColumnElement[int]:
    """0 the whole name, 1 the name's start, 2 the pinyin's start, 3 the initials' start, 4
    anywhere: how well a row matches ``query`` (already normalised)."""
    return case(
        (name == query, 0),
        (column.startswith(query, autoescape=True), 1),
        (column.contains(PINYIN + query, autoescape=True), 2),
        (column.contains(INITIALS + query, autoescape=True), 3),
        else_=4,
    )


def matches(column: Any, query: str) -> ColumnElement[bool]:
    """The row's key holds ``query`` somewhere (in the name, the pinyin or the initials)."""
    return column.contains(query, autoescape=True)  # type: ignore[no-any-return]
