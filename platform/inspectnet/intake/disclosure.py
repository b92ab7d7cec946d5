"""Petitioners' names as protected names for disclosure (disclosure/names.py SOURCES).

A whistleblower's identity is need to know (DOMAIN.md "Confidentiality", nmg-2016 §36(3)):
the scan before publication must see every petitioner of the inspection, even when the
publishing admin may not read them, so the system opens the sealed identities here. The
names are handed to the scan only: never logged, never returned to a caller, never stored.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.intake import sealing
from inspectnet.intake.models import PetitionerIdentity


async def petitioner_names(session: AsyncSession, office_id: int, inspection_id: int) -> list[str]:
    """The name of every identified petitioner of one inspection of an office."""
    # system scope: the scan must see every petitioner, whoever publishes; names go to it only
    rows = await session.scalars(
        select(PetitionerIdentity).where(
            PetitionerIdentity.office_id == office_id,
            PetitionerIdentity.inspection_id == inspection_id,
        )
    )
    return [
        sealing.open_sealed(
            row.petition_id, sealing.Sealed(row.key_version, row.wrapped_key, row.sealed)
        ).name
        for row in rows
    ]
