"""Protected names: who must never appear in a publication, and the scan before it goes out.

Whistleblowers' identities are seen by intake handlers only, and persons under clues are the
team's confidential material (DOMAIN.md "Confidentiality"; leaking them breaches nmg-2016
§36(3), qh-zrzyt §29). The domains that hold such names plug a source in here with one line,
``"package.module:function"`` in ``SOURCES``; each is ``async def f(session, office_id,
inspection_id) -> Iterable[str]``. The names are read by the system (the scan must see every
protected name, including those the publishing admin may not read) and never shown: a refusal
says that a protected name appears, not which.

A name matches after NFKC normalisation, case folding and removal of all whitespace on both
sides, so full-width letters, a space between the characters of a name or a line break inside
it do not let it through. Names shorter than two characters after normalisation are not
scanned: a single character would refuse almost every text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from importlib import import_module

from sqlalchemy.ext.asyncio import AsyncSession

NameSource = Callable[[AsyncSession, int, int], Awaitable[Iterable[str]]]

# One line per domain holding protected names.
SOURCES: list[str] = [
    "inspectnet.intake.disclosure:petitioner_names",  # 信访举报人
    "inspectnet.casework.disclosure:clue_person_names",  # 问题线索涉及人员
]

MIN_NAME_LENGTH = 2


def normalised(text: str) -> str:
    """``text`` as compared: NFKC, case-folded, without any whitespace."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def _resolve(path: str) -> NameSource:
    module, _, name = path.partition(":")
    source: NameSource = getattr(import_module(module), name)
    return source


async def protected_names(session: AsyncSession, office_id: int, inspection_id: int) -> set[str]:
    """Every protected name the registered sources give for one inspection of an office."""
    found: set[str] = set()
    for path in SOURCES:
        found.update(await _resolve(path)(session, office_id, inspection_id))
    return found


def appears(names: Iterable[str], *texts: str) -> bool:
    """Whether any name (normalised, of at least MIN_NAME_LENGTH) appears in any text."""
    haystacks = [normalised(t) for t in texts]
    for name in names:
        needle = normalised(name)
        if len(needle) >= MIN_NAME_LENGTH and any(needle in h for h in haystacks):
            return True
    return False
