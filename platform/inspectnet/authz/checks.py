"""``require``: the check that runs after a scoped fetch, before a change.

A refused read answers NOT_FOUND (no hint the object exists); a refused write on an object the
actor can read answers FORBIDDEN. Every refusal is remembered on the actor and written to the
audit log when the request ends, whatever becomes of its transaction.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor, Denial, office_domain
from inspectnet.authz.relations import relations_to
from inspectnet.authz.resources import office_of, owner_of, type_of
from inspectnet.authz.scopes import readable
from inspectnet.errors import Forbidden, NotFound
from inspectnet.ids import global_id
from inspectnet.observability.metrics import AUTHZ_DECISIONS

M = TypeVar("M")
ANY_OBJECT = "*"


async def allowed_in(
    session: AsyncSession, actor: Actor, action: str, typ: str, office_id: int, oid: str
) -> bool:
    """Whether some office of the actor's, through its relation to ``office_id``, allows it."""
    if actor.is_system:
        return True
    offices = actor.office_ids()
    if not offices:
        return False
    decide = actor.policy.decide
    if office_id in offices and decide(
        actor.subject, office_domain(office_id), "self", typ, oid, action
    ):
        return True
    for actor_office, relations in (await relations_to(session, office_id, offices)).items():
        for relation in relations:
            if decide(actor.subject, office_domain(actor_office), relation.value, typ, oid, action):
                return True
    return False


def _deny(
    actor: Actor, action: str, typ: str, oid: str | None, office_id: int | None, code: str
) -> None:
    actor.denials.append(Denial(action, typ, oid, office_id, code))


async def require(session: AsyncSession, actor: Actor, action: str, obj: Any) -> None:
    """Refuse ``action`` on ``obj`` unless the policy allows it (FORBIDDEN or NOT_FOUND)."""
    typ, office_id, oid = type_of(type(obj)), office_of(obj), str(obj.id)
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
    if await allowed_in(session, actor, action, typ, office_id, oid):
        AUTHZ_DECISIONS.labels(action, "allowed").inc()
        return
    gid = global_id(type(obj).__name__, obj.id)
    if action != "read" and await allowed_in(session, actor, "read", typ, office_id, oid):
        _deny(actor, action, typ, gid, office_id, Forbidden.default_code)
        raise Forbidden()
    _deny(actor, action, typ, gid, office_id, NotFound.default_code)
    raise NotFound()


async def require_in(
    session: AsyncSession, actor: Actor, action: str, model: type[Any], office_id: int
) -> None:
    """Refuse ``action`` on a new or any object of ``model`` in ``office_id`` unless allowed."""
    typ = type_of(model)
    if await allowed_in(session, actor, action, typ, office_id, ANY_OBJECT):
        AUTHZ_DECISIONS.labels(action, "allowed").inc()
        return
    _deny(actor, action, typ, None, office_id, Forbidden.default_code)
    raise Forbidden()


async def get_readable(session: AsyncSession, actor: Actor, model: type[M], pk: int) -> M:
    """One object by primary key through the actor's scope; NOT_FOUND if absent or hidden.

    An existing object hidden by the scope is a denied read, and is audited as one.
    """
    found = (
        await session.execute(readable(actor, model).where(model.id == pk))
    ).scalar_one_or_none()  # type: ignore[attr-defined]
    if found is not None:
        return found
    exists = await session.scalar(select(model.id).where(model.id == pk))  # type: ignore[attr-defined]
    if exists is not None:
        _deny(
            actor,
            "read",
            type_of(model),
            global_id(model.__name__, pk),
            None,
            NotFound.default_code,
        )
    raise NotFound()
