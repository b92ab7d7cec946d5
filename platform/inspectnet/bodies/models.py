"""Decision bodies and their members: a member holds the body's role in the office (a g line)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Base, Created, OfficeScoped, Timestamped
from inspectnet.validation import NAME, text_kind


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class BodyKind(enum.StrEnum):
    """The bodies the seeds name."""

    LEADING_GROUP = "leading_group"  # 巡视/巡察工作领导小组 (nmg-2016 §5, qh-zrzyt §5)
    LEADING_GROUP_OFFICE = "leading_group_office"  # 巡视办/巡察办 (nmg-2016 §7, qh-zrzyt §7)
    FIVE_PERSON_GROUP = "five_person_group"  # 党委“五人小组” (nmg-2016 §2, §27–28)
    PARTY_GROUP = "party_group"  # 厅党组 (qh-zrzyt §3)
    PARTY_COMMITTEE = "party_committee"  # 自治区党委, consents to feedback (nmg-2016 §29)


class Position(enum.StrEnum):
    """A member's position in the body."""

    HEAD = "head"  # 组长 / 主任
    DEPUTY = "deputy"  # 副组长 / 副主任
    SECRETARY = "secretary"  # 党组书记 (第一责任人, qh-zrzyt §3)
    MEMBER = "member"  # 成员 (一岗双责, qh-zrzyt §3)


def body_role(kind: BodyKind | str, position: Position | str) -> str:
    """The Casbin role a member holds in the body's office, e.g. ``leading_group_head``."""
    return f"{BodyKind(kind).value}_{Position(position).value}"


class DecisionBody(Base, OfficeScoped, Timestamped, Created):
    """One decision body of an office (决策机构); at most one of each kind per office."""

    __tablename__ = "decision_bodies"
    __table_args__ = (UniqueConstraint("office_id", "kind"),)
    __authz_type__ = "decision_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BodyKind] = mapped_column(_enum(BodyKind))
    name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))


class BodyMember(Base, OfficeScoped, Timestamped, Created):
    """An account's seat in a body; through the door it is the role ``<kind>_<position>``."""

    __tablename__ = "body_members"
    __table_args__ = (UniqueConstraint("body_id", "user_id"),)
    __authz_type__ = "body_member"
    __authz_parent__ = ("body_id", DecisionBody)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(
        ForeignKey("decision_bodies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[Position] = mapped_column(_enum(Position))
    role: Mapped[str] = mapped_column(String(60), info=text_kind(NAME))  # body_role(kind, position)
