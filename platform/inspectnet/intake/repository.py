"""Queries over petitions and what hangs off them; every list starts from the readable scope."""

from __future__ import annotations

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.intake.models import (
    GiftRefusal,
    InspectorComplaint,
    Petition,
    PetitionAttachment,
    PetitionMaterial,
    PetitionReply,
)
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


def complaints_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable complaints about inspectors addressed to each office: (complaint, office id)."""
    return children(
        readable(actor, InspectorComplaint).where(InspectorComplaint.office_id.in_(office_ids)),
        InspectorComplaint,
        InspectorComplaint.office_id,
    )


def gift_refusals_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable refusals declared on each inspection: rows of (refusal, inspection id)."""
    return children(
        readable(actor, GiftRefusal).where(GiftRefusal.inspection_id.in_(inspection_ids)),
        GiftRefusal,
        GiftRefusal.inspection_id,
    )


def attachments_of(actor: Actor, petition_ids: list[int]) -> Children:
    """Readable evidence files of each petition: rows of (attachment, petition id)."""
    return children(
        readable(actor, PetitionAttachment).where(PetitionAttachment.petition_id.in_(petition_ids)),
        PetitionAttachment,
        PetitionAttachment.petition_id,
    )
