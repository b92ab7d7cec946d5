"""Petitions in the inspection's archive (archive/sources.py SOURCES), WITHOUT identities.

The archive is how the team's records reach the office once every team grant ends (qh-zrzyt
§27), so the petitions are read in system scope for the inspection being archived. Who
petitioned is need to know (DOMAIN.md "Confidentiality"): the sealed identity is neither
opened nor copied, the package only says whether a petition was signed; the receipt digest
(the petitioner's own authority) stays out too.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.archive.sources import Member, as_json
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection
from inspectnet.intake.models import (
    Petition,
    PetitionAttachment,
    PetitionerIdentity,
    PetitionMaterial,
    PetitionReply,
)


async def petitions(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """Each petition with its replies, materials and attachments' checksums."""
    where = {"office_id": inspection.office_id, "inspection_id": inspection.id}
    # system scope: the archive of this inspection takes its petitions (qh-zrzyt §27)
    rows = list(await session.scalars(select(Petition).filter_by(**where).order_by(Petition.id)))
    # system scope: only which petitions are signed is archived, never who signed them
    signed = set(await session.scalars(select(PetitionerIdentity.petition_id).filter_by(**where)))
    # system scope: the replies, materials and files of the petitions archived just above
    replies = await session.scalars(select(PetitionReply).filter_by(**where))
    # system scope: as above
    materials = await session.scalars(select(PetitionMaterial).filter_by(**where))
    # system scope: as above
    files = await session.scalars(select(PetitionAttachment).filter_by(**where))
    by_petition: dict[int, dict[str, list[object]]] = {
        p.id: {"replies": [], "materials": [], "attachments": []} for p in rows
    }
    for reply in sorted(replies, key=lambda r: r.id):
        by_petition[reply.petition_id]["replies"].append(
            {"body": reply.body, "at": reply.created_at}
        )
    for material in sorted(materials, key=lambda m: m.id):
        by_petition[material.petition_id]["materials"].append(material.text)
    for file in sorted(files, key=lambda f: f.id):
        by_petition[file.petition_id]["attachments"].append(
            {"mediaType": file.media_type, "size": file.size, "sha256": file.sha256}
        )
    listed = [
        {
            "id": global_id("Petition", p.id),
            "channel": p.channel,
            "receivedOn": p.received_on,
            "subject": p.subject,
            "summary": p.summary,
            "state": p.state,
            "signed": p.id in signed,
            **by_petition[p.id],
        }
        for p in rows
    ]
    return [Member("intake/petitions.json", as_json(listed))]
