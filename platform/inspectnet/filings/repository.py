"""Queries over filings and decisions; every list starts from the readable scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.filings.models import (
    Filing,
    FilingDecision,
    FilingState,
    FilingWarningSetting,
    InboxStatus,
)
from inspectnet.network.graph import Direction, reach_query
from inspectnet.network.models import LinkKind, Office, OfficeReach
from inspectnet.paging import Children, children, top_level

OVERSEE = "oversee"


def filings_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable filings each office made: rows of (filing, filer office id)."""
    return children(
        readable(actor, Filing).where(Filing.office_id.in_(office_ids)), Filing, Filing.office_id
    )


def filings_to_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable filings addressed to each office: rows of (filing, recipient office id)."""
    return children(
        readable(actor, Filing).where(Filing.to_office_id.in_(office_ids)),
        Filing,
        Filing.to_office_id,
    )


def decisions_of(actor: Actor, filing_ids: list[int]) -> Children:
    """Readable decisions on each filing version: rows of (decision, filing id)."""
    return children(
        readable(actor, FilingDecision).where(FilingDecision.filing_id.in_(filing_ids)),
        FilingDecision,
        FilingDecision.filing_id,
    )


def warning_settings_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable yellow thresholds each office set: rows of (setting, office id)."""
    return children(
        readable(actor, FilingWarningSetting).where(FilingWarningSetting.office_id.in_(office_ids)),
        FilingWarningSetting,
        FilingWarningSetting.office_id,
    )


def oversight_of(actor: Actor, office_id: int) -> Children:
    """Filings deeper in the office's network, to offices below it: where its relation allows.

    Scoped by the door's ``oversee`` action, which a superior holds where it holds no ``read``
    of the rows; the caller shows their status only, never their content.
    """
    below = reach_query(office_id, LinkKind.LEADERSHIP, Direction.DOWN)
    query = readable(actor, Filing, OVERSEE).where(
        Filing.to_office_id.in_(below),
        Filing.to_office_id != office_id,
        Filing.state != FilingState.SUPERSEDED,
    )
    return top_level(query, Filing)


async def series(session: AsyncSession, actor: Actor, series_key: str) -> list[Filing]:
    """Every readable version of one series, newest first."""
    statement = (
        readable(actor, Filing)
        .where(Filing.series_key == series_key)
        .order_by(Filing.number.desc())
    )
    return list((await session.execute(statement)).scalars())


async def latest_of_series(
    session: AsyncSession, actor: Actor, series_keys: list[str]
) -> list[Filing]:
    """The newest readable version of each series named."""
    statement = (
        readable(actor, Filing)
        .where(Filing.series_key.in_(series_keys))
        .order_by(Filing.series_key, Filing.number.desc())
    )
    newest: dict[str, Filing] = {}
    for filing in (await session.execute(statement)).scalars():
        newest.setdefault(filing.series_key, filing)
    return list(newest.values())


async def direct_superior(session: AsyncSession, office_id: int) -> int | None:
    """The office one link above on the leadership line (the one a filing goes to)."""
    # The closure is the network's own, not a tenant's rows.
    statement = select(OfficeReach.ancestor_id).where(
        OfficeReach.kind == LinkKind.LEADERSHIP,
        OfficeReach.descendant_id == office_id,
        OfficeReach.depth == 1,
    )
    return await session.scalar(statement)


@dataclass(frozen=True)
class InboxFilter:
    """What the superior narrows its inbox to; every field optional."""

    from_office_id: int | None = None
    rule_id: str | None = None
    state: FilingState | None = None
    status: InboxStatus | None = None
    due_from: date | None = None  # period: deadlines on or after
    due_to: date | None = None  # ... and on or before


def status_of(today: date) -> ColumnElement[str]:
    """The inbox status as SQL: the same rule as ``service.status_of_row``, one CASE."""
    due = Filing.state == FilingState.DUE
    return case(
        (and_(due, Filing.due_on < today), literal(InboxStatus.OVERDUE.value)),
        (and_(due, Filing.warn_on <= today), literal(InboxStatus.DUE_SOON.value)),
        (due, literal(InboxStatus.OPEN.value)),
        (
            and_(Filing.due_on.is_not(None), Filing.submitted_on > Filing.due_on),
            literal(InboxStatus.MET_LATE.value),
        ),
        else_=literal(InboxStatus.MET_ON_TIME.value),
    )


def inbox_conditions(filters: InboxFilter, today: date) -> list[ColumnElement[bool]]:
    """What ``filters`` asks of a filing, as SQL conditions (``status`` as of ``today``)."""
    found: list[ColumnElement[bool]] = []
    if filters.from_office_id is not None:
        found.append(Filing.office_id == filters.from_office_id)
    if filters.rule_id is not None:
        found.append(Filing.rule_id == filters.rule_id)
    if filters.state is not None:
        found.append(Filing.state == filters.state)
    if filters.status is not None:
        found.append(status_of(today) == filters.status.value)
    if filters.due_from is not None:
        found.append(Filing.due_on >= filters.due_from)
    if filters.due_to is not None:
        found.append(Filing.due_on <= filters.due_to)
    return found


def _inbox_where(actor: Actor, office_ids: list[int], filters: InboxFilter, today: date) -> Any:
    return readable(actor, Filing).where(
        Filing.to_office_id.in_(office_ids),
        Filing.state != FilingState.SUPERSEDED,
        *inbox_conditions(filters, today),
    )


def inbox_of(actor: Actor, office_ids: list[int], filters: InboxFilter, today: date) -> Children:
    """The superior's inbox: readable, current filings addressed to each office, filtered."""
    return children(_inbox_where(actor, office_ids, filters, today), Filing, Filing.to_office_id)


async def inbox_counts(
    session: AsyncSession, actor: Actor, office_id: int, filters: InboxFilter, today: date
) -> dict[InboxStatus, int]:
    """How many items of the (filtered) inbox stand in each status: one GROUP BY."""
    status = status_of(today).label("status")
    statement = (
        _inbox_where(actor, [office_id], filters, today)
        .with_only_columns(status, func.count(), maintain_column_froms=True)
        .group_by(status)
    )
    found = {InboxStatus(s): int(n) for s, n in (await session.execute(statement)).all()}
    return {s: found.get(s, 0) for s in InboxStatus}


async def inbox_chunk(
    session: AsyncSession,
    actor: Actor,
    office_id: int,
    filters: InboxFilter,
    today: date,
    *,
    after_id: int,
    size: int,
) -> list[tuple[Filing, str]]:
    """The next ``size`` inbox rows after ``after_id``, with the filer's name (for export)."""
    statement = (
        _inbox_where(actor, [office_id], filters, today)
        .add_columns(Office.name)
        .join(Office, Office.id == Filing.office_id)
        .where(Filing.id > after_id)
        .order_by(Filing.id)
        .limit(size)
    )
    return [(filing, name) for filing, name in (await session.execute(statement)).all()]


async def inbox_size(
    session: AsyncSession, actor: Actor, office_id: int, filters: InboxFilter, today: date
) -> int:
    """How many rows the (filtered) inbox holds."""
    statement = _inbox_where(actor, [office_id], filters, today).with_only_columns(
        func.count(), maintain_column_froms=True
    )
    return int(await session.scalar(statement) or 0)
