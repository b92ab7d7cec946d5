"""Overdue handling reports: the duties sweep records the failure of nmg-2016 §38(3) once and
warns the admins of both offices; a late answer stays recorded as late."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from inspectnet import clock
from inspectnet.ids import global_id_of
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.transfers import service, warnings
from inspectnet.transfers.models import TransferFailure, TransferState
from tests.transfers.factories import make_transfer, make_transfer_setting


async def _told(session: Any, transfer: Any) -> list[int]:
    found = await session.scalars(
        select(Notification.recipient_user_id).where(
            Notification.kind == NotificationKind.TRANSFER_OVERDUE,
            Notification.subject_id == global_id_of(transfer),
        )
    )
    return sorted(found)


async def test_an_unanswered_transfer_past_its_date_is_recorded_late_and_both_sides_warned(
    system: Any,
) -> None:
    session, root = system
    setting = await make_transfer_setting(session, root)
    made = await make_transfer(session, root, setting)
    signed = await service.sign_transfer(session, root, transfer_id=made.id)
    assert signed.due_on == date(2027, 2, 25)  # signed 2026-11-25, three months (§32)

    # the day it falls due nothing is late yet (other tests' transfers may be swept too: the
    # assertions look at this one)
    await warnings.sweep(session, root, today=date(2027, 2, 25))
    assert signed.failure is None
    assert await _told(session, made) == []
    # the day after it is, and both offices' admins are told once
    assert await warnings.sweep(session, root, today=date(2027, 2, 26)) >= 1
    await warnings.sweep(session, root, today=date(2027, 2, 27))
    assert signed.failure is TransferFailure.LATE
    assert await _told(session, made) == sorted([setting.admin.id, setting.receiver_admin.id])

    # the late answer is still taken, and the failure stays on the record
    with clock.frozen(datetime(2027, 3, 1, 2, tzinfo=UTC)):
        answered = await service.report_handling(
            session,
            root,
            transfer_id=made.id,
            outcome="handling.talk_inquiry",
            report="已对其谈话函询",
        )
    assert (answered.state, answered.failure) == (TransferState.REPORTED, TransferFailure.LATE)


async def test_a_declined_transfer_is_recorded_as_not_accepted(system: Any) -> None:
    session, root = system
    setting = await make_transfer_setting(session, root)
    made = await make_transfer(session, root, setting, to_office=False)
    # an outside body: the sending office records what it did
    assert service.acts_for(made, "sign") == "record"
    refused = await service.refuse_transfer(
        session, root, transfer_id=made.id, reason="不属于本机关管辖"
    )
    assert (refused.state, refused.failure, refused.receiver_name) == (
        TransferState.REFUSED,
        TransferFailure.NOT_ACCEPTED,
        "某县纪委监委",
    )
