"""Refresh tokens: families rotated on every use; a rotated token presented again revokes all.

A sign-in starts a family; each refresh marks the presented token rotated and issues the next
one, with the family's expiry (rotation never extends a sign-in past its lifetime). Only the
SHA-256 of a token is stored: a token is 256 random bits, so a keyed hash adds nothing and a
stolen table yields no usable token. The store's unique digest and a conditional update make
one of two concurrent refreshes with the same token win; the other is reuse.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.accounts import repository
from inspectnet.accounts.models import RefreshToken, UserAccount
from inspectnet.audit.models import Outcome
from inspectnet.audit.service import Draft, append
from inspectnet.observability.metrics import REGISTRY

# The actor of an entry no account could be named for (nobody is signed in).
ANONYMOUS = "anonymous"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32)

# Refusals that name no account (malformed or unknown tokens) are not audited: anyone could
# fill an office's log with them. They are counted here instead.
REFRESH_REFUSED = Counter(
    "inspectnet_refresh_refused_total",
    "Refresh or sign-out requests refused, by reason (malformed, unknown, expired, revoked, "
    "reused, inactive).",
    ["reason"],
    registry=REGISTRY,
)


@dataclass(frozen=True)
class Issued:
    """A new refresh token (shown once, to be set as a cookie) and when its family ends."""

    token: str
    family: str
    expires_at: datetime


@dataclass(frozen=True)
class Presented:
    """The account a valid, current refresh token names, and the token's row."""

    account: UserAccount
    row: RefreshToken


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new(user_id: int, family: str, expires_at: datetime) -> tuple[RefreshToken, Issued]:
    token = secrets.token_urlsafe(32)
    row = RefreshToken(
        user_id=user_id,
        family=family,
        digest=digest_of(token),
        issued_at=clock.now(),
        expires_at=expires_at,
    )
    return row, Issued(token, family, expires_at)


async def start_family(session: AsyncSession, account: UserAccount, ttl: timedelta) -> Issued:
    """A new family (a new sign-in) and its first token."""
    row, issued = _new(account.id, secrets.token_hex(16), clock.now() + ttl)
    session.add(row)
    await session.flush()
    return issued


async def audit(
    session: AsyncSession,
    account: UserAccount | None,
    action: str,
    *,
    office_id: int | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    request_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit entry in the account's office, the account itself the actor; with no account
    (a refused SSO callback naming none), in ``office_id``'s chain or the platform's."""
    if account is not None:
        office_code = await repository.office_code_of(session, account.office_id)
        actor_id, actor_name, office_id = (
            account.id,
            f"{office_code}/{account.username}",
            account.office_id,
        )
    else:
        actor_id, actor_name = None, ANONYMOUS
    await append(
        session,
        Draft(
            at=clock.now(),
            actor_user_id=actor_id,
            actor_name=actor_name,
            office_id=office_id,
            action=action,
            object_id=None,
            request_id=request_id,
            outcome=outcome,
            detail=detail or {},
        ),
    )


async def revoke_family(session: AsyncSession, family: str, reason: str) -> int:
    """Revoke every live token of a family; how many were live."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=clock.now(), revoked_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_all(session: AsyncSession, user_id: int, reason: str) -> int:
    """Revoke every live token of every family of an account (sign out everywhere)."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=clock.now(), revoked_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def present(
    session: AsyncSession, token: str | None, *, request_id: str | None
) -> Presented | None:
    """The current token ``token`` is, or None (refused: counted, and audited when it names an
    account). A rotated token presented again revokes its whole family."""
    if not token or not _TOKEN.match(token):
        REFRESH_REFUSED.labels("malformed").inc()
        return None
    row = await repository.refresh_token_by_digest(session, digest_of(token))
    if row is None:
        REFRESH_REFUSED.labels("unknown").inc()
        return None
    account = await repository.account_by_id(session, row.user_id)
    assert account is not None  # the foreign key cascades
    now = clock.now()
    reason = None
    if row.revoked_at is not None:
        reason = "revoked"
    elif row.rotated_at is not None:
        reason = "reused"
    elif row.expires_at <= now:
        reason = "expired"
    elif not account.active:
        reason = "inactive"
    if reason is None:
        # One winner among concurrent presentations of the same token; the others are reuse.
        won = await session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == row.id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(rotated_at=now)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            return Presented(account, row)
        reason = "reused"
    REFRESH_REFUSED.labels(reason).inc()
    detail: dict[str, Any] = {"family": row.family, "reason": reason}
    if reason in ("reused", "inactive"):
        # Someone holds a token that was already replaced: the thief or the owner, no way to
        # tell which, so the whole sign-in ends and both must sign in again.
        detail["revoked"] = await revoke_family(session, row.family, reason)
        await audit(
            session,
            account,
            "refresh_token.revoke_family",
            outcome=Outcome.DENIED,
            request_id=request_id,
            detail=detail,
        )
    else:
        await audit(
            session,
            account,
            "refresh_token.refused",
            outcome=Outcome.DENIED,
            request_id=request_id,
            detail=detail,
        )
    return None


async def rotate(session: AsyncSession, presented: Presented) -> Issued:
    """The next token of the presented token's family (the presented one is already rotated)."""
    row, issued = _new(presented.account.id, presented.row.family, presented.row.expires_at)
    session.add(row)
    await session.flush()
    return issued
