"""Accounts and role grants (the ``g`` rows of the Casbin policy)."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Base, OfficeScoped, Timestamped
from inspectnet.validation import CODE, text_kind


class Role(enum.StrEnum):
    """Roles an account can hold in an office; their permissions are rows of policies/base.csv."""

    OFFICE_ADMIN = "office_admin"  # 办公室管理员
    OFFICE_MEMBER = "office_member"  # 工作人员
    AUDITOR = "auditor"  # 审计员
    # 平台运维: held in the Casbin domain ``platform`` only (authz/platform.py), never in an office.
    PLATFORM_OPERATOR = "platform_operator"


class UserAccount(Base, OfficeScoped, Timestamped):
    """A sign-in identity bound to one person; ``office_id`` is its home office."""

    __tablename__ = "user_accounts"
    # Unique per office: one province's names neither collide with nor reveal another's.
    __table_args__ = (UniqueConstraint("office_id", "username"),)
    __authz_type__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), info=text_kind(CODE))
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), unique=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoleGrant(Base, OfficeScoped, Timestamped):
    """A role held by an account in one office (Casbin: ``g, user:ID, role, office:ID``)."""

    __tablename__ = "role_grants"
    __office_index__ = False
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        UniqueConstraint("user_id", "office_id", "role"),
        Index("ix_role_grants_office_id_id", "office_id", "id"),
    )
    __authz_type__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])
    )
