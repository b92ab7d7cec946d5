"""Policy rows kept in the database beside the base policy file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.db import Base, OfficeScoped, Timestamped, UTCDateTime


class PolicyRule(Base, Timestamped):
    """A Casbin row (``p`` or ``g``) added at run time, e.g. a deny for one user in one office."""

    __tablename__ = "policy_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    ptype: Mapped[str] = mapped_column(String(2))
    v0: Mapped[str] = mapped_column(String(120))
    v1: Mapped[str] = mapped_column(String(120))
    v2: Mapped[str] = mapped_column(String(120))
    v3: Mapped[str] = mapped_column(String(120), default="")
    v4: Mapped[str] = mapped_column(String(120), default="")
    v5: Mapped[str] = mapped_column(String(120), default="")
    v6: Mapped[str] = mapped_column(String(120), default="")
    v7: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(200), default="")

    def values(self) -> tuple[str, ...]:
        """The row's non-empty columns in order, as Casbin reads them."""
        columns = (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5, self.v6, self.v7)
        return tuple(v for v in columns if v != "")


class PolicyState(Base):
    """One row: the policy's version, bumped in the transaction of every change to it.

    Sign-in reads it in the same statement as the account, so a replica (or worker) that has
    not yet heard of a change reloads before it decides anything.
    """

    __tablename__ = "policy_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class PlatformGrant(Base, Timestamped):
    """A role held over the whole platform (Casbin: ``g, user:ID, role, platform``).

    Not a ``RoleGrant``: those name an office, and an office's admin manages them; a platform
    role is granted by the platform itself (``inspectnet platform grant-operator``).
    """

    __tablename__ = "platform_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)
    __authz_type__ = "platform_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_accounts.id", ondelete="CASCADE"))
    # A role's name as the accounts domain spells it (store.PLATFORM_ROLES): the door names
    # roles, it does not import the accounts' enum.
    role: Mapped[str] = mapped_column(String(40))


class PersonIdentity(Base, Timestamped):
    """Which human a person record is: one platform-wide identity over every office's record.

    A recusal names the identity, so it covers every person record linked to it and every
    account of those records, including records linked after the recusal was recorded.
    """

    __tablename__ = "person_identities"
    __authz_type__ = "person_identity"

    # One identity per person record; the identity's number is the first record's id.
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    identity_id: Mapped[int] = mapped_column(Integer, index=True)


class Recusal(Base, OfficeScoped, Timestamped):
    """回避: a human barred from everything of one target, whatever roles they hold anywhere.

    Compiled into one deny row per account (``p, user:N, *, *, *, *, target:T, *, deny``),
    which beats every allow in every office, office admin included.
    """

    __tablename__ = "recusals"
    __authz_type__ = "recusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(Integer, index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Share(Base, OfficeScoped, Timestamped):
    """移交: one object shared with a receiving office (``office_id``), which then reads it
    through the relation ``shared`` (nmg-2016 §31, qh-zrzyt §20): exactly the objects shared
    with it, nothing around them."""

    __tablename__ = "shares"
    __table_args__ = (UniqueConstraint("object_type", "object_id", "office_id"),)
    __authz_type__ = "share"

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    # The account that shared it (None: the platform itself, from the command line).
    granted_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    reason: Mapped[str] = mapped_column(String(500))
