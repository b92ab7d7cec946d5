"""``readable``: the predicate that narrows every list, count, loader and single read.

A decision for one object is ``decide(user, office_domain(A), rel, type, id, action)`` for some
office A where the actor holds a role; here the same decisions are turned into SQL over office
ids (self, or the offices in a relation, from the network closure loaded with the policy
snapshot) and object-id allow/deny sets, so lists are filtered by the database and never by
loading rows and dropping them in Python; no statement walks the network.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from inspectnet.authz.actor import Actor, office_domain
from inspectnet.authz.relations import Relation, offices_in_relation, offices_in_relation_query
from inspectnet.authz.resources import office_column, type_of

M = TypeVar("M")
# Past this many offices a set is looked up in the closure table instead of bound as values:
# PostgreSQL and SQLite take at most 32,767 parameters a statement, and one statement may hold
# several sets.
MAX_BOUND_OFFICES = 1000


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
    # Offices where every object is granted, whatever the relation that grants it.
    plain: set[int] = set()
    plain_from: list[tuple[Relation, int]] = []
    special: list[ColumnElement[bool]] = []
    for office_id in sorted(actor.office_ids()):
        domain = office_domain(office_id)
        for relation in Relation:
            grant = actor.policy.grant(actor.subject, domain, relation.value, typ, action)
            if grant.is_empty:
                continue
            if grant.all_objects and not grant.denied_oids:
                plain |= offices_in_relation(actor.network, relation, office_id)
                plain_from.append((relation, office_id))
                continue
            related = offices_in_relation(actor.network, relation, office_id)
            if not related:
                continue
            in_relation = _office_in(office_col, related, [(relation, office_id)])
            if grant.all_objects:
                ids = [int(o) for o in grant.denied_oids if o.isdigit()]
                special.append(and_(in_relation, id_col.not_in(ids)))
            else:
                ids = [int(o) for o in grant.allowed_oids - grant.denied_oids if o.isdigit()]
                special.append(and_(in_relation, id_col.in_(ids)))
    clauses = [_office_in(office_col, plain, plain_from)] if plain else []
    clauses.extend(special)
    return or_(*clauses) if clauses else false()


def _office_in(
    office_col: Any, offices: set[int] | frozenset[int], parts: list[tuple[Relation, int]]
) -> ColumnElement[bool]:
    """``office IN (the set)``: its values, or past the limit the closure lookups it came from."""
    if len(offices) <= MAX_BOUND_OFFICES:
        return office_col.in_(sorted(offices))  # type: ignore[no-any-return]
    return or_(*(office_col.in_(offices_in_relation_query(rel, root)) for rel, root in parts))


def readable(actor: Actor, model: type[M], action: str = "read") -> Select[tuple[M]]:
    """``SELECT model WHERE <readable>``: where every list and single read starts."""
    return select(model).where(readable_filter(actor, model, action))
