"""GraphQL types of intake: petitions, the need-to-know petitioner, replies and material."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.audit.refusals import note_read
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked, need_to_know
from inspectnet.graphql.lists import DateRange, DateTimeRange, Sort, created_in, each, order_input
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import global_id
from inspectnet.intake import repository, sealing
from inspectnet.intake.models import (
    Channel,
    Petition,
    PetitionAttachment,
    PetitionerIdentity,
    PetitionMaterial,
    PetitionReply,
    PetitionState,
    Subject,
)

if TYPE_CHECKING:
    from inspectnet.inspections.graphql_types import InspectionType

labelled_enum(
    Channel,
    {
        Channel.LETTER: "来信",
        Channel.CALL: "来电",
        Channel.VISIT: "来访",
        Channel.ONLINE: "网上举报",
    },
    name="PetitionChannel",
    description="How a petition arrived (来信来电来访, nmg-2016 §20(3))",
)
labelled_enum(
    Subject,
    {
        Subject.TARGET_LEADERSHIP: "被巡视巡察党组织领导班子及其成员",
        Subject.SUBORDINATE_PRINCIPAL: "下一级党组织领导班子主要负责人",
    },
    name="PetitionSubject",
    description="Whom a petition is about (反映对象, nmg-2016 §20(3))",
)
labelled_enum(
    PetitionState,
    {
        PetitionState.RECEIVED: "已受理",
        PetitionState.IN_HAND: "办理中",
        PetitionState.ANSWERED: "已答复",
        PetitionState.CLOSED: "已办结",
    },
    name="PetitionState",
    description="Where the team is with a petition (办理状态)",
)

IDENTITY_READ = "petitioner_identity.read"


@strawberry.type(
    name="Petitioner",
    description="Who petitioned: shown to the team's intake handlers only (举报人信息, 须知悉)",
)
class PetitionerType:
    name: str = strawberry.field(description="Name (姓名)")
    contact: str | None = strawberry.field(description="Contacts, if given (联系方式)")


@strawberry.input(description="Which petitions to list (来信来电来访筛选)")
class PetitionFilter:
    channel: Channel | None = strawberry.field(default=None, description="Channel (来源)")
    state: PetitionState | None = strawberry.field(default=None, description="State (办理状态)")
    received_on: DateRange | None = strawberry.field(
        default=None, description="Received within (收件日期)"
    )
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.channel is not None:
            found.append(Petition.channel == self.channel)
        if self.state is not None:
            found.append(Petition.state == self.state)
        if self.received_on is not None:
            found += self.received_on.on(Petition.received_on, "receivedOn")
        return each(found, created_in(self.created_at, Petition.created_at))


@strawberry.input(description="Which replies to list (答复筛选)")
class PetitionReplyFilter:
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        return each([], created_in(self.created_at, PetitionReply.created_at))


@strawberry.input(description="Which material to list (补充材料筛选)")
class PetitionMaterialFilter:
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Added within (补充时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        return each([], created_in(self.created_at, PetitionMaterial.created_at))


@strawberry.input(description="Which evidence files to list (证据文件筛选)")
class PetitionAttachmentFilter:
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Handed in within (提交时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        return each([], created_in(self.created_at, PetitionAttachment.created_at))


PetitionAttachmentOrder = order_input("PetitionAttachment")
ATTACHMENT_PATH = "/intake/attachments/"
PetitionOrder = order_input("Petition", Sort("RECEIVED_ON", "收件日期", ("received_on",)))
PetitionReplyOrder = order_input("PetitionReply")
PetitionMaterialOrder = order_input("PetitionMaterial")


@strawberry.type(name="PetitionReply", description="The team's reply to a petition (答复)")
class PetitionReplyType(Node, Stamped):
    body: str = strawberry.field(description="The reply (答复内容)")

    @classmethod
    def from_row(cls, row: PetitionReply) -> PetitionReplyType:
        return cls(
            id=strawberry.ID(global_id("PetitionReply", row.id)), body=row.body, **stamps(row)
        )


@strawberry.type(
    name="PetitionMaterial", description="Material the petitioner added with the receipt (补充材料)"
)
class PetitionMaterialType(Node, Stamped):
    text: str = strawberry.field(description="What was added (补充内容)")

    @classmethod
    def from_row(cls, row: PetitionMaterial) -> PetitionMaterialType:
        return cls(
            id=strawberry.ID(global_id("PetitionMaterial", row.id)), text=row.text, **stamps(row)
        )


@strawberry.type(
    name="PetitionAttachment",
    description="An evidence file handed in with a petition's material (证据文件)",
)
class PetitionAttachmentType(Node, Stamped):
    media_type: str = strawberry.field(description="Type, read from the content (文件类型)")
    size: int = strawberry.field(description="Size in bytes (大小)")
    sha256: str = strawberry.field(description="SHA-256 of the content (校验值)")
    download_path: str = strawberry.field(
        description="GET it here with the bearer token; served to the petition's readers only "
        "(下载路径)"
    )

    @classmethod
    def from_row(cls, row: PetitionAttachment) -> PetitionAttachmentType:
        gid = global_id("PetitionAttachment", row.id)
        return cls(
            id=strawberry.ID(gid),
            media_type=row.media_type,
            size=row.size,
            sha256=row.sha256,
            download_path=f"{ATTACHMENT_PATH}{gid}",
            **stamps(row),
        )


# What the petition mutations check (intake/service.py).
PETITION_CAN = (
    Ability("update", "May change its state (可变更办理状态)", "update"),
    Ability("reply", "May reply to it (可答复)", "reply"),
)


@strawberry.type(
    name="Petition",
    description="A letter, call, visit or online petition to an inspection team (来信来电来访)",
)
class PetitionType(Node, Stamped):
    channel: Channel = strawberry.field(description="How it arrived (来源)")
    received_on: date = strawberry.field(description="Received on (收件日期)")
    subject: Subject = strawberry.field(description="Whom it is about (反映对象)")
    summary: str = strawberry.field(description="What it says (反映内容摘要)")
    state: PetitionState = strawberry.field(description="Where the team is with it (办理状态)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    inspection_pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("Petition", PETITION_CAN)

    @classmethod
    def from_row(cls, row: Petition) -> PetitionType:
        return cls(
            id=strawberry.ID(global_id("Petition", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            inspection_pk=row.inspection_id,
            channel=row.channel,
            received_on=row.received_on,
            subject=row.subject,
            summary=row.summary,
            state=row.state,
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The inspection it was sent to (巡视巡察)")
    async def inspection(
        self, info: Info
    ) -> Annotated[InspectionType, strawberry.lazy("inspectnet.inspections.graphql_types")] | None:
        return await linked(info, "Inspection", self.inspection_pk)

    @strawberry.field(
        description="Who petitioned; null for anyone but the team's intake handlers, and for an "
        "anonymous petition. Every read is audited (举报人信息, 须知悉)"
    )
    async def petitioner(self, info: Info) -> PetitionerType | None:
        row = await need_to_know(info, PetitionerIdentity, "petition_id", self.pk)
        if row is None:
            return None
        note_read(
            info.context.session,
            info.context.actor,
            IDENTITY_READ,
            self.office_pk,
            str(self.id),
        )
        found = sealing.open_sealed(
            self.pk, sealing.Sealed(row.key_version, row.wrapped_key, row.sealed)
        )
        return PetitionerType(name=found.name, contact=found.contact)

    replies = connection_field(
        repository.replies_of,
        PetitionReplyType,
        description="The team's replies (答复)",
        filter=PetitionReplyFilter,
        order=PetitionReplyOrder,
    )
    attachments = connection_field(
        repository.attachments_of,
        PetitionAttachmentType,
        description="Evidence files handed in with it (证据文件)",
        filter=PetitionAttachmentFilter,
        order=PetitionAttachmentOrder,
    )
    materials = connection_field(
        repository.materials_of,
        PetitionMaterialType,
        description="Material the petitioner added (补充材料)",
        filter=PetitionMaterialFilter,
        order=PetitionMaterialOrder,
    )


register_node("Petition", Petition, PetitionType.from_row)
register_node("PetitionReply", PetitionReply, PetitionReplyType.from_row)
register_node("PetitionAttachment", PetitionAttachment, PetitionAttachmentType.from_row)
register_node("PetitionMaterial", PetitionMaterial, PetitionMaterialType.from_row)
