"""What domains plug into the door: relations and grants computed from their data.

The door imports no domain. A domain declares, in its ``access.py``, ``SOURCES``: relation
sources (how an object's office or inspection stands to a domain where the actor holds a role:
the network's lines, an inspection's phase) and grant sources (``g`` rows computed from its
rows: office role grants, team assignments). The store runs each source's one statement at
every reload and keeps what they return with the policy snapshot, so a decision or a
``readable`` predicate looks relations up in memory and never walks or queries a domain.

A scope is where a Casbin domain points: ``office:N`` (a model's office column) or
``inspection:N`` (a model's ``__authz_inspection_column__``). A relation names, for a root in
that scope (the actor's office or inspection), the set of scope values whose objects stand in
it: ``subordinate`` of office 3 is every office below 3; ``mission`` of inspection 7 is {7}
while inspection 7 is on its mission, and nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.policy import PolicyLine

OFFICE = "office"
INSPECTION = "inspection"
# Accounts of an inspected organisation (target-side users) hold ``target_user`` in
# ``target:T``; they reach only objects of T whose model says it is for the target side.
TARGET = "target"
TARGET_MEMBER = "target_member"
# The relation of an object to its own office: the door's own, needing no data.
SELF = "self"
# The relation of an object to an office it was shared with (移交, authz/shares.py): per
# object, not per office, so it is weighed beside the scopes' relations.
SHARED = "shared"
# The relation of an object to the office it is addressed to (a filing to its superior): the
# model names that office's column in ``__authz_recipient_column__``. Per object like ``shared``:
# an office two levels up stands ``subordinate`` to the filer but is no recipient, so it reads
# only what was addressed to it.
RECIPIENT = "recipient"

# Which model attribute names a scope's column, and its default when the model says nothing.
_SCOPE_COLUMNS: dict[str, tuple[str, str | None]] = {
    OFFICE: ("__authz_office_column__", "office_id"),
    INSPECTION: ("__authz_inspection_column__", None),
    TARGET: ("__authz_target_column__", None),
}
SCOPES = tuple(_SCOPE_COLUMNS)


def scope_column_name(model: type[Any], scope: str) -> str | None:
    """The model's column holding ``scope``'s value (None: its objects are in no such scope).

    Only a model marked ``__authz_target_side__ = True`` (fed-back findings, rectification,
    the notice of an inspection) lies in the target scope at all: whatever a policy row says,
    a target-side user never reaches a petition, an interview or the team's record.
    """
    if scope == TARGET and not getattr(model, "__authz_target_side__", False):
        return None
    attribute, default = _SCOPE_COLUMNS[scope]
    return getattr(model, attribute, default)


def recipient_column_name(model: type[Any]) -> str | None:
    """The model's column naming the office its objects are addressed to (None: not addressed)."""
    return getattr(model, "__authz_recipient_column__", None)


def recipient_of(obj: Any) -> int | None:
    """The office ``obj`` is addressed to, or None."""
    name = recipient_column_name(type(obj))
    value = None if name is None else getattr(obj, name, None)
    return None if value is None else int(value)


def domain_of(scope: str, root: int) -> str:
    return f"{scope}:{root}"


def root_of(scope: str, domain: str) -> int | None:
    """The id a domain names in ``scope`` (``office:3`` → 3), or None for any other domain."""
    prefix = f"{scope}:"
    rest = domain[len(prefix) :] if domain.startswith(prefix) else ""
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) <= 10 else None


@runtime_checkable
class RelationSource(Protocol):
    """Relations of one scope, computed from a domain's data."""

    scope: str
    relations: tuple[str, ...]

    async def load(self, session: AsyncSession) -> Any:
        """The index the relations are looked up in: one statement, no lock awaited."""

    def related(self, index: Any, relation: str, root: int) -> frozenset[int]:
        """Scope values standing in ``relation`` to ``root``."""

    def related_query(self, relation: str, root: int) -> Select[tuple[int]] | None:
        """The same set as a subquery, for sets too large to bind (None: always small)."""


