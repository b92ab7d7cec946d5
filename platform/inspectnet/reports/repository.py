"""Queries over reports; every list starts from the readable scope."""

from __future__ import annotations

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children
from inspectnet.reports.models import Report, ReportVersion


def reports_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable reports of each inspection: rows of (report, inspection id)."""
    return children(
        readable(actor, Report).where(Report.inspection_id.in_(inspection_ids)),
        Report,
        Report.inspection_id,
    )


def versions_of(actor: Actor, report_ids: list[int]) -> Children:
    """Readable versions of each report: rows of (version, report id)."""
    return children(
        readable(actor, ReportVersion).where(ReportVersion.report_id.in_(report_ids)),
        ReportVersion,
        ReportVersion.report_id,
    )
