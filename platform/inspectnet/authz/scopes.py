"""``readable``: the predicate that narrows every list, count, loader and single read.

A decision for one object is ``decide(user, office_domain(A), rel, type, id, action)`` for some
office A where the actor holds a role; here the same decisions are turned into SQL over office
ids (self, or a recursive walk of the network) and object-id allow/deny sets, so lists are
filtered by the database and never by loading rows and dropping them in Python.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from inspectnet.authz.actor import Actor, office_domain
from inspectnet.authz.relations import Relation, offices_in_relation
from inspectnet.authz.resources import office_column, owner_column, type_of

M = TypeVar("M")


def readable_filter(actor: Actor, model: type[Any], action: str = "read") -> ColumnElement[bool]:
    """A WHERE clause true exactly for the rows of ``model`` the actor may ``action``."""
    if actor.is_system:
        return true()
    key = (model, action)
    found = actor.scope_cache.get(key)
    if found is None:
        found = actor.scope_cache[key] = _build_filter(actor, model, action)
    return found  # type: ignore[no-any-return]


def _build_filter(actor: Actor, model: type[Any], action: str) -> ColumnElement[bool]:
    typ = type_of(model)
    office_col = office_column(model)
    id_col = model.id
    plain: dict[Relation, list[int]] = defaultdict(list)
    special: list[ColumnElement[bool]] = []
    for office_id in sorted(actor.office_ids()):
        domain = office_domain(office_id)
        for relation in Relation:
            grant = actor.policy.grant(actor.subject, domain, relation.value, typ, action)
            if grant.is_empty:
                continue
            if grant.all_objects and not grant.denied_oids:
                plain[relation].append(office_id)
                continue
            in_relation = office_col.in_(offices_in_relation(relation, [office_id]))
            if grant.all_objects:
                ids = [int(o) for o in grant.denied_oids if o.isdigit()]
                special.append(and_(in_relation, id_col.not_in(ids)))
            else:
                ids = [int(o) for o in grant.allowed_oids - grant.denied_oids if o.isdigit()]
                special.append(and_(in_relation, id_col.in_(ids)))
    clauses = [office_col.in_(offices_in_relation(rel, roots)) for rel, roots in plain.items()]
    clauses.extend(special)
    allowed = or_(*clauses) if clauses else false()
    owner = owner_column(model)
    if owner is None:
        return allowed
    # An owned row (a notification) is its owner's alone, whatever the policy says of its office.
    return and_(owner == actor.user_id, allowed) if actor.user_id is not None else false()


def readable(actor: Actor, model: type[M], action: str = "read") -> Select[tuple[M]]:
    """``SELECT model WHERE <readable>``: where every list and single read starts."""
    return select(model).where(readable_filter(actor, model, action))
