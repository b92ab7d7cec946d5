"""Notifications for filings (通知): submitted, decided, returned, due soon, overdue.

The recipients are the accounts whose roles hold the action the event asks of them, as the
door decides it: a new filing goes to whoever may decide it in the office filed to (its admins
for record, the named body's members for approval); a decision and a warning go to whoever may
file in the filing office. Notifications carry the filing's title and global ID only
(notifications/models.py), and each reaches its subscriber live once the unit of work commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import RoleGrant
from inspectnet.authz.actor import Actor, office_domain, user_subject
from inspectnet.authz.checks import ANY_OBJECT
from inspectnet.authz.resources import NO_TARGET
from inspectnet.bodies.models import BodyMember
from inspectnet.filings.models import Decision, Filing, FilingState, InboxStatus
from inspectnet.ids import global_id
from inspectnet.notifications.models import NotificationKind
from inspectnet.notifications.service import notify

DECIDED = {
    Decision.APPROVE: (NotificationKind.FILING_DECIDED, "报送已批准"),
    Decision.ACKNOWLEDGE: (NotificationKind.FILING_DECIDED, "报送已备案"),
    Decision.RETURN: (NotificationKind.FILING_RETURNED, "报送被退回"),
}
WARNED = {
    InboxStatus.DUE_SOON: (NotificationKind.FILING_DUE_SOON, "报送临期"),
    InboxStatus.OVERDUE: (NotificationKind.FILING_OVERDUE, "报送逾期"),
}


async def holders(
    session: AsyncSession, actor: Actor, office_id: int, typ: str, action: str
) -> list[int]:
    """Accounts holding a role in the office under which the policy allows ``action``."""
    # Who holds a role in the office (grants and body seats); the door's policy then decides,
    # account by account, which of them the action is for. Nothing is shown to the actor.
    candidates = union(
        # system scope: the office's role grants, to be filtered by the policy below
        select(RoleGrant.user_id).where(RoleGrant.office_id == office_id),
        # system scope: the office's body seats, to be filtered by the policy below
        select(BodyMember.user_id).where(BodyMember.office_id == office_id),
    )
    domain = office_domain(office_id)
    return sorted(
        user_id
        for user_id in (await session.execute(candidates)).scalars()
        if actor.policy.decide(
            user_subject(user_id), domain, "self", typ, ANY_OBJECT, NO_TARGET, action
        )
    )


async def _send(
    session: AsyncSession,
    actor: Actor,
    *,
    recipients: list[int],
    kind: NotificationKind,
    office_id: int,
    filing_id: int,
    title: str,
) -> None:
    await notify(
        session,
        actor,
        recipients=recipients,
        kind=kind,
        subject_id=global_id("Filing", filing_id),
        office_id=office_id,
        title=title[:200],
    )


async def submitted(session: AsyncSession, actor: Actor, filing: Filing, action: str) -> None:
    """Tell the deciders of the office filed to that a version arrived."""
    await _send(
        session,
        actor,
        recipients=await holders(session, actor, filing.to_office_id, "filing_decision", action),
        kind=NotificationKind.FILING_SUBMITTED,
        office_id=filing.to_office_id,
        filing_id=filing.id,
        title=f"收到报送：{filing.title}",
    )


async def decided(
    session: AsyncSession,
    actor: Actor,
    *,
    filing_id: int,
    office_id: int,
    title: str,
    decision: Decision,
) -> None:
    """Tell the filing office how its version was decided."""
    kind, label = DECIDED[decision]
    await _send(
        session,
        actor,
        recipients=await holders(session, actor, office_id, "filing", "file"),
        kind=kind,
        office_id=office_id,
        filing_id=filing_id,
        title=f"{label}：{title}",
    )


async def warn(session: AsyncSession, actor: Actor, today: date) -> dict[InboxStatus, int]:
    """Warn the filers of due items that turned yellow or red since the last sweep, once each.

    One conditional UPDATE per colour moves ``warned`` forward and returns the rows it moved:
    a sweep running at the same moment on another replica waits for the row locks, sees the
    rows already moved and moves (and notifies) none of them.
    """
    moved: dict[InboxStatus, int] = {}
    overdue = (
        Filing.state == FilingState.DUE,
        Filing.due_on < today,
        or_(Filing.warned.is_(None), Filing.warned == InboxStatus.DUE_SOON.value),
    )
    due_soon = (
        Filing.state == FilingState.DUE,
        Filing.due_on >= today,
        Filing.warn_on <= today,
        Filing.warned.is_(None),
    )
    recipients: dict[int, list[int]] = {}
    for status, where in ((InboxStatus.OVERDUE, overdue), (InboxStatus.DUE_SOON, due_soon)):
        # system scope: the sweep acts for the platform over every office's due items
        statement = (
            update(Filing)
            .where(*where)
            .values(warned=status.value)
            .returning(Filing.id, Filing.office_id, Filing.title)
            .execution_options(synchronize_session=False)
        )
        rows = sorted((await session.execute(statement)).all())
        kind, label = WARNED[status]
        for filing_id, office_id, title in rows:
            if office_id not in recipients:
                recipients[office_id] = await holders(session, actor, office_id, "filing", "file")
            await _send(
                session,
                actor,
                recipients=recipients[office_id],
                kind=kind,
                office_id=office_id,
                filing_id=filing_id,
                title=f"{label}：{title}",
            )
        moved[status] = len(rows)
    return moved
