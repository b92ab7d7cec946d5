"""The loaded policy compiled into indexes, so a decision is a handful of dict lookups.

pycasbin's `enforce` evaluates the matcher once per p row (milliseconds at 3,200 rows). This
module answers the same question for the model in policies/model.conf, and a property test
holds it to `enforce` request for request. It mirrors that matcher by hand: change one, change both.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from inspectnet.authz.policy import WILDCARD, PolicyLine

# pycasbin's default role manager searches 10 levels counting the subject itself, so a role
# 10 or more g links away is not reached; we follow suit rather than be more generous.
MAX_HIERARCHY_LEVEL = 10

# With no p row at all, pycasbin evaluates the matcher once with every p value "" and allows
# on a match, so an all-empty request is allowed. Compiling this row reproduces that exactly.
_EMPTY_POLICY_ROW = PolicyLine("p", ("", "", "", "", "", "", "allow"))

_Key = tuple[str, str, str, str, str]  # (sub or role, dom or *, rel, typ, act)
_Path = tuple[PolicyLine, ...]  # g rows leading from a subject to one of its roles


@dataclass(frozen=True, slots=True)
class Grant:
    """Which objects of one type a subject may act on through one office and relation."""

    all_objects: bool
    allowed_oids: frozenset[str]
    denied_oids: frozenset[str]

    def allows(self, oid: str) -> bool:
        if oid in self.denied_oids:
            return False
        return self.all_objects or oid in self.allowed_oids

    @property
    def is_empty(self) -> bool:
        return not self.all_objects and not self.allowed_oids


_NO_IDS: frozenset[str] = frozenset()
NOTHING = Grant(all_objects=False, allowed_oids=_NO_IDS, denied_oids=_NO_IDS)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Every p row that matched a request, and the g rows through which each subject got it."""

    allowed: bool
    allow_rows: list[PolicyLine]
    deny_rows: list[PolicyLine]
    role_path: dict[str, _Path]  # row subject -> g rows from the requester to it (empty: itself)

    def describe(self) -> list[str]:
        """One line per matched row, deny rows first since any of them decides."""
        out = []
        for verb, rows in (("denied", self.deny_rows), ("allowed", self.allow_rows)):
            for row in rows:
                via = "; ".join(str(g) for g in self.role_path[row.values[0]])
                out.append(f"{verb} by {row}" + (f" via {via}" if via else ""))
        return out or ["denied: no row matches"]


