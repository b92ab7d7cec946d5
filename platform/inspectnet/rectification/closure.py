"""Closure against evidence (对账销号) by the inspecting office, item by item, and reopening by
a special check of rectification or a follow-up 回头看 (nmg-2016 §19, §34; qh-zrzyt §13)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.authz.scopes import readable
from inspectnet.concurrency import transition
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection
from inspectnet.rectification.models import (
    CheckBasis,
    ItemState,
    RectificationCheck,
    RectificationItem,
)


async def close_item(
    session: AsyncSession, actor: Actor, *, item_id: int, note: str
) -> RectificationItem:
    """The inspecting office closes an item against its evidence (对账销号)."""
    item = await get_readable(session, actor, RectificationItem, item_id)
    await require(session, actor, "close", item)
    inputs = validation.Inputs()
    text = inputs.text(RectificationCheck.note, note)
    inputs.done()
    if item.state is not ItemState.DONE or item.evidence is None:
        raise RuleViolation(
            "没有佐证材料的整改事项不能销号（对账销号）",
            code="ITEM_WITHOUT_EVIDENCE",
            field="itemId",
        )
    pk = item.id
    await _check(session, actor, item, closed=True, basis=CheckBasis.EVIDENCE, note=text)
    await transition(
        session,
        RectificationItem,
        pk,
        from_states=[ItemState.DONE],
        to_state=ItemState.CLOSED,
        values={"closed_at": clock.now()},
    )
    return await get_readable(session, actor, RectificationItem, pk)


async def reopen_item(
    session: AsyncSession, actor: Actor, *, item_id: int, basis: CheckBasis, note: str
) -> RectificationItem:
    """Reopen an item a special check or a follow-up found not rectified (nmg-2016 §19, §34)."""
    item = await get_readable(session, actor, RectificationItem, item_id)
    await require(session, actor, "reopen", item)
    inputs = validation.Inputs()
    text = inputs.text(RectificationCheck.note, note)
    if basis is CheckBasis.EVIDENCE:
        inputs.add(
            ValidationFailed("重新打开须依据专项检查或回头看", code="INVALID_CODE", field="basis")
        )
    inputs.done()
    if basis is CheckBasis.FOLLOW_UP:
        follow_up = await session.scalar(
            readable(actor, Inspection).where(Inspection.follows_id == item.inspection_id)
        )
        if follow_up is None:
            raise Conflict("该巡视巡察没有“回头看”", code="FOLLOW_UP_MISSING", field="basis")
    pk = item.id
    await _check(session, actor, item, closed=False, basis=basis, note=text)
    # Open again, its warnings start over from its due date.
    await transition(
        session,
        RectificationItem,
        pk,
        from_states=[ItemState.DONE, ItemState.CLOSED],
        to_state=ItemState.OPEN,
        values={"closed_at": None, "done_at": None, "escalated": 0},
    )
    return await get_readable(session, actor, RectificationItem, pk)


async def _check(
    session: AsyncSession,
    actor: Actor,
    item: RectificationItem,
    *,
    closed: bool,
    basis: CheckBasis,
    note: str,
) -> None:
    check = RectificationCheck(
        office_id=item.office_id,
        inspection_id=item.inspection_id,
        target_id=item.target_id,
        item_id=item.id,
        closed=closed,
        basis=basis,
        note=note,
    )
    session.add(check)
    await session.flush()
    await record(
        session,
        actor,
        "rectification.item.close" if closed else "rectification.item.reopen",
        office_id=item.office_id,
        object_id=global_id_of(item),
        detail={"basis": basis.value},
    )
