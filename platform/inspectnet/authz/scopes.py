"""``readable``: the predicate that narrows every list, count, loader and single read.

A decision for one object is ``decide(user, <scope>:A, rel, type, id, target, action)`` for
some office (or inspection) A where the actor holds a role; here the same decisions are turned
into SQL over the object's scope column (its office, or its inspection) compared with the
values a relation names (self, the offices below on a line, an inspection in its mission
phase: authz/sources.py, loaded with the policy snapshot) and allow/deny sets of object ids,
targets (``__authz_target_column__``) and pairs, so lists are filtered by the database and
never by loading rows and dropping them in Python; no statement walks the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, select, true

from inspectnet.authz.actor import Actor
from inspectnet.authz.compiled import Grant
from inspectnet.authz.models import Share
from inspectnet.authz.resources import (
    NO_TARGET,
    owner_column,
    parent_action,
    parent_of,
    target_column,
    target_id_of_name,
    type_of,
)
from inspectnet.authz.sources import (
    OFFICE,
    RECIPIENT,
    SCOPES,
    SHARED,
    Relations,
    domain_of,
    recipient_column_name,
    scope_column_name,
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
    clauses: list[ColumnElement[bool]] = []
    for scope in SCOPES:
        column_name = scope_column_name(model, scope)
        if column_name is not None:
            clauses.extend(_scope_clauses(actor, model, action, scope, getattr(model, column_name)))
    clauses.extend(_shared_clauses(actor, model, action))
    clauses.extend(_recipient_clauses(actor, model, action))
    allowed = or_(*clauses) if clauses else false()
    owner = owner_column(model)
    if owner is None:
        return allowed
    # An owned row (a notification) is its owner's alone, whatever the policy says of its office.
    return and_(owner == actor.user_id, allowed) if actor.user_id is not None else false()


def _scope_clauses(
    actor: Actor, model: type[Any], action: str, scope: str, scope_col: Any
) -> list[ColumnElement[bool]]:
    """The rows granted through domains of one scope (offices, or inspections)."""
    typ = type_of(model)
    tgt_col = target_column(model)
    id_col = model.id
    relations = actor.network
    # Scope values where every object is granted, whatever the relation that grants it.
    plain: set[int] = set()
    plain_from: list[tuple[str, int]] = []
    special: list[ColumnElement[bool]] = []
    for root in sorted(actor.roots(scope)):
        domain = domain_of(scope, root)
        for relation in relations.of(scope):
            grant = actor.policy.grant(actor.subject, domain, relation, typ, action)
            if grant.is_empty:
                continue
            related = relations.related(scope, relation, root)
            if grant.all_objects and not grant.has_denials:
                plain |= related
                plain_from.append((relation, root))
                continue
            if not related:
                continue
            parts = [_scope_in(relations, scope, scope_col, related, [(relation, root)])]
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
    clauses = [_scope_in(relations, scope, scope_col, plain, plain_from)] if plain else []
    clauses.extend(special)
    return clauses


def _shared_clauses(actor: Actor, model: type[Any], action: str) -> list[ColumnElement[bool]]:
    """The rows shared with an office of the actor's (移交), as the relation ``shared`` allows."""
    typ = type_of(model)
    clauses: list[ColumnElement[bool]] = []
    for root in sorted(actor.roots(OFFICE)):
        ids = actor.network.shared_with(root, typ)
        if not ids:
            continue
        grant = actor.policy.grant(actor.subject, domain_of(OFFICE, root), SHARED, typ, action)
        if grant.is_empty:
            continue
        clauses.append(and_(_shared_in(model.id, root, typ, ids), _granted(model, grant)))
    return clauses


def _recipient_clauses(actor: Actor, model: type[Any], action: str) -> list[ColumnElement[bool]]:
    """The rows addressed to an office of the actor's, as the relation ``recipient`` allows."""
    column_name = recipient_column_name(model)
    if column_name is None:
        return []
    column = getattr(model, column_name)
    typ = type_of(model)
    plain: list[int] = []
    clauses: list[ColumnElement[bool]] = []
    for root in sorted(actor.roots(OFFICE)):
        grant = actor.policy.grant(actor.subject, domain_of(OFFICE, root), RECIPIENT, typ, action)
        if grant.is_empty:
            continue
        if grant.all_objects and not grant.has_denials:
            plain.append(root)
            continue
        clauses.append(and_(column == root, _granted(model, grant)))
    if plain:
        clauses.insert(0, column.in_(plain))
    return clauses


def _granted(model: type[Any], grant: Grant) -> ColumnElement[bool]:
    """The rows a grant names (all, or its allowed names) less the ones it denies."""
    tgt_col = target_column(model)
    parts: list[ColumnElement[bool]] = []
    if not grant.all_objects:
        parts.append(
            _names(model.id, tgt_col, grant.allowed_oids, grant.allowed_tgts, grant.allowed_pairs)
        )
    if grant.has_denials:
        parts.append(
            not_(
                _names(model.id, tgt_col, grant.denied_oids, grant.denied_tgts, grant.denied_pairs)
            )
        )
    return and_(true(), *parts)


def _shared_in(id_col: Any, office: int, typ: str, ids: frozenset[int]) -> ColumnElement[bool]:
    if len(ids) <= MAX_BOUND_OFFICES:
        return id_col.in_(sorted(ids))  # type: ignore[no-any-return]
    # As many as loaded with the snapshot: sharing bumps the policy version, so they agree.
    return id_col.in_(  # type: ignore[no-any-return]
        select(Share.object_id).where(Share.office_id == office, Share.object_type == typ)
    )


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


def _scope_in(
    relations: Relations,
    scope: str,
    column: Any,
    values: set[int] | frozenset[int],
    parts: list[tuple[str, int]],
) -> ColumnElement[bool]:
    """``column IN (the set)``: its values, or past the limit the lookups it came from."""
    if len(values) <= MAX_BOUND_OFFICES:
        return column.in_(sorted(values))  # type: ignore[no-any-return]
    clauses = []
    for rel, root in parts:
        query = relations.related_query(scope, rel, root)
        # A source without a query (self, a phase) relates only a few values: bind them.
        found = sorted(relations.related(scope, rel, root)) if query is None else query
        clauses.append(column.in_(found))
    return or_(*clauses)


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
