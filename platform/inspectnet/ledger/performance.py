"""Staff performance weighted on problems found (nmg-2016 §15 "把发现问题作为衡量巡视工作绩效的
重要标准"), drawn from the results ledger: for each member of the office's teams, the findings,
clues and transfers the ledger holds for the inspections they served on, and a weighted score.

The seeds set no weights: these are platform defaults (docs/ledger.md), problems found first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.authz.scopes import readable
from inspectnet.inspections.models import TeamAssignment
from inspectnet.ledger.models import LedgerEntry
from inspectnet.network.models import Office

# Weight of one ledger entry of each kind in the score (platform defaults, docs/ledger.md).
WEIGHTS: dict[str, int] = {"finding": 3, "transfer": 2, "clue": 1}
# A withdrawn finding (撤销) stays in the register, marked so, and counts for nobody.
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Performance:
    user_id: int
    inspections: int
    counts: dict[str, int]

    @property
    def score(self) -> int:
        return sum(WEIGHTS.get(kind, 0) * n for kind, n in self.counts.items())


async def staff_performance(
    session: AsyncSession, actor: Actor, *, office_id: int
) -> list[Performance]:
    """Each team member's figures over the office's readable ledger, best score first."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "read", LedgerEntry, office.id)
    per_inspection: dict[int, dict[str, int]] = defaultdict(dict)
    counted = await session.execute(
        readable(actor, LedgerEntry)
        .with_only_columns(LedgerEntry.inspection_id, LedgerEntry.kind, func.count())
        .where(LedgerEntry.office_id == office.id, LedgerEntry.state != WITHDRAWN)
        .group_by(LedgerEntry.inspection_id, LedgerEntry.kind)
    )
    for inspection_id, kind, n in counted.all():
        per_inspection[int(inspection_id)][str(kind)] = int(n)
    served = await session.execute(
        readable(actor, TeamAssignment)
        .with_only_columns(TeamAssignment.user_id, TeamAssignment.inspection_id)
        .where(TeamAssignment.office_id == office.id)
        .distinct()
    )
    inspections_of: dict[int, set[int]] = defaultdict(set)
    for user_id, inspection_id in served.all():
        inspections_of[int(user_id)].add(int(inspection_id))
    found = []
    for user_id, inspections in inspections_of.items():
        counts: dict[str, int] = defaultdict(int)
        for inspection_id in inspections:
            for kind, n in per_inspection.get(inspection_id, {}).items():
                counts[kind] += n
        found.append(Performance(user_id, len(inspections), dict(counts)))
    return sorted(found, key=lambda p: (-p.score, p.user_id))
