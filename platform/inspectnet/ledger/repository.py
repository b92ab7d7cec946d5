"""Queries over the ledger; every list starts from the readable scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.ledger.models import LedgerEntry, OpinionRequest
from inspectnet.paging import Children, children
from inspectnet.targets.models import Target

EXPORT_LIMIT = 20000  # one sheet; an office's register is far smaller


def ledger_of(actor: Actor, office_ids: list[int]) -> Children:
    """Readable ledger entries of each office: rows of (entry, office id)."""
    return children(
        readable(actor, LedgerEntry).where(LedgerEntry.office_id.in_(office_ids)),
        LedgerEntry,
        LedgerEntry.office_id,
    )


def opinion_requests_of(actor: Actor, office_ids: list[int]) -> Children:
    """Readable opinion requests to each office: rows of (request, office id)."""
    return children(
        readable(actor, OpinionRequest).where(OpinionRequest.office_id.in_(office_ids)),
        OpinionRequest,
        OpinionRequest.office_id,
    )


async def entries_for_export(
    session: AsyncSession,
    actor: Actor,
    office_id: int,
    where: Sequence[ColumnElement[bool]] = (),
) -> list[tuple[Any, str | None]]:
    """An office's readable entries in register order, each with its target's name."""
    # The target's name is part of the entry the reader may read; it is joined, not read.
    query = (
        readable(actor, LedgerEntry)
        .add_columns(Target.name)
        .outerjoin(Target, Target.id == LedgerEntry.target_id)
        .where(LedgerEntry.office_id == office_id, *where)
        .order_by(LedgerEntry.id)
        .limit(EXPORT_LIMIT)
    )
    return [(entry, name) for entry, name in (await session.execute(query)).all()]


async def entries_of_inspections(
    session: AsyncSession, actor: Actor, office_id: int, kind: str
) -> list[tuple[int, int]]:
    """(inspection id, entries of ``kind``) for an office's readable ledger."""
    query = (
        readable(actor, LedgerEntry)
        .with_only_columns(LedgerEntry.inspection_id, func.count())
        .where(LedgerEntry.office_id == office_id, LedgerEntry.kind == kind)
        .group_by(LedgerEntry.inspection_id)
    )
    return [(int(i), int(n)) for i, n in (await session.execute(query)).all()]
