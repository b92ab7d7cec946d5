"""Use cases on notifications (通知): raising them for other domains, reading, marking read."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.events import LiveEvent, publish_after_commit
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.notifications import repository
from inspectnet.notifications.models import Notification, NotificationKind

TOPIC = "notification"
MAX_TITLE = 200
MAX_IDS = 100


async def notify(
    session: AsyncSession,
    actor: Actor,
    *,
    recipients: Iterable[int],
    kind: NotificationKind,
    subject_id: str | None,
    office_id: int,
    title: str,
) -> list[Notification]:
    """Raise one notification per active recipient, delivered live once the caller commits.

    Called by other domains inside their unit of work, after their own checks: the recipients
    are theirs to choose (e.g. a superior office's admins), so none of the actor's read rights
    are needed here. Unknown or inactive accounts are skipped.
    """
    title = validation.required(title, "title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(f"标题不能超过{MAX_TITLE}字", code="TOO_LONG", field="title")
    wanted = sorted(set(recipients))
    active = set(await repository.active_accounts(session, wanted)) if wanted else set()
    rows = [
        Notification(
            recipient_user_id=user_id,
            office_id=office_id,
            kind=kind,
            subject_id=subject_id,
            title=title,
            created_at=clock.now(),
        )
        for user_id in wanted
        if user_id in active
    ]
    session.add_all(rows)
    await session.flush()
    for row in rows:
        publish_after_commit(
            session, LiveEvent(TOPIC, row.id, row.recipient_user_id, row.subject_id)
        )
    return rows


async def send_notice(
    session: AsyncSession, actor: Actor, *, office_id: int, recipient_ids: list[int], title: str
) -> list[Notification]:
    """An office admin's notice (机构通知) to accounts it can see, about its office."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "create", Notification, office.id)
    if not recipient_ids or len(recipient_ids) > MAX_IDS:
        raise ValidationFailed(
            f"收件人应为1到{MAX_IDS}个账号", code="INVALID_RECIPIENTS", field="recipientIds"
        )
    seen = await repository.readable_accounts(session, actor, recipient_ids)
    if not seen >= set(recipient_ids):
        raise NotFound("收件人账号不存在", code="NOT_FOUND", field="recipientIds")
    rows = await notify(
        session,
        actor,
        recipients=recipient_ids,
        kind=NotificationKind.NOTICE,
        subject_id=global_id("Office", office.id),
        office_id=office.id,
        title=title,
    )
    await record(
        session,
        actor,
        "notification.notice",
        office_id=office.id,
        object_id=global_id("Office", office.id),
        detail={"recipients": len(rows)},
    )
    return rows


async def mark_read(
    session: AsyncSession, actor: Actor, *, ids: list[int] | None, all_unread: bool
) -> tuple[list[Notification], int]:
    """Mark the actor's named notifications, or all of them, as read: (the named ones, count).

    A name the actor may not mark is NOT_FOUND and nothing is marked.
    """
    if all_unread == bool(ids):
        raise ValidationFailed("请指定要标记的通知，或选择全部标记", code="IDS_OR_ALL", field="ids")
    now = clock.now()
    if all_unread:
        changed = await repository.mark_all_read(session, actor, now)
        await record(
            session, actor, "notification.mark_read", detail={"all": True, "count": changed}
        )
        return [], changed
    wanted = list(dict.fromkeys(ids or []))
    if len(wanted) > MAX_IDS:
        raise ValidationFailed(f"一次最多标记{MAX_IDS}条", code="TOO_MANY_IDS", field="ids")
    found = {row.id: row for row in await repository.to_update(session, actor, wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        # Through the door's single read, so a foreign notification's id is audited as a denial.
        with contextlib.suppress(NotFound):
            await get_readable(session, actor, Notification, missing[0])
        raise NotFound(field="ids")
    changed = 0
    for row in found.values():
        if row.read_at is None:
            row.read_at = now
            changed += 1
    await session.flush()
    await record(session, actor, "notification.mark_read", detail={"count": changed})
    return [found[pk] for pk in wanted], changed


async def unread_count(session: AsyncSession, actor: Actor) -> int:
    """How many of the actor's notifications are unread."""
    return await repository.count(session, actor, unread_only=True)
