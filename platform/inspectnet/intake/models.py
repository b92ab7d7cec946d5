"""Petitions (来信来电来访) an inspection team receives, the petitioner's sealed identity, the
team's replies and the material a petitioner adds (nmg-2016 §20(3), qh-zrzyt §14(3)).

None of these models is ``__authz_target_side__``: the inspected organisation never reaches a
petition by any path (retaliation is an offence, nmg-2016 §37(5), qh-zrzyt §32(5)).
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Base, Created, OfficeScoped, Timestamped
from inspectnet.grams import GramIndexed
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


class Channel(enum.StrEnum):
    """How a petition arrived (来信、来电、来访, nmg-2016 §20(3); online through the notice)."""

    LETTER = "letter"  # 来信
    CALL = "call"  # 来电
    VISIT = "visit"  # 来访
    ONLINE = "online"  # 网上举报 (the public intake of the announcement, qh-zrzyt §13)


class Subject(enum.StrEnum):
    """Whom it is about: the two the team accepts (nmg-2016 §20(3))."""

    TARGET_LEADERSHIP = "target_leadership"  # 被巡视党组织领导班子及其成员
    SUBORDINATE_PRINCIPAL = "subordinate_principal"  # 下一级党组织领导班子主要负责人


class PetitionState(enum.StrEnum):
    """Where the team is with a petition."""

    RECEIVED = "received"  # 已受理
    IN_HAND = "in_hand"  # 办理中
    ANSWERED = "answered"  # 已答复
    CLOSED = "closed"  # 已办结


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class Petition(Base, OfficeScoped, Timestamped, Versioned, Created, GramIndexed):
    """One letter, call, visit or online petition recorded against an inspection."""

    __tablename__ = "petitions"
    __office_index__ = False
    __table_args__ = (
        Index("ix_petitions_inspection_id_id", "inspection_id", "id"),
        Index("ix_petitions_inspection_id_received_on_id", "inspection_id", "received_on", "id"),
        # A receipt check is one lookup by this index (intake/receipts.py).
        Index("ix_petitions_receipt_lookup", "receipt_lookup", unique=True),
    )
    __authz_type__ = "petition"
    __authz_target_column__ = "target_id"
    # No parent: a petition is the team's own record, changed by its intake roles, not part of
    # the inspection's record (which only the office changes). The inspection column puts it
    # in the inspection's scope, so the team's grants reach it through the phase relations.
    __authz_inspection_column__ = "inspection_id"
    # The summary only: the petitioner's identity is sealed in its own table, never indexed.
    __search_grams__ = ("summary",)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    received_on: Mapped[date] = mapped_column(Date)
    subject: Mapped[Subject] = mapped_column(_enum(Subject))
    summary: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    state: Mapped[PetitionState] = mapped_column(
        _enum(PetitionState), default=PetitionState.RECEIVED
    )
    # An online petition's receipt: a random lookup id and HMAC(identity key, secret) under
    # the key version named; never the secret itself (intake/receipts.py).
    receipt_lookup: Mapped[str | None] = mapped_column(
        String(16), default=None, info=text_kind(CODE)
    )
    receipt_digest: Mapped[str | None] = mapped_column(
        String(64), default=None, info=text_kind(CODE)
    )
    receipt_key_version: Mapped[int | None] = mapped_column(Integer, default=None)


class PetitionerIdentity(Base, OfficeScoped, Timestamped):
    """Who petitioned (name, contacts): need to know, sealed with a data key of its own that
    the keyring's identity key wraps (intake/sealing.py). Read by intake handlers only."""

    __tablename__ = "petitioner_identities"
    __office_index__ = False
    __authz_type__ = "petitioner_identity"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("petition_id", Petition)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), unique=True
    )
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    key_version: Mapped[int] = mapped_column(Integer)
    # base64url of nonce + AES-GCM of the row's data key under the identity key's subkey.
    wrapped_key: Mapped[str] = mapped_column(String(120), info=text_kind(CODE))
    # base64url of nonce + AES-GCM of {"name", "contact"} under the data key.
    sealed: Mapped[str] = mapped_column(String(2000), info=text_kind(CODE))


class PetitionReply(Base, OfficeScoped, Timestamped, Created):
    """The team's reply to a petition, which the petitioner reads with the receipt code."""

    __tablename__ = "petition_replies"
    __office_index__ = False
    __table_args__ = (Index("ix_petition_replies_petition_id_id", "petition_id", "id"),)
    __authz_type__ = "petition_reply"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("petition_id", Petition)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))


class PetitionMaterial(Base, OfficeScoped, Timestamped):
    """Material the petitioner added later with the receipt code (补充材料)."""

    __tablename__ = "petition_materials"
    __office_index__ = False
    __table_args__ = (Index("ix_petition_materials_petition_id_id", "petition_id", "id"),)
    __authz_type__ = "petition_material"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("petition_id", Petition)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))


class ComplaintChannel(enum.StrEnum):
    """How a complaint about the inspectors arrived (nmg-2016 §41, qh-zrzyt §33)."""

    SIGNED_IN = "signed_in"  # by an account of the platform
    PUBLIC = "public"  # through the announcement's public route, no sign-in


class InspectorComplaint(Base, OfficeScoped, Timestamped, Created):
    """A complaint that an inspector broke the rules, addressed to the leading group and its
    office, never to the team complained about (nmg-2016 §41, qh-zrzyt §33).

    No inspection column on purpose: team roles are held in ``inspection:N`` and reach only
    rows in that scope, so no team grant (nor a policy row written for one) can reach it.
    """

    __tablename__ = "inspector_complaints"
    __office_index__ = False
    __table_args__ = (Index("ix_inspector_complaints_office_id_id", "office_id", "id"),)
    __authz_type__ = "inspector_complaint"
    __authz_target_column__ = "target_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    # The team member complained about, when the complainant names one.
    about_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    channel: Mapped[ComplaintChannel] = mapped_column(_enum(ComplaintChannel))
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))


class GiftRefusal(Base, OfficeScoped, Timestamped, Created):
    """A banquet or gift a team member refused, declared against their own assignment
    (qh-zrzyt §28: 不得接受被巡察党组织的宴请和礼品; §31: 不得违反规定向巡察人员请客、送礼)."""

    __tablename__ = "gift_refusals"
    __office_index__ = False
    __table_args__ = (Index("ix_gift_refusals_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "gift_refusal"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("team_assignments.id", ondelete="CASCADE"), index=True
    )
    offered_by: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    description: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))
    refused_on: Mapped[date] = mapped_column(Date)


class PetitionAttachment(Base, OfficeScoped, Timestamped):
    """An evidence file handed in with a petition's material: the bytes live in the evidence
    store (inspectnet/evidence.py), the row says where and what they are, and the file is
    served only after this row is read through ``readable`` (the petition's readers)."""

    __tablename__ = "petition_attachments"
    __office_index__ = False
    __table_args__ = (Index("ix_petition_attachments_petition_id_id", "petition_id", "id"),)
    __authz_type__ = "petition_attachment"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("petition_id", Petition)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("petition_materials.id", ondelete="CASCADE"), default=None
    )
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    storage_key: Mapped[str] = mapped_column(String(64), info=text_kind(CODE))
    media_type: Mapped[str] = mapped_column(String(100), info=text_kind(CODE))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), info=text_kind(CODE))