@dataclass(frozen=True, slots=True)
class _Entry:
    allow_all: bool
    deny_all: bool
    allowed_oids: frozenset[str]
    denied_oids: frozenset[str]
    rows: tuple[PolicyLine, ...]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledPolicy:
    """Immutable after `compile`: nothing below is mutated by a query, so it is safe to share."""

    lines: tuple[PolicyLine, ...]
    _index: dict[_Key, _Entry] = field(repr=False)
    # dom -> user -> [(role, g row)], in line order so explanations are stable.
    _links: dict[str, dict[str, list[tuple[str, PolicyLine]]]] = field(repr=False)
    # (sub, dom) -> the subject and its roles there that some p row names; absent: just sub.
    _closures: dict[tuple[str, str], tuple[str, ...]] = field(repr=False)
    _row_subjects: frozenset[str] = field(repr=False)
    _domains: dict[str, frozenset[str]] = field(repr=False)
    _wildcard_subjects: frozenset[str] = field(repr=False)

    @classmethod
    def compile(cls, lines: Iterable[PolicyLine]) -> CompiledPolicy:
        lines = tuple(dict.fromkeys(lines))  # duplicates change nothing; drop them for explain
        p_rows = [line for line in lines if line.ptype == "p"] or [_EMPTY_POLICY_ROW]
        g_rows = [line for line in lines if line.ptype == "g"]

        grouped: dict[_Key, list[PolicyLine]] = defaultdict(list)
        for row in p_rows:
            sub, dom, rel, typ, _oid, act, _eft = row.values
            grouped[(sub, dom, rel, typ, act)].append(row)
        index = {key: _entry(rows) for key, rows in grouped.items()}
        row_subjects = frozenset(row.values[0] for row in p_rows)

        links: dict[str, dict[str, list[tuple[str, PolicyLine]]]] = {}
        for row in g_rows:
            user, role, dom = row.values
            links.setdefault(dom, {}).setdefault(user, []).append((role, row))
        closures = {
            (user, dom): tuple(r for r in _reach(dom_links, user) if r in row_subjects)
            for dom, dom_links in links.items()
            for user in dom_links
        }

        domains: dict[str, set[str]] = defaultdict(set)
        for row in g_rows:
            domains[row.values[0]].add(row.values[2])
        for row in p_rows:
            if row.values[1] != WILDCARD:
                domains[row.values[0]].add(row.values[1])
        wildcard_subjects = frozenset(r.values[0] for r in p_rows if r.values[1] == WILDCARD)

        return cls(
            lines=lines,
            _index=index,
            _links=links,
            _closures=closures,
            _row_subjects=row_subjects,
            _domains={sub: frozenset(doms) for sub, doms in domains.items()},
            _wildcard_subjects=wildcard_subjects,
        )

    def decide(self, sub: str, dom: str, rel: str, typ: str, oid: str, act: str) -> bool:
        """Exactly `enforcer.enforce(sub, dom, rel, typ, oid, act)`."""
        allowed = False
        for entry in self._entries(sub, dom, rel, typ, act):
            if entry.deny_all or oid in entry.denied_oids:
                return False
            if entry.allow_all or oid in entry.allowed_oids:
                allowed = True
        return allowed

    def grant(self, sub: str, dom: str, rel: str, typ: str, act: str) -> Grant:
        """What a list query filters by: `grant(...).allows(x) == decide(..., x, act)`."""
        all_objects = False
        allowed: set[str] = set()
        denied: set[str] = set()
        for entry in self._entries(sub, dom, rel, typ, act):
            if entry.deny_all:
                return NOTHING
            all_objects = all_objects or entry.allow_all
            allowed |= entry.allowed_oids
            denied |= entry.denied_oids
        if all_objects:  # allowed ids add nothing to "all"; denied ones are the exceptions
            return Grant(all_objects=True, allowed_oids=_NO_IDS, denied_oids=frozenset(denied))
        allowed -= denied
        return Grant(all_objects=False, allowed_oids=frozenset(allowed), denied_oids=_NO_IDS)

    def explain(self, sub: str, dom: str, rel: str, typ: str, oid: str, act: str) -> Explanation:
        """Every p row that matched, and through which g rows; `allowed` equals `decide`."""
        reach = _reach(self._links.get(dom, {}), sub)
        allow_rows: list[PolicyLine] = []
        deny_rows: list[PolicyLine] = []
        role_path: dict[str, _Path] = {}
        for role, path in reach.items():
            for entry in self._role_entries(role, dom, rel, typ, act):
                for row in entry.rows:
                    if row.values[4] in (WILDCARD, oid):
                        (deny_rows if row.values[6] == "deny" else allow_rows).append(row)
                        role_path[role] = path
        return Explanation(
            allowed=bool(allow_rows) and not deny_rows,
            allow_rows=allow_rows,
            deny_rows=deny_rows,
            role_path=role_path,
        )

    def domains_of(self, sub: str) -> frozenset[str]:
        """Offices where `sub` holds a role or is named by a row for that office."""
        return self._domains.get(sub, frozenset())

    def has_wildcard_rows(self, sub: str) -> bool:
        """True when a row names `sub` itself for every office, so no office can be ruled out."""
        return sub in self._wildcard_subjects

    def _entries(self, sub: str, dom: str, rel: str, typ: str, act: str) -> list[_Entry]:
        roles = self._closures.get((sub, dom))
        if roles is None:
            roles = (sub,) if sub in self._row_subjects else ()
        found: list[_Entry] = []
        for role in roles:
            found.extend(self._role_entries(role, dom, rel, typ, act))
        return found

    def _role_entries(self, role: str, dom: str, rel: str, typ: str, act: str) -> list[_Entry]:
        # A row for `*` applies in every office; a request for `*` only meets rows for `*`.
        found = []
        for row_dom in (dom,) if dom == WILDCARD else (dom, WILDCARD):
            entry = self._index.get((role, row_dom, rel, typ, act))
            if entry is not None:
                found.append(entry)
        return found


def _entry(rows: list[PolicyLine]) -> _Entry:
    allow = {row.values[4] for row in rows if row.values[6] == "allow"}
    deny = {row.values[4] for row in rows if row.values[6] == "deny"}
    return _Entry(
        allow_all=WILDCARD in allow,
        deny_all=WILDCARD in deny,
        allowed_oids=frozenset(allow - {WILDCARD}),
        denied_oids=frozenset(deny - {WILDCARD}),
        rows=tuple(rows),
    )


def _reach(links: dict[str, list[tuple[str, PolicyLine]]], sub: str) -> dict[str, _Path]:
    """Breadth-first: every name `sub` reaches within the role manager's limit, by shortest path."""
    paths: dict[str, _Path] = {sub: ()}
    queue = deque([sub])
    while queue:
        name = queue.popleft()
        if len(paths[name]) >= MAX_HIERARCHY_LEVEL - 1:
            continue
        for role, row in links.get(name, ()):
            if role not in paths:
                paths[role] = (*paths[name], row)
                queue.append(role)
    return paths
