"""The results ledger 台账 (nmg-2016 §33, qh-zrzyt §35): compiled from its sources, exported,
and used: the organisation department's opinion requests (nmg-2016 §33) and staff performance
weighted on problems found (nmg-2016 §15)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection
from inspectnet.ledger.models import LedgerEntry, OpinionRequest, OpinionState
from inspectnet.ledger.sources import SOURCES
from inspectnet.network.models import Office
from inspectnet.targets.models import Target


async def compile_ledger(session: AsyncSession, actor: Actor, *, office_id: int) -> int:
    """Bring an office's ledger up to date with its records; the number of entries written."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "compile", LedgerEntry, office.id)
    existing = {
        (e.kind, e.ref_id): e
        for e in await session.scalars(
            # system scope: the office's existing entries, matched to their records below
            select(LedgerEntry).where(LedgerEntry.office_id == office.id)
        )
    }
    written = 0
    for source in SOURCES:
        model = source.model
        rows = await session.execute(
            # system scope: compiling the register reads every record of the office; an entry
            # shows only what sources.Line lets it, and the door weighs who reads the entries
            select(model, Inspection.plan_id)
            .join(Inspection, Inspection.id == model.inspection_id)
            .where(model.office_id == office.id)
            .order_by(model.id)
        )
        for row, plan_id in rows:
            line = source.line(row)
            values = {
                "inspection_id": row.inspection_id,
                "target_id": row.target_id,
                "plan_id": plan_id,
                "title": line.title[:500],
                "category": line.category,
                "state": line.state,
            }
            entry = existing.get((source.kind, row.id))
            if entry is None:
                session.add(
                    LedgerEntry(
                        office_id=office.id,
                        kind=source.kind,
                        ref_id=row.id,
                        recorded_at=row.created_at,
                        **values,
                    )
                )
                written += 1
            elif any(getattr(entry, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(entry, key, value)
                written += 1
    await session.flush()
    await record(session, actor, "ledger.compile", office_id=office.id, detail={"written": written})
    return written


async def request_opinion(
    session: AsyncSession,
    actor: Actor,
    *,
    target_id: int,
    requested_by: str,
    cadre_name: str,
    cadre_post: str,
    purpose: str,
) -> OpinionRequest:
    """Record the organisation department's request for the office's opinion of a cadre of an
    inspected unit (nmg-2016 §33)."""
    target = await get_readable(session, actor, Target, target_id)
    await require_in(session, actor, "create", OpinionRequest, target.office_id, target.id)
    inputs = validation.Inputs()
    values = {
        "requested_by": inputs.text(OpinionRequest.requested_by, requested_by, field="requestedBy"),
        "cadre_name": inputs.text(OpinionRequest.cadre_name, cadre_name, field="cadreName"),
        "cadre_post": inputs.text(OpinionRequest.cadre_post, cadre_post, field="cadrePost"),
        "purpose": inputs.text(OpinionRequest.purpose, purpose),
    }
    inputs.done()
    row = OpinionRequest(office_id=target.office_id, target_id=target.id, **values)
    session.add(row)
    await session.flush()
    await record(
        session, actor, "opinion.create", office_id=row.office_id, object_id=global_id_of(row)
    )
    return row


async def answer_opinion(
    session: AsyncSession,
    actor: Actor,
    *,
    request_id: int,
    answer: str,
    version: int | None = None,
) -> OpinionRequest:
    """Record the office's answer to an opinion request (nmg-2016 §33)."""
    row = await get_readable(session, actor, OpinionRequest, request_id)
    await require(session, actor, "answer", row)
    expect_version(row, version)
    if row.state is not OpinionState.REQUESTED:
        raise Conflict("该征求意见已回复", code="OPINION_ANSWERED", field="requestId")
    inputs = validation.Inputs()
    text = inputs.text(OpinionRequest.answer, answer)
    inputs.done()
    row.state, row.answer = OpinionState.ANSWERED, text
    row.answered_at, row.answered_by = clock.now(), actor.user_id
    await session.flush()
    await record(
        session, actor, "opinion.answer", office_id=row.office_id, object_id=global_id_of(row)
    )
    return row
