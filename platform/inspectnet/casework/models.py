"""Casework of one inspection: interviews, other methods' records, problem clues, findings,
fix-while-inspecting proposals and the mid-term report.

Every row carries its inspection and target: the team's grants reach it through the
inspection's phase (``mission``), and a recusal's deny reaches it through the target. The rows
name the inspection as their scope, not as their parent: a parent's ``update`` would be asked
for every change, and the team changes its casework without changing the inspection. Only the
proposal addressed to the target (边巡边改) is target-side; interviews, clues and findings
never reach the inspected organisation (nmg-2016 §37(5), qh-zrzyt §32(5)).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Archivable, Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.grams import GramIndexed
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind

# Long texts (an interview's record, a finding's facts) stay within one String column.
RECORD_LENGTH = 20000


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class InspectionPart:
    """The columns by which the door places a casework row: office, inspection, target."""

    __office_index__ = False
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))


class InterviewState(enum.StrEnum):
    SCHEDULED = "scheduled"  # 已安排
    RECORDED = "recorded"  # 已记录
    SIGNED = "signed"  # 已签字确认


class Interview(
    Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned, Archivable, GramIndexed
):
    """An individual interview 个别谈话 (nmg-2016 §20(2), qh-zrzyt §14(2)) and its record."""

    __tablename__ = "interviews"
    __table_args__ = (
        Index("ix_interviews_inspection_id_id", "inspection_id", "id"),
        Index("ix_interviews_inspection_id_scheduled_at_id", "inspection_id", "scheduled_at", "id"),
    )
    __authz_type__ = "interview"
    __search_grams__ = ("interviewee_name", "interviewee_post", "interviewee_unit", "record")

    id: Mapped[int] = mapped_column(primary_key=True)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    interviewee_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    interviewee_post: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    interviewee_unit: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    state: Mapped[InterviewState] = mapped_column(
        _enum(InterviewState), default=InterviewState.SCHEDULED
    )
    record: Mapped[str | None] = mapped_column(
        String(RECORD_LENGTH), default=None, info=text_kind(FREE_TEXT)
    )
    # The interviewee's signature on the record, as recorded by the team (签字确认).
    interviewee_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Interviewer(Base, InspectionPart, OfficeScoped, Timestamped):
    """A team member conducting an interview, and when they signed its record."""

    __tablename__ = "interviewers"
    __table_args__ = (
        UniqueConstraint("interview_id", "user_id"),
        Index("ix_interviewers_interview_id_id", "interview_id", "id"),
    )
    __authz_type__ = "interviewer"
    __authz_parent__ = ("interview_id", Interview)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="RESTRICT"), index=True
    )
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Activity(Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned, Archivable):
    """The record of another working method (调阅资料, 座谈会, 民主测评, 抽查个人有关事项 …),
    its kind a ``method.*`` rule of the office's ruleset (nmg-2016 §20, qh-zrzyt §14)."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_inspection_id_id", "inspection_id", "id"),
        Index("ix_activities_inspection_id_held_on_id", "inspection_id", "held_on", "id"),
    )
    __authz_type__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    held_on: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    material: Mapped[str] = mapped_column(String(RECORD_LENGTH), info=text_kind(FREE_TEXT))


class ClueState(enum.StrEnum):
    OPEN = "open"  # 待处置
    CLOSED = "closed"  # 已了结
    MERGED = "merged"  # 已并入其他线索


class Clue(
    Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned, Archivable, GramIndexed
):
    """A problem clue 问题线索 about a cadre: who it concerns, its category and assessment."""

    __tablename__ = "clues"
    __table_args__ = (
        Index("ix_clues_inspection_id_id", "inspection_id", "id"),
        # Duplicates are looked for among an office's open clues.
        Index("ix_clues_office_id_state_id", "office_id", "state", "id"),
        # A kept clue lists the clues merged into it.
        Index("ix_clues_merged_into_id_id", "merged_into_id", "id"),
    )
    __authz_type__ = "clue"
    __search_grams__ = ("person_name", "person_post", "summary", "assessment")

    id: Mapped[int] = mapped_column(primary_key=True)
    # The person concerned: a people record when known, else the name and post as reported.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), default=None, index=True
    )
    person_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    person_post: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    # A ``category.*`` rule of the office's ruleset (nmg-2016 §18, qh-zrzyt §12).
    category: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    summary: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    assessment: Mapped[str | None] = mapped_column(
        String(4000), default=None, info=text_kind(FREE_TEXT)
    )
    state: Mapped[ClueState] = mapped_column(_enum(ClueState), default=ClueState.OPEN)
    # A merge, recorded on the clue merged away (which into which, who, when).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("clues.id", ondelete="RESTRICT"), default=None
    )
    merged_by: Mapped[int | None] = mapped_column(Integer, default=None)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Link:
    """A typed reference to a record (kind + id, casework/links.py names the kinds)."""

    kind: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    ref_id: Mapped[int] = mapped_column(Integer)