@dataclass(frozen=True)
class Grants:
    """``g`` rows valid at the reload, and when the next one starts or ends (None: never)."""

    lines: tuple[PolicyLine, ...]
    next_change: datetime | None = None


@runtime_checkable
class GrantSource(Protocol):
    """Role links (``g, user:N, role, <scope>:M``) computed from a domain's rows."""

    async def grants(self, session: AsyncSession, now: datetime) -> Grants:
        """The rows valid at ``now``: one statement, no lock awaited."""


@dataclass(frozen=True)
class Relations:
    """Every relation source with its index, loaded with one policy snapshot."""

    loaded: tuple[tuple[RelationSource, Any], ...] = ()
    # Receiving office -> object type -> ids shared with it (authz/shares.py).
    shared: Mapping[int, Mapping[str, frozenset[int]]] = field(default_factory=dict)
    _by_name: dict[tuple[str, str], tuple[RelationSource, Any]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for source, index in self.loaded:
            for relation in source.relations:
                self._by_name[(source.scope, relation)] = (source, index)

    def of(self, scope: str) -> tuple[str, ...]:
        """The relations weighed in ``scope``, ``self`` first for offices."""
        own = {OFFICE: (SELF,), TARGET: (TARGET_MEMBER,)}.get(scope, ())
        return own + tuple(r for s, r in self._by_name if s == scope)

    def shared_with(self, office_id: int, typ: str) -> frozenset[int]:
        """Ids of objects of ``typ`` shared with ``office_id``."""
        return self.shared.get(office_id, {}).get(typ, frozenset())

    def related(self, scope: str, relation: str, root: int) -> frozenset[int]:
        if (scope, relation) in ((OFFICE, SELF), (TARGET, TARGET_MEMBER)):
            return frozenset((root,))
        found = self._by_name.get((scope, relation))
        return frozenset() if found is None else found[0].related(found[1], relation, root)

    def related_query(self, scope: str, relation: str, root: int) -> Select[tuple[int]] | None:
        found = self._by_name.get((scope, relation))
        if found is None or (scope == OFFICE and relation == SELF):
            return None
        return found[0].related_query(relation, root)

    def relations_to(self, scope: str, value: int, roots: Iterable[int]) -> dict[int, set[str]]:
        """For each root, how ``value`` stands to it (no statement)."""
        return {
            root: {r for r in self.of(scope) if value in self.related(scope, r, root)}
            for root in set(roots)
        }


async def load_relations(
    session: AsyncSession,
    sources: Iterable[Any],
    shares: Iterable[tuple[int, str, int]] = (),
) -> Relations:
    """Every relation source's index (one statement each), and the shares as loaded."""
    loaded = []
    for source in sources:
        if isinstance(source, RelationSource):
            loaded.append((source, await source.load(session)))
    shared: dict[int, dict[str, set[int]]] = {}
    for office, typ, oid in shares:
        shared.setdefault(office, {}).setdefault(typ, set()).add(oid)
    return Relations(
        tuple(loaded),
        {o: {t: frozenset(ids) for t, ids in by.items()} for o, by in shared.items()},
    )


async def load_grants(
    session: AsyncSession, sources: Iterable[Any], now: datetime
) -> tuple[list[PolicyLine], datetime | None]:
    """Every grant source's rows, and the earliest next change among them."""
    lines: list[PolicyLine] = []
    changes: list[datetime] = []
    for source in sources:
        if isinstance(source, GrantSource):
            found = await source.grants(session, now)
            lines.extend(found.lines)
            if found.next_change is not None:
                changes.append(found.next_change)
    return lines, min(changes, default=None)


def scope_values(obj: Any) -> Mapping[str, int]:
    """Where ``obj`` lies in each scope its model declares."""
    found: dict[str, int] = {}
    for scope in SCOPES:
        name = scope_column_name(type(obj), scope)
        value = None if name is None else getattr(obj, name, None)
        if value is not None:
            found[scope] = int(value)
    return found
