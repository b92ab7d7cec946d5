"""Queries over transfers; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children
from inspectnet.transfers.models import Transfer, TransferState


def transfers_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable transfers of each inspection: rows of (transfer, inspection id)."""
    return children(
        readable(actor, Transfer).where(Transfer.inspection_id.in_(inspection_ids)),
        Transfer,
        Transfer.inspection_id,
    )


def transfers_sent(actor: Actor, office_ids: list[int]) -> Children:
    """Readable transfers each office made: rows of (transfer, office id)."""
    return children(
        readable(actor, Transfer).where(Transfer.office_id.in_(office_ids)),
        Transfer,
        Transfer.office_id,
    )


def transfers_received(actor: Actor, office_ids: list[int]) -> Children:
    """Readable transfers addressed to each office: rows of (transfer, receiving office id)."""
    return children(
        readable(actor, Transfer).where(Transfer.receiver_office_id.in_(office_ids)),
        Transfer,
        Transfer.receiver_office_id,
    )


async def open_transfers(session: AsyncSession, actor: Actor) -> list[Transfer]:
    """Signed transfers still awaiting their handling report, that the actor may read."""
    found = await session.scalars(
        readable(actor, Transfer)
        .where(Transfer.state == TransferState.SIGNED)
        .order_by(Transfer.id)
    )
    return list(found)