class ClueSource(Base, InspectionPart, OfficeScoped, Timestamped, Link):
    """Where a clue came from: an interview, another method's record, a petition."""

    __tablename__ = "clue_sources"
    __table_args__ = (
        UniqueConstraint("clue_id", "kind", "ref_id"),
        Index("ix_clue_sources_clue_id_id", "clue_id", "id"),
    )
    __authz_type__ = "clue_source"
    __authz_parent__ = ("clue_id", Clue)

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"))


class Finding(
    Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned, Archivable, GramIndexed
):
    """A problem found 问题: category, facts, qualifying basis 定性依据, evidence (底稿)."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "finding"
    __search_grams__ = ("title", "facts", "basis")

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    title: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    facts: Mapped[str | None] = mapped_column(
        String(RECORD_LENGTH), default=None, info=text_kind(FREE_TEXT)
    )
    basis: Mapped[str | None] = mapped_column(String(4000), default=None, info=text_kind(FREE_TEXT))
    # Ready for a report (底稿 complete, qh-zrzyt §16): who marked it, when.
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ready_by: Mapped[int | None] = mapped_column(Integer, default=None)
    # Withdrawn (撤销): why and by whom; ``archived_at`` says when. It is kept as evidence.
    withdrawn_reason: Mapped[str | None] = mapped_column(
        String(2000), default=None, info=text_kind(FREE_TEXT)
    )
    withdrawn_by: Mapped[int | None] = mapped_column(Integer, default=None)


class FindingEvidence(Base, InspectionPart, OfficeScoped, Timestamped, Link):
    """A finding's evidence: an interview, another method's record, a clue."""

    __tablename__ = "finding_evidence"
    __table_args__ = (
        UniqueConstraint("finding_id", "kind", "ref_id"),
        Index("ix_finding_evidence_finding_id_id", "finding_id", "id"),
    )
    __authz_type__ = "finding_evidence"
    __authz_parent__ = ("finding_id", Finding)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"))


class ProposalState(enum.StrEnum):
    SENT = "sent"  # 已提出
    ANSWERED = "answered"  # 被巡察单位已答复
    CLOSED = "closed"  # 已办结


class FixProposal(Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned):
    """A fix-while-inspecting proposal 边巡边改 to the target (nmg-2016 §23, qh-zrzyt §15),
    tracked with the target's answer: the one casework row the target side reads."""

    __tablename__ = "fix_proposals"
    __table_args__ = (Index("ix_fix_proposals_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "fix_proposal"
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    # The finding it arises from, if any: never shown to the target side (not target-side).
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("findings.id", ondelete="SET NULL"), default=None
    )
    problem: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    proposal: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    state: Mapped[ProposalState] = mapped_column(_enum(ProposalState), default=ProposalState.SENT)
    answer: Mapped[str | None] = mapped_column(
        String(4000), default=None, info=text_kind(FREE_TEXT)
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_by: Mapped[int | None] = mapped_column(Integer, default=None)


class MidTermReport(Base, InspectionPart, OfficeScoped, Timestamped, Created, Versioned):
    """The mid-term report to the leading group (巡察中期汇报, qh-zrzyt §15): the work so far
    and the plan for the rest, tracked until reported."""

    __tablename__ = "mid_term_reports"
    __table_args__ = (UniqueConstraint("inspection_id"),)
    __authz_type__ = "mid_term_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    progress: Mapped[str] = mapped_column(String(8000), info=text_kind(FREE_TEXT))
    plan: Mapped[str] = mapped_column(String(8000), info=text_kind(FREE_TEXT))
    reported_on: Mapped[date | None] = mapped_column(Date, default=None)
