"""Roll-ups: per subordinate office statistics, each one SQL GROUP BY that lets only counts out.

A statistic counts rows through the door's ``count`` action, which a superior may hold where
it holds no ``read``: it learns how many, never which. Later domains register their own
statistics (inspections by stage, problems by category, clues, rectification items).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import domains
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable_filter
from inspectnet.filings.models import Filing, FilingState, InboxStatus
from inspectnet.filings.repository import status_of
from inspectnet.network.models import LinkKind, OfficeReach
from inspectnet.planning.models import Plan

COUNT = "count"


@dataclass(frozen=True)
class Statistic:
    """One count per office: rows of ``model`` (by ``office_column``) where ``where(today)``."""

    key: str
    name_zh: str
    model: type[Any]
    office_column: Any
    where: Callable[[date], ColumnElement[bool]] = lambda _today: true()


REGISTRY: list[Statistic] = []


def register(statistic: Statistic) -> None:
    """Add a statistic to every roll-up (once per key)."""
    if any(s.key == statistic.key for s in REGISTRY):
        raise ValueError(f"statistic {statistic.key} registered twice")
    REGISTRY.append(statistic)


register(Statistic("plans", "计划数", Plan, Plan.office_id))
register(
    Statistic(
        "plans_filed",
        "已报送计划",
        Filing,
        Filing.office_id,
        lambda _t: and_(Filing.subject_type == "plan", Filing.state != FilingState.DUE),
    )
)
register(
    Statistic(
        "plans_approved",
        "已批准计划",
        Filing,
        Filing.office_id,
        lambda _t: and_(Filing.subject_type == "plan", Filing.state == FilingState.APPROVED),
    )
)
register(
    Statistic(
        "filings_late",
        "逾期报送",
        Filing,
        Filing.office_id,
        lambda today: status_of(today).in_([InboxStatus.OVERDUE.value, InboxStatus.MET_LATE.value]),
    )
)


def statistics() -> list[Statistic]:
    """Filings' own statistics, then those the other domains plug in (``STATISTICS`` of their
    ``plugins.py``: rectification items done, due and overdue)."""
    return [*REGISTRY, *domains.extensions("STATISTICS")]


def direct_subordinates(office_id: int) -> Any:
    """The offices one link below on the leadership line, as a subquery."""
    # The network's closure, not a tenant's rows.
    return select(OfficeReach.descendant_id).where(
        OfficeReach.kind == LinkKind.LEADERSHIP,
        OfficeReach.ancestor_id == office_id,
        OfficeReach.depth == 1,
    )


async def rollup(
    session: AsyncSession, actor: Actor, office_id: int, today: date
) -> dict[str, dict[int, int]]:
    """For each statistic, its count per direct subordinate (one GROUP BY a statistic)."""
    subordinates = direct_subordinates(office_id)
    found: dict[str, dict[int, int]] = {}
    for stat in statistics():
        column = stat.office_column
        statement = (
            select(column, func.count())
            .where(
                readable_filter(actor, stat.model, COUNT),
                column.in_(subordinates),
                stat.where(today),
            )
            .group_by(column)
        )
        found[stat.key] = {int(o): int(n) for o, n in (await session.execute(statement)).all()}
    return found
