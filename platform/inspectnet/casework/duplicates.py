"""Possible duplicate clues: another open clue of the same office about the same person.

The same person record, or a name and post that match: names compared by their pinyin (a
homophone or a variant character still matches: 张伟 / 章伟) and as written, posts by the best
matching part (副局长 / 某局副局长), with rapidfuzz. Only clues the viewer may read are
compared: a clue the viewer cannot see is never hinted at.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.casework import repository
from inspectnet.casework.models import Clue
from inspectnet.search import normalise, pinyin_of

# Scores out of 100 (docs/casework.md): a name is the same when its pinyin scores at least
# NAME_SCORE; a post when its best matching part scores at least POST_SCORE.
NAME_SCORE = 90.0
POST_SCORE = 80.0


def same_name(a: str, b: str) -> bool:
    """Whether two names as reported name the same person, by sound or by writing."""
    if normalise(a) == normalise(b):
        return True
    return fuzz.ratio(pinyin_of(normalise(a)), pinyin_of(normalise(b))) >= NAME_SCORE


def same_post(a: str, b: str) -> bool:
    """Whether two posts as reported are the same (one may name the unit, the other not)."""
    return fuzz.partial_ratio(normalise(a), normalise(b)) >= POST_SCORE


def is_duplicate(clue: Clue, other: Clue) -> bool:
    """Whether ``other`` names the person ``clue`` names."""
    if clue.person_id is not None and clue.person_id == other.person_id:
        return True
    return same_name(clue.person_name, other.person_name) and same_post(
        clue.person_post, other.person_post
    )


async def possible_duplicates(session: AsyncSession, actor: Actor, clue: Clue) -> list[Clue]:
    """The open clues of the clue's office, readable by ``actor``, about the same person."""
    others = await repository.open_clues_of_office(session, actor, clue.office_id, clue.id)
    return [other for other in others if is_duplicate(clue, other)]
