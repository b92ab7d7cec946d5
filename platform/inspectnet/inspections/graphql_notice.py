"""GraphQL of the written notice, the announcement and the briefing (qh-zrzyt §13, nmg-2016
§25), and the announcement's DOCX, served by GET ``/announcements/<notice id>``."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.graphql.can import UPDATE, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.links import need_to_know
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import Served
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import notices
from inspectnet.inspections.announcement import DOCX, Announcement, render
from inspectnet.inspections.models import Inspection, InspectionNotice
from inspectnet.inspections.stages import ruleset_of
from inspectnet.network.models import Office
from inspectnet.rules.format import DisclosurePointRule, DisclosureStage
from inspectnet.targets.models import Target
from inspectnet.validation import described

ANNOUNCEMENTS = "/announcements/"
NOTICE_CAN = (UPDATE,)


@strawberry.type(
    name="InspectionNotice",
    description="The written notice to the target and the public announcement (书面通知和巡察公告)",
)
class InspectionNoticeType(Node, Stamped):
    notice_on: date = strawberry.field(description="Date of the written notice (书面通知日期)")
    scope: str = strawberry.field(description="Target and content of the work (对象和工作内容)")
    method: str = strawberry.field(description="How the team works (工作方式)")
    site_from: date = strawberry.field(description="On site from (进驻日期)")
    site_until: date = strawberry.field(description="On site until (结束日期)")
    address: str = strawberry.field(description="Working address (工作地址)")
    mailbox: str = strawberry.field(description="Mailbox for reports (举报信箱)")
    phone: str = strawberry.field(description="Office phone (办公电话)")
    online_address: str | None = strawberry.field(
        description="Online intake address, once online intake exists (网上受理地址)"
    )
    briefed_on: date | None = strawberry.field(
        description="When the target's principal was briefed (通报主要负责人日期)"
    )
    briefed_person: str | None = strawberry.field(
        description="The principal briefed (被通报的主要负责人)"
    )
    announcement_url: str = strawberry.field(
        description="GET this path with the bearer token for the announcement as DOCX (公告文件)"
    )
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    viewer_can: Any = viewer_can_field("InspectionNotice", NOTICE_CAN)

    @classmethod
    def from_row(cls, row: InspectionNotice) -> InspectionNoticeType:
        gid = global_id("InspectionNotice", row.id)
        return cls(
            id=strawberry.ID(gid),
            pk=row.id,
            notice_on=row.notice_on,
            scope=row.scope,
            method=row.method,
            site_from=row.site_from,
            site_until=row.site_until,
            address=row.address,
            mailbox=row.mailbox,
            phone=row.phone,
            online_address=row.online_address,
            briefed_on=row.briefed_on,
            briefed_person=row.briefed_person,
            announcement_url=ANNOUNCEMENTS + gid,
            version=row.version,
            **stamps(row),
        )


register_node("InspectionNotice", InspectionNotice, InspectionNoticeType.from_row)


async def inspection_notice(root: Any, info: Info) -> InspectionNoticeType | None:
    """The inspection's notice, null before it is recorded or when hidden."""
    row = await need_to_know(info, InspectionNotice, "inspection_id", root.pk)
    return None if row is None else InspectionNoticeType.from_row(row)


