"""Offices (tenants) and the two kinds of line that link them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Archivable, Base, Created, Timestamped, UTCDateTime
from inspectnet.search import Searchable
from inspectnet.validation import CODE, NAME, REGION_CODE, text_kind


class OfficeKind(enum.StrEnum):
    """What an office is in the network."""

    REGIONAL_OFFICE = "REGIONAL_OFFICE"  # 自治区/省委巡视办
    LIAISON_BODY = "LIAISON_BODY"  # 盟市巡视工作联络组及其办公室
    PATROL_OFFICE = "PATROL_OFFICE"  # 盟市/旗县巡察办
    DEPARTMENTAL_PATROL_OFFICE = "DEPARTMENTAL_PATROL_OFFICE"  # 厅党组巡察办


class LinkKind(enum.StrEnum):
    """The two lines of the network; each must stay free of cycles."""

    LEADERSHIP = "LEADERSHIP"  # whom it files to and is approved by (报备/报批)
    GUIDANCE = "GUIDANCE"  # 业务指导 (nmg-2016 §8(10), §16)


class Office(Base, Timestamped, Searchable, Created, Archivable):
    """An inspection office: the tenant every owned row points at. A retired one
    (``archived_at``, network.retirement) leaves lists but stays readable for history."""

    __tablename__ = "offices"
    # The NAME order of office lists pages off (name, id) (inspectnet.paging).
    __table_args__ = (
        Index("ix_offices_name_id", "name", "id"),
        Index("ix_offices_search_key", "search_key"),  # prefix matches of search
    )
    __authz_type__ = "office"
    __authz_office_column__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, info=text_kind(CODE))
    name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    kind: Mapped[OfficeKind] = mapped_column(Enum(OfficeKind, native_enum=False, length=40))
    region_code: Mapped[str] = mapped_column(String(12), index=True, info=text_kind(REGION_CODE))
    ruleset_id: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))


class OfficeLink(Base, Timestamped):
    """A superior → subordinate edge on one line of the network."""

    __tablename__ = "office_links"
    __table_args__ = (
        UniqueConstraint("kind", "superior_id", "subordinate_id"),
        CheckConstraint("superior_id <> subordinate_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(Enum(LinkKind, native_enum=False, length=20))
    superior_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    subordinate_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )


class OfficeReach(Base):
    """Closure of one line: ``descendant`` lies ``depth`` links below ``ancestor`` (shortest path).

    Kept by the link mutations, so reads look a relation up instead of walking the line.
    """

    __tablename__ = "office_reach"

    kind: Mapped[LinkKind] = mapped_column(
        Enum(LinkKind, native_enum=False, length=20), primary_key=True
    )
    ancestor_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True
    )
    descendant_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    depth: Mapped[int] = mapped_column(Integer)


class ProposalState(enum.StrEnum):
    """Where a link proposal stands; only a PROPOSED one can still change."""

    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"


class OfficeLinkProposal(Base, Timestamped, Created):
    """One end's request for a link, waiting for the other end's admin to accept or refuse it.

    ``office_id`` is the end that must answer; the proposing end is ``proposer_office_id``.
    """

    __tablename__ = "office_link_proposals"
    __authz_type__ = "link_proposal"
    __table_args__ = (
        CheckConstraint("superior_id <> subordinate_id", name="not_self"),
        CheckConstraint("office_id <> proposer_office_id", name="two_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(Enum(LinkKind, native_enum=False, length=20))
    superior_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    subordinate_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    proposer_office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[ProposalState] = mapped_column(
        Enum(ProposalState, native_enum=False, length=20), default=ProposalState.PROPOSED
    )
    proposed_by: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[str | None] = mapped_column(String(64), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
