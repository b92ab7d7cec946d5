"""Sharing by transfer (移交, nmg-2016 §31, qh-zrzyt §20) as a use case: the door records or
ends the share (authz/shares.py); here the receiving office's admins are told of it.

A notification carries no content of the object: its global ID only, which the receivers read
through ``node(id)`` as the relation ``shared`` allows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts import repository
from inspectnet.authz import shares
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.authz.models import Share
from inspectnet.authz.resources import model_of_type
from inspectnet.errors import NotFound
from inspectnet.ids import global_id_of
from inspectnet.notifications.models import NotificationKind
from inspectnet.notifications.service import notify


async def share(
    session: AsyncSession,
    actor: Actor,
    *,
    model: type[Any],
    object_id: int,
    office_id: int,
    reason: str,
) -> Share:
    """Share one readable object with office ``office_id``, saying why; its admins are told."""
    obj = await get_readable(session, actor, model, object_id)
    made = await shares.share_object(session, actor, obj=obj, office_id=office_id, reason=reason)
    await tell(session, actor, made.office_id, obj, NotificationKind.SHARE_RECEIVED, "收到移交")
    return made


async def end_share(session: AsyncSession, actor: Actor, *, share_id: int) -> int:
    """End one share of an object the actor may share; the receiving office's admins are told."""
    # system scope: the share is found by id; the door then weighs its object, so a share of an
    # object the actor cannot read answers NOT_FOUND as if it did not exist
    found = await session.get(Share, share_id)
    if found is None:
        raise NotFound()
    obj = await get_readable(session, actor, model_of_type(found.object_type), found.object_id)
    receiver = found.office_id
    await shares.end_share(session, actor, share=found, obj=obj)
    await tell(session, actor, receiver, obj, NotificationKind.SHARE_ENDED, "移交已终止")
    return share_id


async def tell(
    session: AsyncSession,
    actor: Actor,
    office_id: int,
    obj: Any,
    kind: NotificationKind,
    title: str,
) -> None:
    """Tell the admins of ``office_id`` (but the actor) about ``obj``: a transfer's share,
    its handling report, its overdue warning."""
    admins = await repository.office_admins(session, office_id)
    await notify(
        session,
        actor,
        recipients=[a for a in admins if a != actor.user_id],
        kind=kind,
        subject_id=global_id_of(obj),
        office_id=office_id,
        title=title,
    )
