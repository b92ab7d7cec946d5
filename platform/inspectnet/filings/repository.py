"""Queries over filings and decisions; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.filings.models import Filing, FilingDecision
from inspectnet.network.models import LinkKind, OfficeReach
from inspectnet.paging import Children, children


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
