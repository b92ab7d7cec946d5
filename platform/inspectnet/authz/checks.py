"""``require``: the check that runs after a scoped fetch, before a change.

A refused read answers NOT_FOUND (no hint the object exists); a refused write on an object the
actor can read answers FORBIDDEN. Every refusal is remembered (on the actor, or for a read the
scope hid, in the audit outbox) and written to the audit log after the request, whatever
becomes of its transaction. Each check also notes the office the action concerns, so that a
refused mutation is recorded in that office's chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.refusals import Concern, note_concern, refused_read
from inspectnet.authz.actor import Actor, Denial
from inspectnet.authz.resources import (
    NO_TARGET,
    office_of,
    owner_of,
    parent_action,
    parent_of,
    target_name,
    target_of,
    type_of,
)
from inspectnet.authz.scopes import readable
from inspectnet.authz.sources import (
    INSPECTION,
    OFFICE,
    RECIPIENT,
    SHARED,
    domain_of,
    recipient_of,
    scope_values,
)
from inspectnet.errors import Forbidden, NotFound
from inspectnet.ids import global_id
from inspectnet.observability.metrics import AUTHZ_DECISIONS

M = TypeVar("M")
ANY_OBJECT = "*"


async def allowed_in(
    session: AsyncSession,
    actor: Actor,
    action: str,
    typ: str,
    office_id: int,
    oid: str,
    tgt: str = NO_TARGET,
    *,
    inspection_id: int | None = None,
) -> bool:
    """Whether some office (or inspection) of the actor's, through its relation to the
    object's office (or inspection), allows it."""
    where = {OFFICE: office_id}
    if inspection_id is not None:
        where[INSPECTION] = inspection_id
    return decides(actor, action, typ, where, oid, tgt)


def decides(
    actor: Actor,
    action: str,
    typ: str,
    where: Mapping[str, int],
    oid: str,
    tgt: str,
    recipient: int | None = None,
) -> bool:
    """The door's one decision: any root of the actor's, in any scope the object lies in,
    through any relation the object stands in to it (or, for the office it is addressed to,
    ``recipient``), allows ``action`` (no statement)."""
    if actor.is_system:
        return True
    decide = actor.policy.decide
    for scope, value in where.items():
        roots = actor.roots(scope)
        if not roots:
            continue
        for root, relations in actor.network.relations_to(scope, value, roots).items():
            domain = domain_of(scope, root)
            for relation in relations:
                if decide(actor.subject, domain, relation, typ, oid, tgt, action):
                    return True
    if (
        recipient is not None
        and recipient in actor.roots(OFFICE)
        and decide(actor.subject, domain_of(OFFICE, recipient), RECIPIENT, typ, oid, tgt, action)
    ):
        return True
    if oid.isdigit():
        for root in actor.roots(OFFICE):
            if int(oid) in actor.network.shared_with(root, typ) and decide(
                actor.subject, domain_of(OFFICE, root), SHARED, typ, oid, tgt, action
            ):
                return True
    return False


def _deny(
    actor: Actor, action: str, typ: str, oid: str | None, office_id: int | None, code: str
) -> None:
    actor.denials.append(Denial(action, typ, oid, office_id, code))


async def _allows(session: AsyncSession, actor: Actor, action: str, obj: Any) -> bool:
    """The policy's word on ``obj`` itself and, for a child row, on its parent (see resources)."""
    if actor.is_system:
        return True
    model = type(obj)
    typ, tgt = type_of(model), target_of(obj)
    if not decides(actor, action, typ, scope_values(obj), str(obj.id), tgt, recipient_of(obj)):
        return False
    parent = parent_of(model)
    if parent is None:
        return True
    column, parent_model = parent
    # Usually already in the session: the service fetched the parent to reach the child.
    found = await session.get(parent_model, getattr(obj, column))
    if found is None:
        return False
    # Whatever the action, a child of a hidden parent is hidden.
    for needed in dict.fromkeys(("read", parent_action(action))):
        if not await _allows(session, actor, needed, found):
            return False
    return True


