"""GraphQL of the inspectors' conduct: complaints to the leading group or its office
(nmg-2016 §41, qh-zrzyt §33) and declared gift refusals (qh-zrzyt §28, §31)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import PublicCall
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.intake import conduct, online
from inspectnet.intake.models import ComplaintChannel, GiftRefusal, InspectorComplaint
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.inspections.graphql_types import InspectionType, TeamAssignmentType

labelled_enum(
    ComplaintChannel,
    {ComplaintChannel.SIGNED_IN: "登录反映", ComplaintChannel.PUBLIC: "公开渠道反映"},
    name="ComplaintChannel",
    description="How a complaint about the inspectors arrived (反映渠道)",
)


@strawberry.input(description="Which complaints to list (反映巡视巡察人员问题筛选)")
class InspectorComplaintFilter:
    channel: ComplaintChannel | None = strawberry.field(default=None, description="Channel (渠道)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Received within (收到时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.channel is not None:
            found.append(InspectorComplaint.channel == self.channel)
        return each(found, created_in(self.created_at, InspectorComplaint.created_at))


@strawberry.input(description="Which gift refusals to list (拒收宴请礼品筛选)")
class GiftRefusalFilter:
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Declared within (申报时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        return each([], created_in(self.created_at, GiftRefusal.created_at))


InspectorComplaintOrder = order_input("InspectorComplaint")
GiftRefusalOrder = order_input("GiftRefusal")


@strawberry.type(
    name="InspectorComplaint",
    description="A complaint that an inspector broke the rules (反映巡视巡察人员问题, nmg-2016 §41)",
)
class InspectorComplaintType(Node, Stamped):
    channel: ComplaintChannel = strawberry.field(description="How it arrived (渠道)")
    received_on: date = strawberry.field(description="Received on (收到日期)")
    summary: str = strawberry.field(description="What it says (反映内容)")
    inspection_pk: strawberry.Private[int]
    about_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: InspectorComplaint) -> InspectorComplaintType:
        return cls(
            id=strawberry.ID(global_id("InspectorComplaint", row.id)),
            channel=row.channel,
            received_on=row.received_on,
            summary=row.summary,
            inspection_pk=row.inspection_id,
            about_pk=row.about_user_id,
            **stamps(row),
        )

    @strawberry.field(description="The inspection whose team it concerns (巡视巡察)")
    async def inspection(
        self, info: Info
    ) -> Annotated[InspectionType, strawberry.lazy("inspectnet.inspections.graphql_types")] | None:
        return await linked(info, "Inspection", self.inspection_pk)

    @strawberry.field(description="The team member named, null if none or hidden (被反映人)")
    async def about(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.about_pk)


@strawberry.type(
    name="GiftRefusal",
    description="A banquet or gift a team member refused (拒收宴请礼品, qh-zrzyt §28, §31)",
)
class GiftRefusalType(Node, Stamped):
    offered_by: str = strawberry.field(description="Who offered it (提供方)")
    description: str = strawberry.field(description="What was offered (宴请或礼品情况)")
    refused_on: date = strawberry.field(description="Refused on (拒收日期)")
    assignment_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: GiftRefusal) -> GiftRefusalType:
        return cls(
            id=strawberry.ID(global_id("GiftRefusal", row.id)),
            offered_by=row.offered_by,
            description=row.description,
            refused_on=row.refused_on,
            assignment_pk=row.assignment_id,
            **stamps(row),
        )

    @strawberry.field(description="The team member who declared it (申报人)")
    async def assignment(
        self, info: Info
    ) -> (
        Annotated[TeamAssignmentType, strawberry.lazy("inspectnet.inspections.graphql_types")]
        | None
    ):
        return await linked(info, "TeamAssignment", self.assignment_pk)


register_node("InspectorComplaint", InspectorComplaint, InspectorComplaintType.from_row)
register_node("GiftRefusal", GiftRefusal, GiftRefusalType.from_row)


@strawberry.input(description="Complain that an inspector broke the rules (反映巡视巡察人员问题)")
class FileInspectorComplaintInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    summary: str = strawberry.field(
        description=described("What happened (反映内容)", InspectorComplaint.summary)
    )
    about_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The team member concerned, if known (被反映人)"
    )


@strawberry.type(description="Result of fileInspectorComplaint (反映结果)")
class FileInspectorComplaintPayload:
    complaint: InspectorComplaintType | None = strawberry.field(
        description="The complaint as filed, unless refused; only the leading group and its "
        "office read it again (反映)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Declare a banquet or gift one refused (申报拒收宴请礼品)")
class DeclareGiftRefusalInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    offered_by: str = strawberry.field(
        description=described("Who offered it (提供方)", GiftRefusal.offered_by)
    )
    description: str = strawberry.field(
        description=described("What was offered (宴请或礼品情况)", GiftRefusal.description)
    )
    refused_on: date = strawberry.field(description="Refused on (拒收日期)")


@strawberry.type(description="Result of declareGiftRefusal (申报结果)")
class DeclareGiftRefusalPayload:
    refusal: GiftRefusalType | None = strawberry.field(
        description="The declaration, unless refused (拒收申报)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class ConductMutation:
    @strawberry.mutation(description="Complain that an inspector broke the rules (反映问题)")
    async def file_inspector_complaint(
        self, info: Info, input: FileInspectorComplaintInput
    ) -> FileInspectorComplaintPayload:
        ctx = info.context

        async def call() -> InspectorComplaint:
            about = input.about_user_id
            return await conduct.file_complaint(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                summary=input.summary,
                about_user_id=None
                if about is None
                else expect_global_id(about, "UserAccount", field="aboutUserId"),
            )

        found, errors = await run_mutation(info, "intake.complaint.file", call)
        return FileInspectorComplaintPayload(
            complaint=found and InspectorComplaintType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Declare a banquet or gift one refused (申报拒收宴请礼品)")
    async def declare_gift_refusal(
        self, info: Info, input: DeclareGiftRefusalInput
    ) -> DeclareGiftRefusalPayload:
        ctx = info.context

        async def call() -> GiftRefusal:
            return await conduct.declare_gift_refusal(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                offered_by=input.offered_by,
                description=input.description,
                refused_on=input.refused_on,
            )

        found, errors = await run_mutation(info, "intake.gift_refusal.declare", call)
        return DeclareGiftRefusalPayload(
            refusal=found and GiftRefusalType.from_row(found), user_errors=errors
        )


async def public_complaint(session: AsyncSession, actor: Actor, call: PublicCall) -> dict[str, Any]:
    """The public route's complaint: accepted, nothing to read back."""
    body = call.body
    done = await conduct.file_public_complaint(
        session,
        actor,
        announcement=online.required_text(body.get("announcement"), "announcement"),
        summary=online.required_text(body.get("summary"), "summary"),
    )
    return {"receivedOn": done.received_on.isoformat()}
