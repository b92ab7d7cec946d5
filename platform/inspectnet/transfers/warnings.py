"""Overdue handling reports (nmg-2016 §32, §38(3); qh-zrzyt §21), found by the duties sweep
(``inspectnet duties sweep``) and announced on both sides: to the admins of the sending office,
which follows the transfer up, and of the receiving office, which owes the report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts import shares
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id_of
from inspectnet.notifications.models import NotificationKind
from inspectnet.transfers.models import Transfer, TransferFailure, TransferState


async def sweep(session: AsyncSession, actor: Actor, *, today: date | None = None) -> int:
    """Record every signed transfer past its due date unanswered as handled late (研究办理不
    及时, nmg-2016 §38(3)) and warn both offices once; the number newly overdue."""
    today = today or clock.today_in_china()
    late = (
        await session.scalars(
            # system scope: the sweep acts for the platform over every office's transfers
            select(Transfer)
            .where(
                Transfer.state == TransferState.SIGNED,
                Transfer.failure.is_(None),
                Transfer.due_on < today,
            )
            .order_by(Transfer.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for row in late:
        row.failure = TransferFailure.LATE
        for office in dict.fromkeys((row.office_id, row.receiver_office_id)):
            if office is None:
                continue
            await shares.tell(
                session,
                actor,
                office,
                row,
                NotificationKind.TRANSFER_OVERDUE,
                "移交办理情况反馈逾期",
            )
            await record(
                session,
                actor,
                "transfer.overdue",
                office_id=office,
                object_id=global_id_of(row),
                detail={"due_on": str(row.due_on)},
            )
    await session.flush()
    return len(late)