async def serve_announcement(session: AsyncSession, actor: Actor, token: str) -> Served:
    """The announcement of the notice ``token`` names, as DOCX, for whoever reads the notice."""
    notice = await get_readable(
        session, actor, InspectionNotice, expect_global_id(token, "InspectionNotice")
    )
    # system scope: names printed on a notice the reader may read; nothing else of them
    inspection = await session.get(Inspection, notice.inspection_id)
    target = await session.get(Target, notice.target_id)
    office = await session.get(Office, notice.office_id)
    assert inspection is not None and target is not None and office is not None
    ruleset = ruleset_of(office)
    disclosure = next(
        (
            r
            for r in ruleset.of_type(DisclosurePointRule)
            if r.params.stage is DisclosureStage.ENTRY
        ),
        None,
    )
    cited = disclosure or ruleset.stage_rule("on_site")
    found = Announcement(
        inspection=inspection.name,
        office=office.name,
        target=target.name,
        article=cited.article if cited else ruleset.id,
        scope=notice.scope,
        method=notice.method,
        site_from=notice.site_from,
        site_until=notice.site_until,
        address=notice.address,
        mailbox=notice.mailbox,
        phone=notice.phone,
        online_address=notice.online_address,
        issued_on=notice.notice_on,
    )
    return Served(render(found), DOCX, "announcement.docx")


@strawberry.input(description="Record the written notice and the announcement (书面通知和公告)")
class RecordInspectionNoticeInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    notice_on: date = strawberry.field(description="Date of the written notice (书面通知日期)")
    scope: str = strawberry.field(
        description=described("Target and content (对象和工作内容)", InspectionNotice.scope)
    )
    method: str = strawberry.field(
        description=described("How the team works (工作方式)", InspectionNotice.method)
    )
    site_from: date = strawberry.field(description="On site from (进驻日期)")
    site_until: date = strawberry.field(description="On site until (结束日期)")
    address: str = strawberry.field(
        description=described("Working address (工作地址)", InspectionNotice.address)
    )
    mailbox: str = strawberry.field(
        description=described("Mailbox for reports (举报信箱)", InspectionNotice.mailbox)
    )
    phone: str = strawberry.field(
        description=described("Office phone (办公电话)", InspectionNotice.phone)
    )
    online_address: str | None = strawberry.field(
        default=None,
        description=described(
            "Online intake address (网上受理地址)", InspectionNotice.online_address
        ),
    )
    version: int | None = strawberry.field(
        default=None, description="When correcting, the version last read (版本)"
    )


@strawberry.input(description="Record the briefing of the target's principal (通报主要负责人)")
class RecordNoticeBriefingInput:
    notice_id: strawberry.ID = strawberry.field(description="The notice (书面通知)")
    briefed_on: date = strawberry.field(description="Date of the briefing (通报日期)")
    principal: str = strawberry.field(
        description=described("The principal briefed (主要负责人)", InspectionNotice.briefed_person)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to the notice (书面通知结果)")
class InspectionNoticePayload:
    notice: InspectionNoticeType | None = strawberry.field(
        description="The notice, unless refused (书面通知)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _payload(found: InspectionNotice | None, errors: list[UserError]) -> InspectionNoticePayload:
    return InspectionNoticePayload(
        notice=found and InspectionNoticeType.from_row(found), user_errors=errors
    )


@strawberry.type
class NoticeMutation:
    @strawberry.mutation(
        description="Record, or before entry correct, the notice and announcement (书面通知和公告)"
    )
    async def record_inspection_notice(
        self, info: Info, input: RecordInspectionNoticeInput
    ) -> InspectionNoticePayload:
        ctx = info.context

        async def call() -> InspectionNotice:
            return await notices.record_notice(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                notice_on=input.notice_on,
                scope=input.scope,
                method=input.method,
                site_from=input.site_from,
                site_until=input.site_until,
                address=input.address,
                mailbox=input.mailbox,
                phone=input.phone,
                online_address=input.online_address,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "inspection.notice.record", call))

    @strawberry.mutation(description="Record the briefing of the target's principal (通报)")
    async def record_notice_briefing(
        self, info: Info, input: RecordNoticeBriefingInput
    ) -> InspectionNoticePayload:
        ctx = info.context

        async def call() -> InspectionNotice:
            return await notices.record_briefing(
                ctx.session,
                ctx.actor,
                notice_id=expect_global_id(input.notice_id, "InspectionNotice", field="noticeId"),
                briefed_on=input.briefed_on,
                principal=input.principal,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "inspection.notice.briefing", call))
