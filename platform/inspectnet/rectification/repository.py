"""Queries after the site; every one starts from the readable scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children
from inspectnet.rectification.models import (
    FedBackProblem,
    FeedbackParty,
    PostSiteDecision,
    RectificationCheck,
    RectificationDuty,
    RectificationItem,
    RectificationReport,
)


async def of_inspections(
    session: AsyncSession, actor: Actor, model: type[Any], inspection_ids: list[int]
) -> dict[int, Any]:
    """Each inspection's hearing, feedback or plan (one each), where recorded and readable."""
    statement = readable(actor, model).where(model.inspection_id.in_(inspection_ids))
    return {row.inspection_id: row for row in (await session.execute(statement)).scalars()}


def decisions_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable decisions after each inspection's hearing."""
    return children(
        readable(actor, PostSiteDecision).where(PostSiteDecision.inspection_id.in_(inspection_ids)),
        PostSiteDecision,
        PostSiteDecision.inspection_id,
    )


def problems_of(actor: Actor, feedback_ids: list[int]) -> Children:
    """Readable problems each feedback named."""
    return children(
        readable(actor, FedBackProblem).where(FedBackProblem.feedback_id.in_(feedback_ids)),
        FedBackProblem,
        FedBackProblem.feedback_id,
    )


def parties_of(actor: Actor, feedback_ids: list[int]) -> Children:
    """Readable attendees and circulation of each feedback."""
    return children(
        readable(actor, FeedbackParty).where(FeedbackParty.feedback_id.in_(feedback_ids)),
        FeedbackParty,
        FeedbackParty.feedback_id,
    )


def duties_of(actor: Actor, feedback_ids: list[int]) -> Children:
    """Readable duties each feedback started."""
    return children(
        readable(actor, RectificationDuty).where(RectificationDuty.feedback_id.in_(feedback_ids)),
        RectificationDuty,
        RectificationDuty.feedback_id,
    )


def reports_of(actor: Actor, duty_ids: list[int]) -> Children:
    """Readable reports each duty owes."""
    return children(
        readable(actor, RectificationReport).where(RectificationReport.duty_id.in_(duty_ids)),
        RectificationReport,
        RectificationReport.duty_id,
    )


def items_of(actor: Actor, plan_ids: list[int]) -> Children:
    """Readable items of each plan."""
    return children(
        readable(actor, RectificationItem).where(RectificationItem.plan_id.in_(plan_ids)),
        RectificationItem,
        RectificationItem.plan_id,
    )


def checks_of(actor: Actor, item_ids: list[int]) -> Children:
    """Readable checks (closures, reopenings) of each item."""
    return children(
        readable(actor, RectificationCheck).where(RectificationCheck.item_id.in_(item_ids)),
        RectificationCheck,
        RectificationCheck.item_id,
    )
