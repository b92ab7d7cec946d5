"""Use cases of the team's intake (来信来电来访, nmg-2016 §20(3), qh-zrzyt §14(3)): recording a
petition with its petitioner's sealed identity, replying, moving its state."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.concurrency import expect_version
from inspectnet.errors import ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection
from inspectnet.intake import sealing
from inspectnet.intake.models import (
    Channel,
    Petition,
    PetitionerIdentity,
    PetitionReply,
    PetitionState,
    Subject,
)
from inspectnet.validation import NAME

NAME_MAX = 100
CONTACT_MAX = 200


def identity_input(
    inputs: validation.Inputs, name: str | None, contact: str | None
) -> sealing.Identity | None:
    """The petitioner's identity as given (both optional: a petition may be anonymous),
    checked as names are; None when neither is given."""
    found: dict[str, str | None] = {}
    for field, value, limit in (
        ("petitionerName", name, NAME_MAX),
        ("petitionerContact", contact, CONTACT_MAX),
    ):
        cleaned = validation.normalise(NAME, value).strip() if value is not None else ""
        problem = cleaned and validation.text_problem(NAME, cleaned, field=field, max_length=limit)
        if problem:
            inputs.add(problem)
        found[field] = cleaned or None
    if found["petitionerName"] is None:
        if found["petitionerContact"] is not None:
            inputs.add(
                ValidationFailed(
                    "留有联系方式时须填写姓名", code="REQUIRED", field="petitionerName"
                )
            )
        return None
    return sealing.Identity(str(found["petitionerName"]), found["petitionerContact"])


def add_identity(session: AsyncSession, petition: Petition, identity: sealing.Identity) -> None:
    """Seal ``identity`` into its own row beside the (flushed) petition."""
    sealed = sealing.seal(petition.id, identity)
    session.add(
        PetitionerIdentity(
            office_id=petition.office_id,
            petition_id=petition.id,
            inspection_id=petition.inspection_id,
            target_id=petition.target_id,
            key_version=sealed.key_version,
            wrapped_key=sealed.wrapped_key,
            sealed=sealed.sealed,
        )
    )


async def record_petition(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    channel: Channel,
    received_on: date,
    subject: Subject,
    summary: str,
    petitioner_name: str | None = None,
    petitioner_contact: str | None = None,
) -> Petition:
    """Record a letter, call or visit the team received, with who sent it when known."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    where = (inspection.office_id, inspection.target_id)
    await require_in(session, actor, "create", Petition, *where, inspection_id=inspection.id)
    inputs = validation.Inputs()
    text = inputs.text(Petition.summary, summary)
    inputs.date(received_on, "receivedOn")
    if received_on > clock.today_in_china():
        inputs.add(
            ValidationFailed("收件日期不能晚于今天", code="DATE_OUT_OF_RANGE", field="receivedOn")
        )
    if channel is Channel.ONLINE:
        inputs.add(
            ValidationFailed(
                "网上举报由公开受理入口登记", code="INTAKE_CHANNEL_ONLINE", field="channel"
            )
        )
    identity = identity_input(inputs, petitioner_name, petitioner_contact)
    inputs.done()
    if identity is not None:
        await require_in(
            session, actor, "create", PetitionerIdentity, *where, inspection_id=inspection.id
        )
    petition = Petition(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        channel=channel,
        received_on=received_on,
        subject=subject,
        summary=text,
    )
    session.add(petition)
    await session.flush()
    if identity is not None:
        add_identity(session, petition, identity)
        await session.flush()
    await record(
        session,
        actor,
        "intake.petition.record",
        office_id=petition.office_id,
        object_id=global_id_of(petition),
        # Never the identity: the audit log is read by auditors without need to know.
        detail={"channel": channel.value, "identified": identity is not None},
    )
    return petition


async def reply_to_petition(
    session: AsyncSession, actor: Actor, *, petition_id: int, body: str
) -> PetitionReply:
    """The team's reply, which the petitioner reads with the receipt code; answers the petition."""
    petition = await get_readable(session, actor, Petition, petition_id)
    await require(session, actor, "reply", petition)
    inputs = validation.Inputs()
    text = inputs.text(PetitionReply.body, body)
    inputs.done()
    reply = PetitionReply(
        office_id=petition.office_id,
        petition_id=petition.id,
        inspection_id=petition.inspection_id,
        target_id=petition.target_id,
        body=text,
    )
    session.add(reply)
    if petition.state in (PetitionState.RECEIVED, PetitionState.IN_HAND):
        petition.state = PetitionState.ANSWERED
    await session.flush()
    await record(
        session,
        actor,
        "intake.petition.reply",
        office_id=petition.office_id,
        object_id=global_id_of(petition),
    )
    return reply


async def update_petition(
    session: AsyncSession,
    actor: Actor,
    *,
    petition_id: int,
    state: PetitionState,
    version: int | None = None,
) -> Petition:
    """Move a petition to ``state`` (in hand, answered, closed) as the team works it."""
    petition = await get_readable(session, actor, Petition, petition_id)
    await require(session, actor, "update", petition)
    expect_version(petition, version)
    before = petition.state
    petition.state = state
    await session.flush()
    await record(
        session,
        actor,
        "intake.petition.update",
        office_id=petition.office_id,
        object_id=global_id_of(petition),
        detail={"from": before.value, "to": state.value},
    )
    return petition
