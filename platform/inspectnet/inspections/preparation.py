"""Preparation before entry (nmg-2016 §24): requests for information about the target's
leadership to the discipline, political-legal, organisation, audit and petition bodies, each
tracked as an item with its due date and answer.

The seeds name the bodies, not a period: the office sets each item's due date when it asks.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, PreparationBody, PreparationItem, Stage

# Asked before the team goes in (巡视组开展巡视前, nmg-2016 §24).
BEFORE_ENTRY = (Stage.PLANNED, Stage.TEAM_FORMED, Stage.NOTIFIED)


async def add_preparation_item(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    body: PreparationBody,
    question: str,
    due_on: date,
) -> PreparationItem:
    """Ask one body about the target's leadership before entry, by a due date."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        PreparationItem,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    inputs = validation.Inputs()
    text = inputs.text(PreparationItem.question, question)
    inputs.date(due_on, "dueOn")
    if due_on < clock.today_in_china():
        inputs.add(ValidationFailed("答复期限不能早于今天", code="DUE_DATE_PAST", field="dueOn"))
    inputs.done()
    if inspection.stage not in BEFORE_ENTRY:
        raise Conflict(
            "巡视组进驻后不再发出了解情况的请求（nmg-2016 §24：巡视组开展巡视前）",
            code="PREPARATION_AFTER_ENTRY",
            field="inspectionId",
        )
    item = PreparationItem(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        body=body,
        question=text,
        due_on=due_on,
    )
    session.add(item)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.preparation.add",
        office_id=item.office_id,
        object_id=global_id_of(item),
        detail={"body": body.value, "due_on": due_on.isoformat()},
    )
    return item


async def _open_item(session: AsyncSession, actor: Actor, item_id: int) -> PreparationItem:
    item = await get_readable(session, actor, PreparationItem, item_id)
    await require(session, actor, "update", item)
    if item.archived_at is not None:
        raise Conflict("该事项已撤回", code="PREPARATION_WITHDRAWN", field="itemId")
    return item


async def answer_preparation_item(
    session: AsyncSession, actor: Actor, *, item_id: int, answer: str
) -> PreparationItem:
    """Record the body's answer, dated today."""
    item = await _open_item(session, actor, item_id)
    inputs = validation.Inputs()
    text = inputs.text(PreparationItem.answer, answer)
    inputs.done()
    if text is None:
        raise ValidationFailed("答复内容不能为空", code="REQUIRED", field="answer")
    item.answer = text
    item.answered_on = clock.today_in_china()
    await session.flush()
    await record(
        session,
        actor,
        "inspection.preparation.answer",
        office_id=item.office_id,
        object_id=global_id_of(item),
    )
    return item


async def withdraw_preparation_item(
    session: AsyncSession, actor: Actor, *, item_id: int
) -> PreparationItem:
    """Withdraw a request: kept as a record, gone from the open list."""
    item = await _open_item(session, actor, item_id)
    item.archived_at = clock.now()
    await session.flush()
    await record(
        session,
        actor,
        "inspection.preparation.withdraw",
        office_id=item.office_id,
        object_id=global_id_of(item),
    )
    return item
