"""A publication about one inspection, and the recorded decision approving it.

The publication holds what goes out and nothing else: the stage it discloses, the rule it is
published under, a title and a text. No column can hold a petitioner's identity, a clue or a
petition: there is no link to those rows and no field to copy them into
(tests/disclosure/test_models.py holds the columns to this list). The text itself is scanned
for protected names before it goes out (disclosure/names.py).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Base, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.rules.format import DisclosureStage
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


class DisclosureState(enum.StrEnum):
    """Drafted, approved by whom the ruleset names, published, or withdrawn."""

    DRAFT = "draft"  # 草拟
    APPROVED = "approved"  # 已审批
    PUBLISHED = "published"  # 已公开
    WITHDRAWN = "withdrawn"  # 已撤回


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class Disclosure(Base, OfficeScoped, Timestamped, Versioned):
    """One publication of an inspection's entry, feedback or rectification (公开)."""

    __tablename__ = "disclosures"
    __office_index__ = False
    __table_args__ = (
        Index("ix_disclosures_inspection_id_id", "inspection_id", "id"),
        # The public list: published ones, newest first (disclosure/public.py).
        Index("ix_disclosures_state_published_at_id", "state", "published_at", "id"),
    )
    __authz_type__ = "disclosure"
    __authz_target_column__ = "target_id"
    # Not in the inspection's scope: the office drafts and publishes, the team does not.

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    stage: Mapped[DisclosureStage] = mapped_column(_enum(DisclosureStage))
    # The disclosure point of the office's ruleset it is published under, and its article.
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    # Who approves it, fixed when drafted from the disclosure point: the body the ruleset
    # names (``leading_group`` …) or ``office_admin`` when it names none.
    approver: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    title: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    body: Mapped[str] = mapped_column(String(8000), info=text_kind(FREE_TEXT))
    state: Mapped[DisclosureState] = mapped_column(
        _enum(DisclosureState), default=DisclosureState.DRAFT
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class DisclosureApproval(Base, OfficeScoped, Timestamped):
    """The recorded decision approving a disclosure: who, when (``created_at``), as which body
    (``office_admin`` when the ruleset names none), under which rule."""

    __tablename__ = "disclosure_approvals"
    __office_index__ = False
    __authz_type__ = "disclosure_approval"
    __authz_target_column__ = "target_id"
    __authz_parent__ = ("disclosure_id", Disclosure)

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), unique=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    actor_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    decided_as: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
