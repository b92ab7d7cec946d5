"""Reports made through the service: a draft from the given findings and clues."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.casework.models import Clue, Finding
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection
from inspectnet.reports import service
from inspectnet.reports.models import Report


async def make_report(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    *,
    findings: Sequence[Finding] = (),
    clues: Sequence[Clue] = (),
    kind: str = "report.inspection",
    title: str = "关于巡察情况的报告",
) -> Report:
    """A report of ``kind`` drafted from ``findings`` (each ready) and ``clues``: version 1."""
    return await service.create_report(
        session,
        actor,
        inspection_id=inspection.id,
        kind=kind,
        title=title,
        finding_ids=[global_id_of(f) for f in findings],
        clue_ids=[global_id_of(c) for c in clues],
    )
