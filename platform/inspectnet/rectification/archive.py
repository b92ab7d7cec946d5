"""The rectification plan and its items in the inspection's archive (archive/sources.py
SOURCES). The office reads its targets' plans, so they are read as the archivist reads them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.archive.sources import Member, as_json
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection
from inspectnet.rectification.models import RectificationItem, RectificationPlan


async def plan(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """The plan (整改方案, qh-zrzyt §19) and each item: problem, measure, owners, due, state."""
    found = await session.scalar(
        readable(actor, RectificationPlan).where(RectificationPlan.inspection_id == inspection.id)
    )
    if found is None:
        return [Member("rectification/plan.json", as_json(None))]
    items = await session.scalars(
        readable(actor, RectificationItem)
        .where(RectificationItem.plan_id == found.id)
        .order_by(RectificationItem.id)
    )
    record = {
        "id": global_id("RectificationPlan", found.id),
        "state": found.state,
        "submittedAt": found.submitted_at,
        "approvedAt": found.approved_at,
        "items": [
            {
                "id": global_id("RectificationItem", i.id),
                "problem": global_id("FedBackProblem", i.problem_id),
                "measure": i.measure,
                "owner": i.owner_name,
                "supervisor": i.supervisor_name,
                "dueOn": i.due_on,
                "evidence": i.evidence,
                "state": i.state,
                "doneAt": i.done_at,
                "closedAt": i.closed_at,
            }
            for i in items
        ],
    }
    return [Member("rectification/plan.json", as_json(record))]
