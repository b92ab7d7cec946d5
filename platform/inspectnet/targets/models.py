"""Targets and their leadership rosters."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Archivable, Base, Created, OfficeScoped, Timestamped
from inspectnet.search import Searchable
from inspectnet.validation import NAME, REGION_CODE, text_kind


class TargetClass(enum.StrEnum):
    """The four classes of organisation inspected (nmg-2016 §17 (一)–(四)).

    qh-zrzyt §10 names one class only (the department's subordinate units' party organisations),
    so a target of a qh-zrzyt office may leave it unset.
    """

    # 盟市、旗县（市、区）党委和人大常委会、政府、政协党组领导班子及其成员，法院、检察院党组主要负责人
    LOCAL_LEADERSHIP = "LOCAL_LEADERSHIP"
    # 自治区党委工作部门领导班子及其成员，政府部门、人民团体党组（党委、党工委）领导班子及其成员
    REGIONAL_DEPARTMENT = "REGIONAL_DEPARTMENT"
    # 自治区管理的国有企业、金融企业、事业单位党委（党组）领导班子及其成员
    ENTERPRISE_OR_INSTITUTION = "ENTERPRISE_OR_INSTITUTION"
    # 自治区党委要求巡视的其他单位的党组织领导班子及其成员
    OTHER = "OTHER"


class Target(Base, OfficeScoped, Timestamped, Searchable, Archivable, Created):
    """A party organisation's leadership team covered by an office (nmg-2016 §17, qh-zrzyt §10)."""

    __tablename__ = "targets"
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        Index("ix_targets_office_id_id", "office_id", "id"),
        Index("ix_targets_office_id_name_id", "office_id", "name", "id"),  # NAME order
        Index("ix_targets_search_key", "search_key"),  # prefix matches of search
    )
    __authz_type__ = "target"
    # The target is itself: a deny keyed to it (a recusal) hides it (authz/resources.py).
    __authz_target_column__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    region_code: Mapped[str] = mapped_column(String(12), info=text_kind(REGION_CODE))
    target_class: Mapped[TargetClass | None] = mapped_column(
        Enum(TargetClass, native_enum=False, length=32)
    )


class LeadershipPost(Base, OfficeScoped, Timestamped, Created):
    """One member of a target's leadership roster (领导班子成员), with the post's dates."""

    __tablename__ = "leadership_posts"
    # Listed by its parent only: an office_id index would compete with (parent, id).
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        Index("ix_leadership_posts_target_id_id", "target_id", "id"),
        Index("ix_leadership_posts_target_id_started_on_id", "target_id", "started_on", "id"),
    )
    __authz_type__ = "leadership_post"
    __authz_target_column__ = "target_id"
    __authz_parent__ = ("target_id", Target)  # part of the target's record

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    post: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
