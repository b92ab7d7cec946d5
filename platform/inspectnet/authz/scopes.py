"""``readable``: the predicate that narrows every list, count, loader and single read.

A decision for one object is ``decide(user, office_domain(A), rel, type, id, target, action)``
for some office A where the actor holds a role; here the same decisions are turned into SQL over
office ids (self, or the offices in a relation, from the network closure loaded with the policy
snapshot) and allow/deny sets of object ids, targets (``__authz_target_column__``) and pairs, so lists are filtered by the database and never by
loading rows and dropping them in Python; no statement walks the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, select, true

from inspectnet.authz.actor import Actor, office_domain
from inspectnet.authz.relations import Relation, offices_in_relation, offices_in_relation_query
from inspectnet.authz.resources import (
    NO_TARGET,
    office_column,
    owner_column,
    parent_action,
    parent_of,
    target_column,
    target_id_of_name,
    type_of,
)
from inspectnet.ids import is_valid_pk

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
        found = actor.scope_cache[key] = _with_parent(
            actor, model, action, _build_filter(actor, model, action)
        )
    return found  # type: ignore[no-any-return]


def _with_parent(
    actor: Actor, model: type[Any], action: str, own: ColumnElement[bool]
) -> ColumnElement[bool]:
    """``own`` and, for a child row, its parent's predicate: the child follows its parent."""
    parent = parent_of(model)
    if parent is None:
        return own
    column, parent_model = parent
    needed = dict.fromkeys(("read", parent_action(action)))  # as require() weighs a parent
    # Correlated EXISTS, not IN (SELECT …): a page of children then looks up each child's
    # parent by its key, instead of first listing every readable parent of the office.
    allowed = (
        select(parent_model.id)
        .where(
            parent_model.id == getattr(model, column),
            *(readable_filter(actor, parent_model, a) for a in needed),
        )
        .exists()
    )
    return and_(own, allowed)


def _build_filter(actor: Actor, model: type[Any], action: str) -> ColumnElement[bool]:
    typ = type_of(model)
    office_col = office_column(model)
    tgt_col = target_column(model)
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
            if grant.all_objects and not grant.has_denials:
                plain |= offices_in_relation(actor.network, relation, office_id)
                plain_from.append((relation, office_id))
                continue
            related = offices_in_relation(actor.network, relation, office_id)
            if not related:
                continue
            parts = [_office_in(office_col, related, [(relation, office_id)])]
            if not grant.all_objects:
                parts.append(
                    _names(
                        id_col, tgt_col, grant.allowed_oids, grant.allowed_tgts, grant.allowed_pairs
                    )
                )
            if grant.has_denials:
                denied = _names(
                    id_col, tgt_col, grant.denied_oids, grant.denied_tgts, grant.denied_pairs
                )
                parts.append(not_(denied))
            special.append(and_(*parts))
    clauses = [_office_in(office_col, plain, plain_from)] if plain else []
    clauses.extend(special)
    allowed = or_(*clauses) if clauses else false()
    owner = owner_column(model)
    if owner is None:
        return allowed
    # An owned row (a notification) is its owner's alone, whatever the policy says of its office.
    return and_(owner == actor.user_id, allowed) if actor.user_id is not None else false()


def _names(
    id_col: Any,
    tgt_col: Any,
    oids: frozenset[str],
    tgts: frozenset[str],
    pairs: frozenset[tuple[str, str]],
) -> ColumnElement[bool]:
    """True for the rows a set of (object, target) names hits, as ``Grant.allows`` weighs them.

    Never NULL: a row without a target must come out false here, not unknown, because a deny's
    names are negated.
    """
    clauses: list[ColumnElement[bool]] = []
    if oids:
        clauses.append(id_col.in_(_row_ids(oids)))
    if tgts:
        clauses.append(_target_in(tgt_col, tgts))
    by_target: dict[str, set[str]] = {}
    for oid, tgt in pairs:
        by_target.setdefault(tgt, set()).add(oid)
    for tgt, ids in sorted(by_target.items()):
        clauses.append(and_(_target_in(tgt_col, frozenset((tgt,))), id_col.in_(_row_ids(ids))))
    return or_(*clauses) if clauses else false()


def _target_in(tgt_col: Any, tgts: frozenset[str]) -> ColumnElement[bool]:
    """The rows whose request target is one of ``tgts`` ("" for a row part of no target)."""
    clauses: list[ColumnElement[bool]] = []
    ids = sorted({i for i in map(target_id_of_name, tgts) if i is not None and is_valid_pk(i)})
    if ids and tgt_col is not None:
        clauses.append(and_(tgt_col.is_not(None), tgt_col.in_(ids)))
    if NO_TARGET in tgts:
        clauses.append(true() if tgt_col is None else tgt_col.is_(None))
    return or_(*clauses) if clauses else false()


def _office_in(
    office_col: Any, offices: set[int] | frozenset[int], parts: list[tuple[Relation, int]]
) -> ColumnElement[bool]:
    """``office IN (the set)``: its values, or past the limit the closure lookups it came from."""
    if len(offices) <= MAX_BOUND_OFFICES:
        return office_col.in_(sorted(offices))  # type: ignore[no-any-return]
    return or_(*(office_col.in_(offices_in_relation_query(rel, root)) for rel, root in parts))


def _row_ids(oids: Iterable[str]) -> list[int]:
    # Decisions compare oids as strings (str(obj.id)), so only an id's canonical form names a
    # row; one past int4 names none, and must not reach the database as a bound integer.
    return [
        int(o)
        for o in oids
        if o.isascii() and o.isdigit() and len(o) <= 10 and str(int(o)) == o and is_valid_pk(int(o))
    ]


def readable(actor: Actor, model: type[M], action: str = "read") -> Select[tuple[M]]:
    """``SELECT model WHERE <readable>``: where every list and single read starts."""
    return select(model).where(readable_filter(actor, model, action))
