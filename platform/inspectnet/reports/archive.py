"""Reports in the inspection's archive (archive/sources.py SOURCES): each report, its versions'
facts (number, after the hearing, note, size, SHA-256) and every version's DOCX, taken from the
evidence store and checked against its SHA-256 on the way (a changed file is refused).

Read in system scope for the one inspection being archived, as casework is (casework/archive.py):
nobody outside the team reads a report until it reaches the office with the archive
(qh-zrzyt §27).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.archive.sources import Member, as_json
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection
from inspectnet.reports.models import Report, ReportVersion
from inspectnet.reports.service import content_of


def file_name(version: ReportVersion) -> str:
    """Where a version's DOCX lies in the package (the name its download is given too)."""
    return f"reports/report-{version.report_id}-v{version.number}.docx"


async def reports(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """Each report with its versions, and each version's DOCX (巡视巡察报告)."""
    where = {"office_id": inspection.office_id, "inspection_id": inspection.id}
    # system scope: the archive of this inspection takes its reports (qh-zrzyt §27)
    found = list(await session.scalars(select(Report).filter_by(**where).order_by(Report.id)))
    # system scope: the versions of the reports archived just above
    versions = await session.scalars(
        select(ReportVersion).filter_by(**where).order_by(ReportVersion.id)
    )
    files: list[Member] = []
    of_report: dict[int, list[dict[str, object]]] = defaultdict(list)
    for version in versions:
        files.append(Member(file_name(version), content_of(version)))
        of_report[version.report_id].append(
            {
                "number": version.number,
                "afterHearing": version.after_hearing,
                "note": version.note,
                "size": version.size,
                "sha256": version.sha256,
                "file": file_name(version),
            }
        )
    listed = [
        {
            "id": global_id("Report", r.id),
            "kind": r.kind,
            "title": r.title,
            "suggestions": r.suggestions,
            "withdrawn": r.archived_at is not None,
            "versions": of_report[r.id],
        }
        for r in found
    ]
    return [Member("reports/reports.json", as_json(listed)), *files]
