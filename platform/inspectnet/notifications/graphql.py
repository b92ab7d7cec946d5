"""GraphQL types, the viewer's notifications, marking them read, notices and the live feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import (
    CreatedFilter,
    DateTimeRange,
    OrderDirection,
    list_args,
    order_input,
)
from inspectnet.graphql.live import LiveInfo, deliveries
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart
from inspectnet.graphql.relay import Connection, Edge, Node, PageInfo
from inspectnet.ids import expect_global_id, global_id
from inspectnet.notifications import repository, service
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.paging import Order, PageArgs

if TYPE_CHECKING:
    pass

NotificationKindEnum = labelled_enum(
    NotificationKind,
    {
        NotificationKind.NOTICE: "机构通知",
        NotificationKind.BREAK_GLASS: "紧急授权",
        NotificationKind.SHARE_RECEIVED: "收到移交",
        NotificationKind.SHARE_ENDED: "移交已终止",
        NotificationKind.FILING_SUBMITTED: "收到报送",
        NotificationKind.FILING_DECIDED: "报送已批准或备案",
        NotificationKind.FILING_RETURNED: "报送被退回",
        NotificationKind.FILING_DUE_SOON: "报送临期",
        NotificationKind.FILING_OVERDUE: "报送逾期",
        NotificationKind.RECTIFICATION_DUE_SOON: "整改临期",
        NotificationKind.RECTIFICATION_OVERDUE: "整改逾期",
        NotificationKind.TRANSFER_REPORTED: "移交办理情况已反馈",
        NotificationKind.TRANSFER_OVERDUE: "移交办理逾期",
    },
    name="NotificationKind",
    description="What a notification is about (通知类型)",
)


NOTIFICATION_CAN = (Ability("mark_read", "May mark it read (可标记已读)", "update"),)


@strawberry.type(name="Notification", description="Something that happened for the viewer (通知)")
class NotificationType(Node):
    viewer_can: Any = viewer_can_field("Notification", NOTIFICATION_CAN)
    kind: NotificationKind = strawberry.field(description="What it is about (通知类型)")
    title: str = strawberry.field(description="Short title (标题)")
    # Ids, not linked objects: a notification is also delivered over a subscription, which has
    # no open session to load links in; the client reads the subject through node(id).
    office_id: strawberry.ID = strawberry.field(description="The office it concerns (机构)")
    subject_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the object it is about, read through node(id) (相关对象)"
    )
    created_at: datetime = strawberry.field(description="When it was raised (通知时间)")
    updated_at: datetime = strawberry.field(
        description="When it last changed: raised, or marked read (更新时间)"
    )
    read_at: datetime | None = strawberry.field(
        description="When the viewer marked it read, none while unread (已读时间)"
    )

    @classmethod
    def from_row(cls, row: Notification) -> NotificationType:
        return cls(
            id=strawberry.ID(global_id("Notification", row.id)),
            kind=row.kind,
            title=row.title,
            office_id=strawberry.ID(global_id("Office", row.office_id)),
            subject_id=strawberry.ID(row.subject_id) if row.subject_id else None,
            created_at=row.created_at,
            updated_at=row.read_at or row.created_at,
            read_at=row.read_at,
        )


register_node("Notification", Notification, NotificationType.from_row)
NotificationOrder = order_input("Notification", default=OrderDirection.DESC)
NEWEST_FIRST = Order("ID_DESC", (), descending=True)


@strawberry.input(description="Which notifications to list (通知筛选)")
class NotificationFilter(CreatedFilter):
    created_model = Notification
    unread: bool | None = strawberry.field(
        default=None, description="Only unread (true) or only read ones (false) (未读)"
    )
    kind: NotificationKind | None = strawberry.field(
        default=None, description="What it is about (通知类型)"
    )
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Raised within (通知时间)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.unread is not None:
            read = Notification.read_at
            found.append(read.is_(None) if self.unread else read.is_not(None))
        if self.kind is not None:
            found.append(Notification.kind == self.kind)
        return found


@strawberry.type(
    name="NotificationConnection",
    description="A page of the viewer's notifications, newest first (通知列表)",
)
class NotificationConnection(Connection[NotificationType]):
    _unread: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Unread notifications in the whole list (未读数)")
    async def unread_count(self) -> int:
        return await self._unread()


def viewer_notifications(
    info: Info,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    unread_only: bool,
    filter: NotificationFilter | None = None,
    order_by: Any = None,
) -> Awaitable[NotificationConnection]:
    """The ``Viewer.notifications`` connection: keyset pages, newest first unless ordered."""
    ctx = info.context
    args = list_args(filter, order_by, NEWEST_FIRST)
    page = PageArgs.parse(first, after, last, before, args["order"])
    where = args["where"]

    async def build() -> NotificationConnection:
        rows, more = await repository.page_of(
            ctx.session, ctx.actor, unread_only=unread_only, page=page, where=where
        )
        edges = [
            Edge(cursor=page.cursor_of(row), node=NotificationType.from_row(row)) for row in rows
        ]
        return NotificationConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=(more and not page.backwards) or page.before is not None,
                has_previous_page=(more and page.backwards) or page.after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            _count=lambda: repository.count(
                ctx.session, ctx.actor, unread_only=unread_only, where=where
            ),
            _unread=lambda: service.unread_count(ctx.session, ctx.actor),
        )

    return build()


@strawberry.input(description="Notifications to mark read: some by ID, or all (标记已读)")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The notifications to mark, at most 100 (通知)"
    )
    all: bool = strawberry.field(
        default=False, description="Mark every unread notification instead (全部已读)"
    )


@strawberry.type(description="Result of markNotificationsRead (标记已读结果)")
class MarkNotificationsReadPayload:
    notification_ids: list[strawberry.ID] = strawberry.field(
        description="IDs of the notifications named, now read; empty for all (通知)"
    )
    marked_count: int = strawberry.field(description="How many changed from unread (新标记数)")
    unread_count: int | None = strawberry.field(
        description="The viewer's unread notifications left, unless refused (未读数)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A notice to accounts of an office (发送机构通知)")
class SendNoticeInput:
    office_id: strawberry.ID = strawberry.field(description="The office it is from (机构)")
    recipient_ids: list[strawberry.ID] = strawberry.field(
        description="The accounts to notify, at most 100 (收件人)"
    )
    title: str = strawberry.field(description="Short title, no confidential content (标题)")


@strawberry.type(description="Result of sendNotice (发送机构通知结果)")
class SendNoticePayload:
    sent_count: int = strawberry.field(description="Notifications raised (发送数)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Mark the viewer's notifications read (标记通知已读)")
    async def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        ctx = info.context

        async def call() -> tuple[list[Notification], int]:
            return await service.mark_read(
                ctx.session,
                ctx.actor,
                ids=[expect_global_id(i, "Notification", field="ids") for i in input.ids or []],
                all_unread=input.all,
            )

        result, errors = await run_mutation(info, "notification.mark_read", call)
        rows, marked = result or ([], 0)
        return MarkNotificationsReadPayload(
            notification_ids=[strawberry.ID(global_id("Notification", row.id)) for row in rows],
            marked_count=marked,
            unread_count=None if errors else await service.unread_count(ctx.session, ctx.actor),
            user_errors=errors,
        )

    @strawberry.mutation(description="Send a notice to accounts of an office (发送机构通知)")
    async def send_notice(self, info: Info, input: SendNoticeInput) -> SendNoticePayload:
        ctx = info.context

        async def call() -> list[Notification]:
            return await service.send_notice(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                recipient_ids=[
                    expect_global_id(i, "UserAccount", field="recipientIds")
                    for i in input.recipient_ids
                ],
                title=input.title,
            )

        rows, errors = await run_mutation(info, "notification.notice", call)
        return SendNoticePayload(sent_count=len(rows or []), user_errors=errors)


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(
        description="The viewer's new notifications as they are raised (新通知推送)"
    )
    async def notification_added(self, info: LiveInfo) -> AsyncGenerator[NotificationType, None]:
        async for row in deliveries(info, service.TOPIC, repository.one_readable):
            yield NotificationType.from_row(row)


SCHEMA = SchemaPart(
    mutation=NotificationsMutation,
    subscription=NotificationsSubscription,
    types=(NotificationType,),
)
