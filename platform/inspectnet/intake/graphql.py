"""GraphQL of intake (来信来电来访): the team's mutations, one petition by id, the list on an
inspection, and the public routes of online intake (``SchemaPart.public``)."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import evidence
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.parts import (
    DownloadRoute,
    PublicCall,
    PublicRoute,
    SchemaPart,
    Served,
    TypeField,
)
from inspectnet.ids import expect_global_id
from inspectnet.intake import online, receipts, repository, service
from inspectnet.intake.graphql_conduct import (
    ConductMutation,
    GiftRefusalFilter,
    GiftRefusalOrder,
    GiftRefusalType,
    InspectorComplaintFilter,
    InspectorComplaintOrder,
    InspectorComplaintType,
    public_complaint,
)
from inspectnet.intake.graphql_types import (
    ATTACHMENT_PATH,
    PetitionAttachmentType,
    PetitionFilter,
    PetitionMaterialType,
    PetitionOrder,
    PetitionReplyType,
    PetitionType,
)
from inspectnet.intake.models import (
    Channel,
    Petition,
    PetitionAttachment,
    PetitionReply,
    PetitionState,
    Subject,
)
from inspectnet.settings import Settings
from inspectnet.validation import described


def material_body_bytes(settings: Settings) -> int:
    """Room for the largest file the settings allow, base64 (4/3 of it), and the text."""
    return settings.evidence_max_bytes * 4 // 3 + 64 * 1024


@strawberry.input(description="Record a letter, call or visit the team received (登记来信来电来访)")
class RecordPetitionInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    channel: Channel = strawberry.field(description="How it arrived (来源)")
    received_on: date = strawberry.field(description="Received on (收件日期)")
    subject: Subject = strawberry.field(description="Whom it is about (反映对象)")
    summary: str = strawberry.field(
        description=described("What it says (反映内容摘要)", Petition.summary)
    )
    petitioner_name: str | None = strawberry.field(
        default=None, description="Who sent it, if known: sealed, intake handlers only (举报人姓名)"
    )
    petitioner_contact: str | None = strawberry.field(
        default=None, description="Their contacts, if given: sealed likewise (联系方式)"
    )


@strawberry.input(description="Reply to a petition (答复来信来电来访)")
class ReplyToPetitionInput:
    petition_id: strawberry.ID = strawberry.field(description="The petition (来信来电来访)")
    body: str = strawberry.field(description=described("The reply (答复内容)", PetitionReply.body))


@strawberry.input(description="Move a petition to another state (变更办理状态)")
class UpdatePetitionInput:
    petition_id: strawberry.ID = strawberry.field(description="The petition (来信来电来访)")
    state: PetitionState = strawberry.field(description="The new state (办理状态)")
    version: int | None = strawberry.field(
        default=None, description="The version the change is based on (版本)"
    )


@strawberry.type(description="Result of a change to a petition (来信来电来访结果)")
class PetitionPayload:
    petition: PetitionType | None = strawberry.field(
        description="The petition, unless refused (来信来电来访)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type(description="Result of replyToPetition (答复结果)")
class ReplyToPetitionPayload:
    reply: PetitionReplyType | None = strawberry.field(
        description="The reply, unless refused (答复)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _petition(value: strawberry.ID) -> int:
    return expect_global_id(value, "Petition", field="petitionId")


@strawberry.type
class IntakeMutation(ConductMutation):
    @strawberry.mutation(description="Record a letter, call or visit (登记来信来电来访)")
    async def record_petition(self, info: Info, input: RecordPetitionInput) -> PetitionPayload:
        ctx = info.context

        async def call() -> Petition:
            return await service.record_petition(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                channel=input.channel,
                received_on=input.received_on,
                subject=input.subject,
                summary=input.summary,
                petitioner_name=input.petitioner_name,
                petitioner_contact=input.petitioner_contact,
            )

        found, errors = await run_mutation(info, "intake.petition.record", call)
        return PetitionPayload(petition=found and PetitionType.from_row(found), user_errors=errors)

    @strawberry.mutation(description="Reply to a petition (答复来信来电来访)")
    async def reply_to_petition(
        self, info: Info, input: ReplyToPetitionInput
    ) -> ReplyToPetitionPayload:
        ctx = info.context

        async def call() -> PetitionReply:
            return await service.reply_to_petition(
                ctx.session, ctx.actor, petition_id=_petition(input.petition_id), body=input.body
            )

        found, errors = await run_mutation(info, "intake.petition.reply", call)
        return ReplyToPetitionPayload(
            reply=found and PetitionReplyType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Move a petition to another state (变更办理状态)")
    async def update_petition(self, info: Info, input: UpdatePetitionInput) -> PetitionPayload:
        ctx = info.context

        async def call() -> Petition:
            return await service.update_petition(
                ctx.session,
                ctx.actor,
                petition_id=_petition(input.petition_id),
                state=input.state,
                version=input.version,
            )

        found, errors = await run_mutation(info, "intake.petition.update", call)
        return PetitionPayload(petition=found and PetitionType.from_row(found), user_errors=errors)


@strawberry.type
class IntakeQuery:
    @strawberry.field(description="One petition by global ID, if readable (来信来电来访)")
    async def petition(self, info: Info, id: strawberry.ID) -> PetitionType | None:
        pk = expect_global_id(id, "Petition")
        return PetitionType.from_row(
            await get_readable(info.context.session, info.context.actor, Petition, pk)
        )


# --- online intake: the public routes (no sign-in; http/public.py) -------------------------


def _subject(value: Any) -> Subject:
    try:
        return Subject(str(value).lower())
    except ValueError:
        raise ValidationFailed("反映对象无效", code="INVALID_CODE", field="subject") from None


async def _submit(session: AsyncSession, actor: Actor, call: PublicCall) -> dict[str, Any]:
    body = call.body
    done = await online.submit(
        session,
        actor,
        announcement=online.required_text(body.get("announcement"), "announcement"),
        subject=_subject(body.get("subject")),
        summary=online.required_text(body.get("summary"), "summary"),
        petitioner_name=online.optional_text(body.get("petitionerName"), "petitionerName"),
        petitioner_contact=online.optional_text(body.get("petitionerContact"), "petitionerContact"),
    )
    return {
        "receiptCode": done.code,
        "receivedOn": done.petition.received_on.isoformat(),
        "notice": "回执码只显示这一次，请妥善保存；凭回执码可查看答复、补充材料",
    }


def _receipt_view(found: online.ReceiptView) -> dict[str, Any]:
    return {
        "state": found.petition.state.name,
        "receivedOn": found.petition.received_on.isoformat(),
        "replies": [{"body": r.body, "at": r.created_at.isoformat()} for r in found.replies],
        "materials": [{"text": m.text, "at": m.created_at.isoformat()} for m in found.materials],
    }


async def _read(session: AsyncSession, actor: Actor, call: PublicCall) -> dict[str, Any]:
    code = online.required_text(call.body.get("code"), "code")
    return _receipt_view(await online.view(session, code))


def _file(value: Any) -> bytes | None:
    """The optional file of a material call: base64 of its bytes (the route is JSON)."""
    if value is None:
        return None
    try:
        return base64.b64decode(online.required_text(value, "file"), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("文件须为 base64 编码", code="VALIDATION", field="file") from None


async def _add(session: AsyncSession, actor: Actor, call: PublicCall) -> dict[str, Any]:
    body = call.body
    code = online.required_text(body.get("code"), "code")
    await online.add_material(
        session,
        actor,
        code=code,
        text=online.required_text(body.get("text"), "text"),
        file=_file(body.get("file")),
    )
    return _receipt_view(await online.view(session, code))


def _announcement(body: dict[str, Any]) -> str | None:
    value = body.get("announcement")
    return f"announcement:{value}" if isinstance(value, str) else None


def _receipt(body: dict[str, Any]) -> str | None:
    code = body.get("code")
    # Guesses at one code share one bucket, whatever address they come from.
    return f"receipt:{receipts.split(code)[0]}" if isinstance(code, str) else None


async def serve_attachment(session: AsyncSession, actor: Actor, token: str) -> Served:
    """An evidence file, to whoever reads its row (``GET /intake/attachments/<id>``)."""
    found = await get_readable(
        session, actor, PetitionAttachment, expect_global_id(token, "PetitionAttachment")
    )
    # A file gone or changed behind the database's back is not evidence any more: say so.
    content = evidence.active().read(found.storage_key, found.sha256, "证据文件校验值不符")
    extension = evidence.ALLOWED_TYPES.get(found.media_type, "bin")
    return Served(content, found.media_type, f"evidence-{found.id}.{extension}")


SCHEMA = SchemaPart(
    downloads=(DownloadRoute(ATTACHMENT_PATH, "petition_attachment.download", serve_attachment),),
    query=IntakeQuery,
    mutation=IntakeMutation,
    types=(
        PetitionType,
        PetitionAttachmentType,
        PetitionReplyType,
        PetitionMaterialType,
        InspectorComplaintType,
        GiftRefusalType,
    ),
    fields=(
        TypeField(
            "Inspection",
            "petitions",
            connection_field(
                repository.petitions_of_inspections,
                PetitionType,
                description="Letters, calls, visits and online petitions (来信来电来访)",
                filter=PetitionFilter,
                order=PetitionOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "giftRefusals",
            connection_field(
                repository.gift_refusals_of,
                GiftRefusalType,
                description="Banquets and gifts the team refused (拒收宴请礼品, qh-zrzyt §28)",
                filter=GiftRefusalFilter,
                order=GiftRefusalOrder,
            ),
        ),
        TypeField(
            "Office",
            "inspectorComplaints",
            connection_field(
                repository.complaints_of_offices,
                InspectorComplaintType,
                description="Complaints about the office's inspectors (反映巡视巡察人员问题, "
                "nmg-2016 §41)",
                filter=InspectorComplaintFilter,
                order=InspectorComplaintOrder,
            ),
        ),
    ),
    public=(
        PublicRoute("/public/intake/petitions", "intake.petition.online", _submit, _announcement),
        PublicRoute("/public/intake/receipt", "intake.receipt.read", _read, _receipt),
        # A file comes base64 in the JSON body: room for the largest file the settings allow.
        PublicRoute(
            "/public/intake/material",
            "intake.petition.material",
            _add,
            _receipt,
            max_body_bytes=material_body_bytes,
        ),
        PublicRoute(
            "/public/intake/complaints", "intake.complaint.file", public_complaint, _announcement
        ),
    ),
)
