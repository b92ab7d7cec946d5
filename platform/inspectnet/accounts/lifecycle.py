"""Ending what an account was given: closing it (停用) and opening it again (启用), and
unlinking a single sign-on subject. Each is the undo of a change ``service`` makes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import SsoLink, UserAccount
from inspectnet.accounts.refresh import revoke_all
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.errors import Conflict
from inspectnet.ids import global_id_of


async def deactivate_account(session: AsyncSession, actor: Actor, *, user_id: int) -> UserAccount:
    """Close an account: it signs in no more and every sign-in it has ends; its roles and what
    it made stay on record, so reopening it gives back exactly what it had."""
    account = await get_readable(session, actor, UserAccount, user_id)
    await require(session, actor, "update", account)
    if account.id == actor.user_id:
        # An office keeps at least the admin who is acting: a slip cannot lock everyone out.
        raise Conflict("不能停用自己的账号", code="OWN_ACCOUNT", field="userId")
    if not account.active:
        raise Conflict("账号已停用", code="ACCOUNT_INACTIVE", field="userId")
    account.active = False
    revoked = await revoke_all(session, account.id, "deactivated")
    await session.flush()
    await record(
        session,
        actor,
        "user_account.deactivate",
        office_id=account.office_id,
        object_id=global_id_of(account),
        detail={"revoked": revoked},
    )
    return account


async def reactivate_account(session: AsyncSession, actor: Actor, *, user_id: int) -> UserAccount:
    """Open a closed account again: it signs in with its credentials and roles as they were."""
    account = await get_readable(session, actor, UserAccount, user_id)
    await require(session, actor, "update", account)
    if account.active:
        raise Conflict("账号未停用", code="ACCOUNT_ACTIVE", field="userId")
    account.active = True
    await session.flush()
    await record(
        session,
        actor,
        "user_account.reactivate",
        office_id=account.office_id,
        object_id=global_id_of(account),
    )
    return account


async def unlink_sso_subject(
    session: AsyncSession, actor: Actor, *, user_id: int, subject: str
) -> UserAccount:
    """Stop a single sign-on subject from signing in as the account (whichever issuer it was
    linked under, so a link made before the issuer changed can still be ended)."""
    account = await get_readable(session, actor, UserAccount, user_id)
    await require(session, actor, "update", account)
    # system scope: the links are part of the account just read through the door
    links = list(
        await session.scalars(
            select(SsoLink).where(SsoLink.user_id == account.id, SsoLink.subject == subject.strip())
        )
    )
    if not links:
        raise Conflict("该账号未关联此统一身份", code="SSO_SUBJECT_NOT_LINKED", field="subject")
    for link in links:
        await session.delete(link)
    await session.flush()
    await record(
        session,
        actor,
        "sso_link.delete",
        office_id=account.office_id,
        object_id=global_id_of(account),
        detail={"issuers": sorted(link.issuer for link in links), "subject": subject.strip()},
    )
    return account
