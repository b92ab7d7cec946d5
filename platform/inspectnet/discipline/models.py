"""A breach of the inspection's discipline, recorded with the article it breaches.

Offences by inspection staff (nmg-2016 §36, qh-zrzyt §28–29), obstruction by the inspected
organisation (nmg-2016 §37, qh-zrzyt §31–32) and failures of the bodies that should cooperate
(nmg-2016 §38): what happened, the evidence, and the referral made. Who reads them is the
office's leadership and admin and the office above; the model is deliberately outside the
inspection's scope (no ``__authz_inspection_column__``: no team grant reaches it) and not
target-side (no ``__authz_target_side__``: the inspected organisation never sees it).
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Archivable, Base, OfficeScoped, Timestamped
from inspectnet.rules.format import Conduct, OffenderParty
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


class RecordSource(enum.StrEnum):
    """How the breach came to the office."""

    OBSERVED = "observed"  # found by the office or the team in its work
    # 干部群众反映 (nmg-2016 §41, qh-zrzyt §33): a complaint about inspectors, received through
    # the fieldwork channel (intake's InspectorComplaint), upheld: the record links to it.
    COMPLAINT = "complaint"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class DisciplineRecord(Base, OfficeScoped, Timestamped, Versioned, Archivable):
    """One breach of the inspection's discipline, its evidence and its referral (纪律与责任)."""

    __tablename__ = "discipline_records"
    __office_index__ = False
    __table_args__ = (
        Index("ix_discipline_records_office_id_id", "office_id", "id"),
        # A complaint is upheld once: at most one record cites it.
        Index("ix_discipline_records_complaint_id", "complaint_id", unique=True),
    )
    __authz_type__ = "discipline_record"
    # The inspected target: a recusal from it hides the record as it hides the target.
    __authz_target_column__ = "target_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="RESTRICT"), index=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    # The discipline_offence rule of the office's ruleset breached, and what it names.
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    party: Mapped[OffenderParty] = mapped_column(_enum(OffenderParty))
    conduct: Mapped[Conduct] = mapped_column(_enum(Conduct))
    source: Mapped[RecordSource] = mapped_column(_enum(RecordSource))
    # Who: the staff member, the organisation's responsible person, or the body, as named.
    respondent: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    facts: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    evidence: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    # The referral made (移送): to whom and when; none until it is made.
    referred_to: Mapped[str | None] = mapped_column(String(200), default=None, info=text_kind(NAME))
    referred_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The complaint about an inspector this record upholds (source ``complaint``): a link, not a
    # copy; the complaint's text stays in intake, read through its own door.
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspector_complaints.id", ondelete="RESTRICT"), default=None
    )
