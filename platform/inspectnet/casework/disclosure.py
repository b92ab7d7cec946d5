"""Persons named in clues as protected names for disclosure (disclosure/names.py SOURCES).

A clue's person (问题线索涉及人员) is the team's confidential material (DOMAIN.md
"Confidentiality", qh-zrzyt §29): a publication must not name them. Every clue of the
inspection counts, merged or archived ones too, since the name stays confidential once written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.casework.models import Clue


async def clue_person_names(session: AsyncSession, office_id: int, inspection_id: int) -> list[str]:
    """The person named by each clue of one inspection of an office."""
    # system scope: the scan must see every clue's person, whoever publishes; names go to it only
    found = await session.scalars(
        select(Clue.person_name)
        .where(Clue.office_id == office_id, Clue.inspection_id == inspection_id)
        .distinct()
    )
    return list(found)
