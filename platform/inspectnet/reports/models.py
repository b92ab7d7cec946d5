"""Reports of one inspection (巡视报告, 领导干部问题线索情况报告, 选人用人报告, 个别谈话情况汇总,
专题报告: nmg-2016 §26, qh-zrzyt §16–17) and the team's search index over its casework.

A report is drafted from the findings and clues already recorded (一次录入 N+1 次调用): each
draft is a DOCX kept as a numbered version, never overwritten; a revision after the hearing is a
new version (qh-zrzyt §17). Like casework, every row names its inspection and target as scope
and none is target-side: the inspected organisation never reads a report or the index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.casework.models import InspectionPart
from inspectnet.concurrency import Versioned
from inspectnet.db import Archivable, Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


class Report(Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned, Archivable):
    """A report of the inspection, its kind a ``report.*`` rule of the office's ruleset."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    title: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    # The team's proposals for handling (提出处理建议, nmg-2016 §26), the draft's last section.
    suggestions: Mapped[str | None] = mapped_column(
        String(8000), default=None, info=text_kind(FREE_TEXT)
    )
    # The number of its newest version (1 for the first draft).
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    # The body that approves it, from the ruleset's ``approval.report`` when drafted (nmg-2016
    # §27 the leading group, qh-zrzyt §17 the party group); null when the ruleset names none.
    approver: Mapped[str | None] = mapped_column(String(40), default=None, info=text_kind(CODE))
    # The approval, a recorded decision of that body: the version approved, who, when. The
    # report is final while the approved version is its current one (a revision reopens it).
    approved_version: Mapped[int | None] = mapped_column(Integer, default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    approved_by: Mapped[int | None] = mapped_column(Integer, default=None)


class ReportVersion(Base, InspectionPart, OfficeScoped, Timestamped, Created):
    """One generated draft of a report, as a DOCX.

    The bytes live in the evidence store (inspectnet/evidence.py) under ``storage_key``, with
    their size and SHA-256 here, like every other file the team keeps: the archive takes them
    from there and the store is scanned with the database. A version drafted before
    20261203_0230 keeps its bytes in ``content`` (exactly one of the two is set).
    """

    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        Index("ix_report_versions_report_id_id", "report_id", "id"),
    )
    __authz_type__ = "report_version"
    __authz_parent__ = ("report_id", Report)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # Drafted after the leading group heard the team (修改巡察报告, qh-zrzyt §17).
    after_hearing: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(2000), default=None, info=text_kind(FREE_TEXT))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    storage_key: Mapped[str | None] = mapped_column(String(64), default=None, info=text_kind(CODE))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), info=text_kind(CODE))


class ReportItem(Base, InspectionPart, OfficeScoped, Timestamped):
    """A finding or clue placed in a report, in its order: the draft is generated from these."""

    __tablename__ = "report_items"
    __table_args__ = (
        UniqueConstraint("report_id", "kind", "ref_id"),
        Index("ix_report_items_report_id_id", "report_id", "id"),
    )
    __authz_type__ = "report_item"
    __authz_parent__ = ("report_id", Report)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))  # finding | clue
    ref_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
