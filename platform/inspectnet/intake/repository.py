"""Queries over petitions and what hangs off them; every list starts from the readable scope."""

from __future__ import annotations

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.intake.models import Petition, PetitionMaterial, PetitionReply
from inspectnet.paging import Children, children


def petitions_of_inspections(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable petitions of each inspection: rows of (petition, inspection id)."""
    return children(
        readable(actor, Petition).where(Petition.inspection_id.in_(inspection_ids)),
        Petition,
        Petition.inspection_id,
    )


def replies_of(actor: Actor, petition_ids: list[int]) -> Children:
    """Readable replies to each petition: rows of (reply, petition id)."""
    return children(
        readable(actor, PetitionReply).where(PetitionReply.petition_id.in_(petition_ids)),
        PetitionReply,
        PetitionReply.petition_id,
    )


def materials_of(actor: Actor, petition_ids: list[int]) -> Children:
    """Readable material added to each petition: rows of (material, petition id)."""
    return children(
        readable(actor, PetitionMaterial).where(PetitionMaterial.petition_id.in_(petition_ids)),
        PetitionMaterial,
        PetitionMaterial.petition_id,
    )
