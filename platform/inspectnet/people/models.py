"""Persons and what recusal and team forming need to know about them."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Archivable, Base, Created, OfficeScoped, Timestamped
from inspectnet.rules.format import PoolKind
from inspectnet.search import Searchable
from inspectnet.validation import CODE, NAME, REGION_CODE, text_kind


class TieKind(enum.StrEnum):
    KIN = "KIN"  # 亲属关系
    INTEREST = "INTEREST"  # 其他利害关系


class TrainingKind(enum.StrEnum):
    """The two trainings of qh-zrzyt §8(3): 政治理论和业务培训."""

    POLITICAL_THEORY = "POLITICAL_THEORY"  # 政治理论培训
    PROFESSIONAL = "PROFESSIONAL"  # 业务培训


class Person(Base, OfficeScoped, Timestamped, Searchable, Archivable, Created):
    """A person (干部), kept by the office that holds the record."""

    __tablename__ = "persons"
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        Index("ix_persons_office_id_id", "office_id", "id"),
        Index("ix_persons_office_id_name_id", "office_id", "name", "id"),  # NAME order
        Index("ix_persons_search_key", "search_key"),  # prefix matches of search
    )
    __authz_type__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    unit: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    rank: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    home_region_code: Mapped[str] = mapped_column(String(12), info=text_kind(REGION_CODE))
    # expertise.* rule ids of the office's ruleset (qh-zrzyt §9; people/expertise.py checks them)
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list, info=text_kind(CODE))


class EmploymentRecord(Base, OfficeScoped, Timestamped, Created):
    """One post held (任职经历): the basis of post and region recusal."""

    __tablename__ = "employment_records"
    # Listed by its parent only: an office_id index would compete with (parent, id).
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        Index("ix_employment_records_person_id_id", "person_id", "id"),
        Index("ix_employment_records_person_id_started_on_id", "person_id", "started_on", "id"),
    )
    __authz_type__ = "employment_record"
    __authz_target_column__ = "target_id"  # a post held at a target is of its record
    __authz_parent__ = ("person_id", Person)  # part of the person's record

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    organisation: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    region_code: Mapped[str | None] = mapped_column(String(12), info=text_kind(REGION_CODE))
    post: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class InterestTie(Base, OfficeScoped, Timestamped, Created):
    """A declared kin or interest tie to an organisation: the basis of official recusal."""

    __tablename__ = "interest_ties"
    # Listed by its parent only: an office_id index would compete with (parent, id).
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (Index("ix_interest_ties_person_id_id", "person_id", "id"),)
    __authz_type__ = "interest_tie"
    __authz_target_column__ = "target_id"
    __authz_parent__ = ("person_id", Person)  # part of the person's record

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    kind: Mapped[TieKind] = mapped_column(Enum(TieKind, native_enum=False, length=20))
    organisation: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    relation: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    # The person the tie is to, when recorded: a tie to a member of a target's leadership roster
    # is a ground of official recusal, whichever of the two declared it (nmg-2016 §12).
    related_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), default=None
    )


class PoolMembership(Base, OfficeScoped, Timestamped, Created):
    """Membership of an office's leader pool or talent pool."""

    __tablename__ = "pool_memberships"
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        UniqueConstraint("office_id", "person_id", "pool"),
        Index("ix_pool_memberships_person_id_id", "person_id", "id"),
        Index("ix_pool_memberships_person_id_since_id", "person_id", "since", "id"),  # SINCE
    )
    __authz_type__ = "pool_membership"
    __authz_parent__ = ("person_id", Person)  # part of the person's record

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    pool: Mapped[PoolKind] = mapped_column(Enum(PoolKind, native_enum=False, length=20))
    since: Mapped[date] = mapped_column(Date)


class TrainingRecord(Base, OfficeScoped, Timestamped, Created):
    """A training attended (培训记录): 对巡察组成人员进行政治理论和业务培训 (qh-zrzyt §8(3);
    nmg-2016 §6(7))."""

    __tablename__ = "training_records"
    # Listed by its parent only: an office_id index would compete with (parent, id).
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        Index("ix_training_records_person_id_id", "person_id", "id"),
        Index("ix_training_records_person_id_held_on_id", "person_id", "held_on", "id"),
    )
    __authz_type__ = "training_record"
    __authz_parent__ = ("person_id", Person)  # part of the person's record

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    kind: Mapped[TrainingKind] = mapped_column(Enum(TrainingKind, native_enum=False, length=20))
    course: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int] = mapped_column(Integer)


class RotationRecord(Base, OfficeScoped, Timestamped, Created):
    """A rotation (轮岗交流记录): 巡视工作人员应当按照规定进行轮岗交流 (nmg-2016 §12)."""

    __tablename__ = "rotation_records"
    # Listed by its parent only: an office_id index would compete with (parent, id).
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        Index("ix_rotation_records_person_id_id", "person_id", "id"),
        Index("ix_rotation_records_person_id_rotated_on_id", "person_id", "rotated_on", "id"),
    )
    __authz_type__ = "rotation_record"
    __authz_parent__ = ("person_id", Person)  # part of the person's record

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    from_post: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    to_post: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    rotated_on: Mapped[date] = mapped_column(Date)
