"""Queries over notifications; every one starts from the readable scope (the owner's own)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable, readable_filter
from inspectnet.notifications.models import Notification
from inspectnet.paging import PageArgs, fetch_pages, top_level


def visible(actor: Actor, *, unread_only: bool = False) -> Select[tuple[Notification]]:
    """The actor's readable notifications (its own), optionally only the unread ones."""
    query = readable(actor, Notification)
    return query.where(Notification.read_at.is_(None)) if unread_only else query


async def page_of(
    session: AsyncSession,
    actor: Actor,
    *,
    unread_only: bool,
    page: PageArgs,
    where: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[Notification], bool]:
    """A keyset page of the list in the page's order, and whether more lie beyond it."""
    query = visible(actor, unread_only=unread_only).where(*where)
    found = (await fetch_pages(session, top_level(query, Notification), page, [0]))[0]
    return found.rows, found.has_more


async def count(
    session: AsyncSession,
    actor: Actor,
    *,
    unread_only: bool,
    where: Sequence[ColumnElement[bool]] = (),
) -> int:
    """How many readable notifications (or unread ones) the actor has."""
    query = visible(actor, unread_only=unread_only).where(*where)
    counted = query.with_only_columns(func.count(), maintain_column_froms=True)
    return int(await session.scalar(counted) or 0)


async def one_readable(
    session: AsyncSession, actor: Actor, notification_id: int
) -> Notification | None:
    """One notification if the actor may read it now, else None (delivery re-reads this way)."""
    query = readable(actor, Notification).where(Notification.id == notification_id)
    return (await session.execute(query)).scalar_one_or_none()


async def to_update(session: AsyncSession, actor: Actor, ids: Iterable[int]) -> list[Notification]:
    """The named notifications the actor may mark, whatever their read state."""
    query = readable(actor, Notification, "update").where(Notification.id.in_(list(ids)))
    return list((await session.execute(query)).scalars())


async def mark_all_read(session: AsyncSession, actor: Actor, now: object) -> int:
    """Mark every unread notification the actor may mark as read; how many changed."""
    statement = (
        update(Notification)
        .where(readable_filter(actor, Notification, "update"), Notification.read_at.is_(None))
        .values(read_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    # RETURNING, not rowcount: SQLite's driver reports -1 for an UPDATE led by a WITH clause.
    return len((await session.execute(statement)).all())


async def active_accounts(session: AsyncSession, user_ids: Iterable[int]) -> list[int]:
    """Which of ``user_ids`` are active accounts (notify's recipients, chosen by the caller)."""
    # system scope: the calling domain chose the recipients after its own checks; this only
    # drops unknown or inactive accounts and reveals nothing to the actor.
    query = select(UserAccount.id).where(UserAccount.id.in_(list(user_ids)), UserAccount.active)
    return list((await session.execute(query)).scalars())


async def readable_accounts(
    session: AsyncSession, actor: Actor, user_ids: Iterable[int]
) -> set[int]:
    """Which of ``user_ids`` the actor may read (a notice names only accounts it can see)."""
    query = readable(actor, UserAccount).where(
        UserAccount.id.in_(list(user_ids)), UserAccount.active
    )
    rows = await session.execute(query.with_only_columns(UserAccount.id))
    return set(rows.scalars())
