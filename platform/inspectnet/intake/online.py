"""Online intake: the public side of an inspection's announcement (qh-zrzyt §13: the notice
gives the means of reporting; nmg-2016 §20(3): the team accepts letters, calls and visits).

Anyone may petition, without signing in, while the inspection's intake is open; the answer is
a receipt code shown once. With the code, and with nothing else, the petitioner later reads
the team's replies and adds material. Every query here is a deliberate system-scope one: the
anonymous actor reads nothing through the door, and the authority is the open announcement
(for a new petition) or the receipt code (for one petition), checked before anything is read.

The announcement period: inspections keep no announcement record of their own (only the
stage and its transitions), so intake is open while the inspection is on site (进驻,
``Stage.ON_SITE``: the announcement is made on entry, qh-zrzyt §13) and closes when the team
leaves the site; a later petition is refused with INTAKE_CLOSED. Reading replies stays possible
with the code after the close; adding material does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, evidence, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.errors import Conflict, DomainError, NotFound, ValidationFailed
from inspectnet.ids import global_id_of, parse_global_id
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.intake import receipts
from inspectnet.intake.models import (
    Channel,
    Petition,
    PetitionAttachment,
    PetitionMaterial,
    PetitionReply,
    Subject,
)
from inspectnet.intake.service import add_identity, identity_input

OPEN_STAGE = Stage.ON_SITE


class ReceiptInvalid(NotFound):
    """One answer for every wrong code: never whether its lookup id exists."""

    default_code = "RECEIPT_INVALID"
    default_message = "回执码无效"


@dataclass(frozen=True)
class Submitted:
    petition: Petition
    code: str  # shown once, kept nowhere


@dataclass(frozen=True)
class ReceiptView:
    """What a receipt code shows: the petition's state and the team's replies, no more."""

    petition: Petition
    replies: list[PetitionReply]
    materials: list[PetitionMaterial]


async def _open_inspection(session: AsyncSession, announcement: str) -> Inspection:
    try:
        type_name, pk = parse_global_id(announcement, field="announcement")
    except DomainError:
        type_name, pk = "", 0
    found = None
    if type_name == "Inspection":
        # system scope: the announcement is public (qh-zrzyt §13); only its state is read
        found = await session.get(Inspection, pk)
    if found is None:
        raise NotFound("巡视巡察公告不存在", code="INTAKE_NOT_FOUND", field="announcement")
    if found.stage is not OPEN_STAGE:
        raise Conflict(
            "该巡视巡察的受理期未开始或已结束", code="INTAKE_CLOSED", field="announcement"
        )
    return found


async def submit(
    session: AsyncSession,
    actor: Actor,
    *,
    announcement: str,
    subject: Subject,
    summary: str,
    petitioner_name: str | None,
    petitioner_contact: str | None,
) -> Submitted:
    """A petition from the public endpoint, and its receipt code (shown once)."""
    inspection = await _open_inspection(session, announcement)
    inputs = validation.Inputs()
    text = inputs.text(Petition.summary, summary)
    identity = identity_input(inputs, petitioner_name, petitioner_contact)
    inputs.done()
    receipt = receipts.issue()
    petition = Petition(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        channel=Channel.ONLINE,
        received_on=clock.today_in_china(),
        subject=subject,
        summary=text,
        receipt_lookup=receipt.lookup,
        receipt_digest=receipt.digest,
        receipt_key_version=receipt.key_version,
    )
    session.add(petition)
    await session.flush()
    if identity is not None:
        add_identity(session, petition, identity)
        await session.flush()
    await record(
        session,
        actor,
        "intake.petition.online",
        office_id=petition.office_id,
        object_id=global_id_of(petition),
        detail={"identified": identity is not None},
    )
    return Submitted(petition, receipt.code)


async def petition_of_receipt(session: AsyncSession, code: str) -> Petition:
    """The petition a receipt code opens; RECEIPT_INVALID for any wrong code, after the same
    one lookup and one compare whether or not its lookup id exists."""
    lookup, secret = receipts.split(code if isinstance(code, str) else "")
    # system scope: the receipt code is the petitioner's whole authority, checked right below
    found = (
        await session.execute(select(Petition).where(Petition.receipt_lookup == lookup))
    ).scalar_one_or_none()
    digest = found.receipt_digest if found is not None else None
    version = found.receipt_key_version if found is not None else None
    if not receipts.matches(secret, lookup, digest, version) or found is None:
        raise ReceiptInvalid(field="code")
    return found


async def view(session: AsyncSession, code: str) -> ReceiptView:
    """The petition's state, the team's replies and the material added, by receipt code."""
    petition = await petition_of_receipt(session, code)
    replies = (
        await session.execute(
            # system scope: the replies of the one petition the receipt code opened
            select(PetitionReply)
            .where(PetitionReply.petition_id == petition.id)
            .order_by(PetitionReply.id)
        )
    ).scalars()
    materials = (
        await session.execute(
            # system scope: the material of the one petition the receipt code opened
            select(PetitionMaterial)
            .where(PetitionMaterial.petition_id == petition.id)
            .order_by(PetitionMaterial.id)
        )
    ).scalars()
    return ReceiptView(petition, list(replies), list(materials))


async def add_material(
    session: AsyncSession, actor: Actor, *, code: str, text: str, file: bytes | None = None
) -> PetitionMaterial:
    """Material the petitioner adds with the receipt code, while intake is open, with an
    evidence file when given (size and type checked by content before anything is kept)."""
    petition = await petition_of_receipt(session, code)
    # system scope: the open state of the receipt's own inspection
    inspection = await session.get(Inspection, petition.inspection_id)
    if inspection is None or inspection.stage is not OPEN_STAGE:
        raise Conflict("该巡视巡察的受理期已结束", code="INTAKE_CLOSED", field="code")
    inputs = validation.Inputs()
    cleaned = inputs.text(PetitionMaterial.text, text)
    inputs.done()
    store = evidence.active()
    checked = None if file is None else evidence.check(file, store.max_bytes)
    material = PetitionMaterial(
        office_id=petition.office_id,
        petition_id=petition.id,
        inspection_id=petition.inspection_id,
        target_id=petition.target_id,
        text=cleaned,
    )
    session.add(material)
    await session.flush()
    if checked is not None:
        key = store.store.put(checked.content, checked.sha256)
        attach(session, petition, checked, key, material.id)
        await session.flush()
    await record(
        session,
        actor,
        "intake.petition.material",
        office_id=petition.office_id,
        object_id=global_id_of(petition),
    )
    return material


def attach(
    session: AsyncSession,
    petition: Petition,
    checked: evidence.CheckedFile,
    key: str,
    material_id: int | None,
) -> PetitionAttachment:
    """The row of a stored evidence file, beside its petition (and the material it came with)."""
    row = PetitionAttachment(
        office_id=petition.office_id,
        petition_id=petition.id,
        material_id=material_id,
        inspection_id=petition.inspection_id,
        target_id=petition.target_id,
        storage_key=key,
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    session.add(row)
    return row


def required_text(value: object, field: str) -> str:
    """A body field that must be a string (the public routes take JSON as sent)."""
    if not isinstance(value, str):
        raise ValidationFailed("此项不能为空", code="REQUIRED", field=field)
    return value


def optional_text(value: object, field: str) -> str | None:
    if value is None:
        return None
    return required_text(value, field)
