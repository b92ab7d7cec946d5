"""Single-use, account-bound download links for exports, signed with the keyring's LINKS key.

A link names a row (``download_links``) and the account it was issued to, and carries an
HMAC over both and its expiry under the current LINKS key (its version travels with it, so a
rotation leaves issued links valid until they expire). Downloading needs the same account's
bearer token, and moves the row from issued to used in one conditional UPDATE: a second use,
even at the same instant, is refused.
"""

from __future__ import annotations

import base64
import hmac
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, keyring
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.concurrency import TransitionRefused, transition
from inspectnet.errors import DomainError, Forbidden, NotFound
from inspectnet.filings.models import DownloadLink, Filing, LinkState
from inspectnet.filings.service import export_inbox
from inspectnet.network.models import Office

LINK_TTL = timedelta(minutes=10)
PATH = "/downloads/"


class LinkRefused(DomainError):
    default_code = "LINK_INVALID"
    default_message = "下载链接无效、已使用或已过期"


def _mac(version: int, link_id: int, user_id: int, expires: int) -> str:
    key = keyring.active().version(keyring.Purpose.LINKS, version)
    digest = key.mac(f"download|{link_id}|{user_id}|{expires}".encode())
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def issue_inbox_link(
    session: AsyncSession, actor: Actor, *, office_id: int
) -> tuple[str, datetime]:
    """A link to the office's inbox as XLSX for this account alone, usable once."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "export", Filing, office.id)
    if actor.user_id is None:
        raise Forbidden("下载链接只能发给账号", code="FORBIDDEN")
    expires_at = clock.now() + LINK_TTL
    link = DownloadLink(
        office_id=office.id, user_id=actor.user_id, state=LinkState.ISSUED, expires_at=expires_at
    )
    session.add(link)
    await session.flush()
    version = keyring.active().current(keyring.Purpose.LINKS).version
    expires = int(expires_at.timestamp())
    token = f"{link.id}.{expires}.{version}.{_mac(version, link.id, actor.user_id, expires)}"
    await record(session, actor, "filing.inbox.link", office_id=office.id)
    return PATH + token, expires_at


async def redeem(session: AsyncSession, actor: Actor, token: str) -> bytes:
    """The export a link names, once, for the account it was issued to."""
    try:
        link_text, expires_text, version_text, mac = token.split(".")
        link_id, expires, version = int(link_text), int(expires_text), int(version_text)
        expected = _mac(version, link_id, actor.user_id or 0, expires)
    except (ValueError, LookupError):
        raise LinkRefused() from None
    if not hmac.compare_digest(mac, expected) or clock.now().timestamp() > expires:
        raise LinkRefused()
    # system scope: the signature already binds the row to this account; checked again below
    link = await session.scalar(select(DownloadLink).where(DownloadLink.id == link_id))
    if link is None or link.user_id != actor.user_id:
        raise LinkRefused()
    office_id = link.office_id
    try:
        await transition(
            session, DownloadLink, link_id, from_states=[LinkState.ISSUED], to_state=LinkState.USED
        )
    except TransitionRefused:
        raise LinkRefused() from None
    try:
        return await export_inbox(session, actor, office_id=office_id)
    except NotFound:
        raise LinkRefused() from None
