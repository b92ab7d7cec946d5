"""Accounts and role grants (the ``g`` rows of the Casbin policy)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet import clock
from inspectnet.db import Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.validation import CODE, FREE_TEXT, text_kind


class Role(enum.StrEnum):
    """Roles an account can hold in an office; their permissions are rows of policies/base.csv."""

    OFFICE_ADMIN = "office_admin"  # 办公室管理员
    OFFICE_MEMBER = "office_member"  # 工作人员
    AUDITOR = "auditor"  # 审计员
    # 平台运维: held in the Casbin domain ``platform`` only (authz/platform.py), never in an office.
    PLATFORM_OPERATOR = "platform_operator"


class UserAccount(Base, OfficeScoped, Timestamped, Created):
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


class RoleGrant(Base, OfficeScoped, Timestamped, Created):
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


class PasswordCredential(Base):
    """An account's password (argon2id) and its lockout state; part of the account's record.

    Kept out of ``user_accounts`` so that no query of accounts ever loads a hash; read only by
    sign-in (system scope) and changed only by the account itself or an admin's reset.
    """

    __tablename__ = "password_credentials"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    # Set by an admin's reset: the next sign-in must choose a new password first.
    must_change: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class RefreshToken(Base):
    """One refresh token of a sign-in's family; only its SHA-256 digest is stored.

    Rotation marks the presented token ``rotated_at`` and issues the next one in the same
    family; presenting a rotated token again is reuse, which revokes the whole family.
    """

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    family: Mapped[str] = mapped_column(String(32), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class TotpFactor(Base):
    """An account's TOTP second factor (RFC 6238): the secret encrypted under the keyring's
    ``factors`` key, and the last time step accepted, so no code is accepted twice."""

    __tablename__ = "totp_factors"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    secret_ciphertext: Mapped[str] = mapped_column(String(255))
    key_version: Mapped[int] = mapped_column(Integer)
    # None until the owner proves the authenticator works (enrolment is two steps).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class RecoveryCode(Base):
    """A one-time recovery code, shown once; stored as a keyed digest (``factors`` key)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SsoLink(Base):
    """An office admin's link from a single sign-on subject (``iss`` + ``sub``) to an account:
    the only way an OpenID Connect sign-in names an account."""

    __tablename__ = "sso_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class OidcAttempt(Base):
    """One authorization-code flow under way: the state's digest, the nonce and the PKCE
    verifier, used once and only within ten minutes."""

    __tablename__ = "oidc_attempts"

    state_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SecondFactorRequirement(Base):
    """An office's setting for one role, where it differs from the default
    (``accounts.requirements.DEFAULT_ROLES``): whether holders of ``role`` in the office must
    sign in with a second factor."""

    __tablename__ = "second_factor_requirements"
    __table_args__ = (UniqueConstraint("office_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class TargetBinding(Base, OfficeScoped, Timestamped, Created):
    """An account of an inspected organisation (target-side user), bound to its target.

    It holds ``target_user`` in ``target:T`` (accounts/access.py) and reads only objects of T
    marked for the target side (fed-back findings, rectification, the inspection's notice);
    ``office_id`` is the office covering the target, whose admin binds it.
    """

    __tablename__ = "target_bindings"
    __authz_type__ = "target_binding"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), unique=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))


class BreakGlassGrant(Base, OfficeScoped, Timestamped, Created):
    """A role held for a few hours in an emergency, with a written reason (紧急授权).

    Audited and announced to the office's admins when it is taken; the policy holds it only
    between ``valid_from`` and ``valid_until`` (the snapshot expires when it ends).
    """

    __tablename__ = "break_glass_grants"
    __authz_type__ = "break_glass_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])
    )
    reason: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