async def can(session: AsyncSession, actor: Actor, action: str, obj: Any) -> bool:
    """Whether ``require(…, action, obj)`` would pass: the same door, for ``viewerCan``.

    Nothing is remembered for the audit log: asking is not attempting.
    """
    owner = owner_of(obj)
    if owner is not None and owner != actor.user_id and not actor.is_system:
        return False
    return await _allows(session, actor, action, obj)


async def require(session: AsyncSession, actor: Actor, action: str, obj: Any) -> None:
    """Refuse ``action`` on ``obj`` unless the policy allows it (FORBIDDEN or NOT_FOUND)."""
    typ, office_id = type_of(type(obj)), office_of(obj)
    note_concern(session, Concern(office_id))
    owner = owner_of(obj)
    if owner is not None and owner != actor.user_id and not actor.is_system:
        # Someone else's own row: as hidden as if it did not exist.
        _deny(
            actor,
            action,
            typ,
            global_id(type(obj).__name__, obj.id),
            office_id,
            NotFound.default_code,
        )
        raise NotFound()
    if await _allows(session, actor, action, obj):
        AUTHZ_DECISIONS.labels(action, "allowed").inc()
        return
    gid = global_id(type(obj).__name__, obj.id)
    if action != "read" and await _allows(session, actor, "read", obj):
        _deny(actor, action, typ, gid, office_id, Forbidden.default_code)
        raise Forbidden()
    _deny(actor, action, typ, gid, office_id, NotFound.default_code)
    raise NotFound()


async def require_in(
    session: AsyncSession,
    actor: Actor,
    action: str,
    model: type[Any],
    office_id: int,
    target_id: int | None = None,
    *,
    inspection_id: int | None = None,
) -> None:
    """Refuse ``action`` on a new or any object of ``model`` in ``office_id`` (and, when it
    will be part of a target's record, of ``target_id``; of an inspection's, ``inspection_id``)
    unless allowed."""
    typ = type_of(model)
    tgt = NO_TARGET if target_id is None else target_name(target_id)
    note_concern(session, Concern(office_id))
    if await allowed_in(
        session, actor, action, typ, office_id, ANY_OBJECT, tgt, inspection_id=inspection_id
    ):
        AUTHZ_DECISIONS.labels(action, "allowed").inc()
        return
    _deny(actor, action, typ, None, office_id, Forbidden.default_code)
    raise Forbidden()


def body_action(action: str, body: str) -> str:
    """The action a decision body's seats hold for ``action``: ``approve`` as the leading group
    is ``approve_as_leading_group``, which policy rows give to that body's roles only
    (``p, leading_group_member, *, self, plan, *, approve_as_leading_group, allow``)."""
    return f"{action}_as_{body}"


async def require_body(
    session: AsyncSession,
    actor: Actor,
    body: str,
    office_id: int,
    action: str,
    model: type[Any],
) -> None:
    """ "The body the ruleset names decides" (nmg-2016 §5, qh-zrzyt §3, §5): refuse ``action``
    on ``model`` in ``office_id`` unless the actor holds a seat of ``body`` there (a body role,
    bodies/access.py). An office admin off the body, or a member of another body, is refused
    (FORBIDDEN), however broad their other roles."""
    await require_in(session, actor, body_action(action, body), model, office_id)


async def get_readable(session: AsyncSession, actor: Actor, model: type[M], pk: int) -> M:
    """One object by primary key through the actor's scope; NOT_FOUND if absent or hidden.

    One statement either way: whether a refused id names a hidden object (a denied read,
    audited with its office) or nothing is for the audit outbox to find out after the
    response, so hidden and missing look and cost the same.
    """
    found = (
        await session.execute(readable(actor, model).where(model.id == pk))  # type: ignore[attr-defined]
    ).scalar_one_or_none()
    if found is not None:
        note_concern(session, Concern(_office_or_none(found)))
        return found  # type: ignore[no-any-return]
    refused_read(session, actor, model, pk)
    raise NotFound()


def _office_or_none(obj: Any) -> int | None:
    office = getattr(obj, getattr(type(obj), "__authz_office_column__", "office_id"), None)
    return None if office is None else int(office)
