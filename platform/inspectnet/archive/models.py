"""The hand-over of a team's materials to the office, and the archive record listing them.

The archive is its own domain, not part of inspections: it collects material from every domain
that holds some (a registry, archive/sources.py), so it sits beside them rather than inside one.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Base, OfficeScoped, Timestamped
from inspectnet.inspections.models import Inspection
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


class MaterialHandover(Base, OfficeScoped, Timestamped):
    """The team's materials handed to the office (巡察工作结束后及时将材料交巡察办, qh-zrzyt §27):
    who handed them over, when (``created_at``) and what the team says it handed over."""

    __tablename__ = "material_handovers"
    __office_index__ = False
    __authz_type__ = "material_handover"
    __authz_target_column__ = "target_id"
    # The team's leader hands over in the inspection's scope (after feedback).
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="RESTRICT"), unique=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    actor_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    note: Mapped[str] = mapped_column(String(2000), info=text_kind(FREE_TEXT))


class InspectionArchive(Base, OfficeScoped, Timestamped):
    """The archive record of one inspection: its signed manifest of materials (归档)."""

    __tablename__ = "inspection_archives"
    __office_index__ = False
    __authz_type__ = "inspection_archive"
    __authz_target_column__ = "target_id"
    # Not in the inspection's scope: an archived inspection's team has no grant left.
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="RESTRICT"), unique=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    actor_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    # The manifest's exact bytes (UTF-8 JSON) and their HMAC-SHA256 under the keyring's LINKS
    # key of this version (archive/package.py).
    manifest: Mapped[str] = mapped_column(Text, info=text_kind(FREE_TEXT))
    signature: Mapped[str] = mapped_column(String(64), info=text_kind(CODE))
    key_version: Mapped[int] = mapped_column(Integer)


class ArchiveItem(Base, OfficeScoped, Timestamped):
    """One archived material: its path in the package, the source that gave it, its SHA-256
    and size, and its content (base64), kept as archived so the package can be rebuilt."""

    __tablename__ = "archive_items"
    __office_index__ = False
    __table_args__ = (Index("ix_archive_items_archive_id_id", "archive_id", "id"),)
    __authz_type__ = "archive_item"
    __authz_target_column__ = "target_id"
    __authz_parent__ = ("archive_id", InspectionArchive)

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_archives.id", ondelete="CASCADE")
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    path: Mapped[str] = mapped_column(String(300), info=text_kind(NAME))
    source: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    sha256: Mapped[str] = mapped_column(String(64), info=text_kind(CODE))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text, info=text_kind(CODE))
