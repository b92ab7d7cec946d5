"""Confidential reads: each read of a protected record (an interview's record, a problem clue)
leaves an audit row naming who read which record of which office.

The row goes with the request's refusals to the outbox, written after the response in its own
transaction (audit/outbox.py): a read is never slowed by the chain's lock, nor failed by the
audit log (a write that fails is spooled and retried, not raised to the reader). One row per
record and request, however many fields or paths of the request showed it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.models import Outcome
from inspectnet.audit.refusals import Pending, remember
from inspectnet.audit.service import Draft
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id

# Not refusals.py's batches of need-to-know reads ("inspectnet.audit.reads"): a request reading
# both a clue and a petitioner's identity would find the other's value under one key.
_SEEN = "inspectnet.audit.reads.seen"


def confidential_read(
    session: AsyncSession, actor: Actor, model: type[Any], pk: int, office_id: int
) -> None:
    """Remember that ``actor`` read row ``pk`` of ``model`` (once per request)."""
    seen: set[tuple[str, int]] = session.info.setdefault(_SEEN, set())
    key = (model.__name__, pk)
    if key in seen:
        return
    seen.add(key)
    draft = Draft(
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        office_id=office_id,
        action=f"{getattr(model, '__authz_type__', model.__name__.lower())}.read",
        object_id=global_id(model.__name__, pk),
        request_id=actor.request_id or None,
        outcome=Outcome.SUCCESS,
        detail={},
    )
    remember(session, Pending(draft))
