"""移交 (transfer): an object shared with a receiving office, read there through ``shared``.

The receiving office reads exactly the objects shared with it (nmg-2016 §31, qh-zrzyt §20):
the share names one object; the policy rows for the relation ``shared`` say which roles of the
receiving office read which types. A recusal still beats it (its deny wildcards the relation).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import require
from inspectnet.authz.models import Share
from inspectnet.authz.resources import model_of_type, office_of, type_of
from inspectnet.errors import Conflict, NotFound, ValidationFailed
from inspectnet.ids import global_id_of

REASON_MIN, REASON_MAX = 4, 500


async def share_object(
    session: AsyncSession, actor: Actor, *, obj: Any, office_id: int, reason: str
) -> Share:
    """Share ``obj`` (already read through the door) with office ``office_id``, saying why."""
    await require(session, actor, "share", obj)
    text = reason.strip()
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise ValidationFailed(
            f"移交理由须为{REASON_MIN}至{REASON_MAX}个字符", code="REASON_INVALID", field="reason"
        )
    # system scope: the receiving office is named, not read; sharing reveals nothing of it
    if await session.get(model_of_type("office"), office_id) is None:
        raise NotFound("接收机构不存在", code="OFFICE_NOT_FOUND", field="officeId")
    if office_id == office_of(obj):
        raise ValidationFailed("不能移交给本机构", code="SHARE_TO_SELF", field="officeId")
    typ = type_of(type(obj))
    existing = await session.scalar(
        # system scope: one share per object and receiving office, whoever made it
        select(Share.id).where(
            Share.object_type == typ, Share.object_id == obj.id, Share.office_id == office_id
        )
    )
    if existing is not None:
        raise Conflict("已移交给该机构", code="ALREADY_SHARED", field="officeId")
    share = Share(
        office_id=office_id,
        object_type=typ,
        object_id=obj.id,
        granted_by=actor.user_id,
        reason=text,
    )
    session.add(share)
    await session.flush()
    detail = {"object": global_id_of(obj), "to_office": office_id, "reason": text}
    for office in (office_of(obj), office_id):  # each end's auditor sees it
        await record(
            session,
            actor,
            "share.create",
            office_id=office,
            object_id=global_id_of(share),
            detail=detail,
        )
    await policy_changed(session, actor)
    return share


async def end_share(session: AsyncSession, actor: Actor, *, share: Share, obj: Any) -> None:
    """End one share of ``obj`` (already read through the door): the receiving office reads it
    no more from the next policy snapshot on. Whoever may share the object may end its shares."""
    await require(session, actor, "share", obj)
    detail = {"object": global_id_of(obj), "to_office": share.office_id, "reason": share.reason}
    share_id, receiver = global_id_of(share), share.office_id
    await session.delete(share)
    await session.flush()
    for office in (office_of(obj), receiver):  # each end's auditor sees it, as at the start
        await record(
            session, actor, "share.end", office_id=office, object_id=share_id, detail=detail
        )
    await policy_changed(session, actor)
