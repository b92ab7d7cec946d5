"""The loaded policy compiled into indexes, so a decision is a handful of dict lookups.

pycasbin's `enforce` evaluates the matcher once per p row (milliseconds at 3,200 rows). This
module answers the same question for the model in policies/model.conf, and a property test
holds it to `enforce` request for request. It mirrors that matcher by hand: change one, change both.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from inspectnet.authz.policy import EFFECT, WILDCARD, PolicyLine

# pycasbin's default role manager searches 10 levels counting the subject itself, so a role
# 10 or more g links away is not reached; we follow suit rather than be more generous.
MAX_HIERARCHY_LEVEL = 10

# With no p row at all, pycasbin evaluates the matcher once with every p value "" and allows
# on a match, so an all-empty request is allowed. Compiling this row reproduces that exactly.
_EMPTY_POLICY_ROW = PolicyLine("p", ("", "", "", "", "", "", "", "allow"))

_Key = tuple[str, str, str, str, str]  # (sub or role, dom or *, rel or *, typ or *, act or *)
_Path = tuple[PolicyLine, ...]  # g rows leading from a subject to one of its roles
_Pair = tuple[str, str]  # (oid, tgt), either may be *

_NO_IDS: frozenset[str] = frozenset()
_NO_PAIRS: frozenset[_Pair] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    """Which (object, target) pairs a set of rows names: all, by id, by target, or by both."""

    all: bool = False
    oids: frozenset[str] = _NO_IDS  # rows for one object, any target
    tgts: frozenset[str] = _NO_IDS  # rows for every object of one target
    pairs: frozenset[_Pair] = _NO_PAIRS  # rows naming both

    def hits(self, oid: str, tgt: str) -> bool:
        return self.all or oid in self.oids or tgt in self.tgts or (oid, tgt) in self.pairs

    @property
    def is_empty(self) -> bool:
        return not (self.all or self.oids or self.tgts or self.pairs)

    @classmethod
    def of(cls, pairs: Iterable[_Pair]) -> Match:
        # One pass, and the shared empty sets for what is empty: compiling 100,000 rows makes
        # one Match per effect and key, most of them naming a single object or nothing.
        every = False
        oids: list[str] = []
        tgts: list[str] = []
        both: list[_Pair] = []
        for oid, tgt in pairs:
            if oid == WILDCARD:
                if tgt == WILDCARD:
                    every = True
                else:
                    tgts.append(tgt)
            elif tgt == WILDCARD:
                oids.append(oid)
            else:
                both.append((oid, tgt))
        if not (every or oids or tgts or both):
            return NONE
        return cls(
            all=every,
            oids=frozenset(oids) if oids else _NO_IDS,
            tgts=frozenset(tgts) if tgts else _NO_IDS,
            pairs=frozenset(both) if both else _NO_PAIRS,
        )

    def union(self, other: Match) -> Match:
        return Match(
            self.all or other.all,
            self.oids | other.oids,
            self.tgts | other.tgts,
            self.pairs | other.pairs,
        )


NONE = Match()


@dataclass(frozen=True, slots=True)
class Grant:
    """Which objects of one type a subject may act on through one office and relation.

    An object is named by its id and its target (巡视巡察对象, "" when it has none): allowed
    when some allow row names it and no deny row does.
    """

    all_objects: bool
    allowed_oids: frozenset[str] = _NO_IDS
    denied_oids: frozenset[str] = _NO_IDS
    allowed_tgts: frozenset[str] = _NO_IDS
    denied_tgts: frozenset[str] = _NO_IDS
    allowed_pairs: frozenset[_Pair] = _NO_PAIRS
    denied_pairs: frozenset[_Pair] = _NO_PAIRS

    def allows(self, oid: str, tgt: str = "") -> bool:
        if oid in self.denied_oids or tgt in self.denied_tgts or (oid, tgt) in self.denied_pairs:
            return False
        return (
            self.all_objects
            or oid in self.allowed_oids
            or tgt in self.allowed_tgts
            or (oid, tgt) in self.allowed_pairs
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.all_objects or self.allowed_oids or self.allowed_tgts or self.allowed_pairs
        )

    @property
    def has_denials(self) -> bool:
        return bool(self.denied_oids or self.denied_tgts or self.denied_pairs)


NOTHING = Grant(all_objects=False)


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
    allow: Match
    deny: Match
    rows: tuple[PolicyLine, ...]


# Which of (rel, typ, act) a row leaves as *: a bit each. Only shapes some row uses are looked up.
_SHAPES = tuple(range(8))


def _shape(rel: str, typ: str, act: str) -> int:
    return (rel == WILDCARD) | (typ == WILDCARD) << 1 | (act == WILDCARD) << 2


def _keyed(shape: int, rel: str, typ: str, act: str) -> tuple[str, str, str]:
    return (
        WILDCARD if shape & 1 else rel,
        WILDCARD if shape & 2 else typ,
        WILDCARD if shape & 4 else act,
    )


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
    _shapes: tuple[int, ...] = field(repr=False)

    @classmethod
    def compile(cls, lines: Iterable[PolicyLine]) -> CompiledPolicy:
        lines = tuple(dict.fromkeys(lines))  # duplicates change nothing; drop them for explain
        p_rows = [line for line in lines if line.ptype == "p"] or [_EMPTY_POLICY_ROW]
        g_rows = [line for line in lines if line.ptype == "g"]

        grouped: dict[_Key, list[PolicyLine]] = defaultdict(list)
        for row in p_rows:
            sub, dom, rel, typ, _oid, _tgt, act, _eft = row.values
            grouped[(sub, dom, rel, typ, act)].append(row)
        index = {key: _entry(rows) for key, rows in grouped.items()}
        shapes = tuple(sorted({_shape(rel, typ, act) for _s, _d, rel, typ, act in grouped}))
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

        # Where a subject can be granted anything: deny rows add no domain (they only narrow).
        domains: dict[str, set[str]] = defaultdict(set)
        for row in g_rows:
            domains[row.values[0]].add(row.values[2])
        allow_rows = [r for r in p_rows if r.values[EFFECT] == "allow"]
        for row in allow_rows:
            if row.values[1] != WILDCARD:
                domains[row.values[0]].add(row.values[1])
        wildcard_subjects = frozenset(r.values[0] for r in allow_rows if r.values[1] == WILDCARD)

        return cls(
            lines=lines,
            _index=index,
            _links=links,
            _closures=closures,
            _row_subjects=row_subjects,
            _domains={sub: frozenset(doms) for sub, doms in domains.items()},
            _wildcard_subjects=wildcard_subjects,
            _shapes=shapes,
        )

    def decide(self, sub: str, dom: str, rel: str, typ: str, oid: str, tgt: str, act: str) -> bool:
        """Exactly `enforcer.enforce(sub, dom, rel, typ, oid, tgt, act)`."""
        allowed = False
        for entry in self._entries(sub, dom, rel, typ, act):
            if entry.deny.hits(oid, tgt):
                return False
            if not allowed and entry.allow.hits(oid, tgt):
                allowed = True
        return allowed

    def grant(self, sub: str, dom: str, rel: str, typ: str, act: str) -> Grant:
        """What a list query filters by: `grant(...).allows(x, t) == decide(..., x, t, act)`."""
        allow, deny = NONE, NONE
        for entry in self._entries(sub, dom, rel, typ, act):
            allow, deny = allow.union(entry.allow), deny.union(entry.deny)
        if deny.all or allow.is_empty:
            return NOTHING
        if allow.all:  # allowed ids add nothing to "all"; denied ones are the exceptions
            allow = Match(all=True)
        return Grant(
            all_objects=allow.all,
            allowed_oids=allow.oids,
            denied_oids=deny.oids,
            allowed_tgts=allow.tgts,
            denied_tgts=deny.tgts,
            allowed_pairs=allow.pairs,
            denied_pairs=deny.pairs,
        )

    def explain(
        self, sub: str, dom: str, rel: str, typ: str, oid: str, tgt: str, act: str
    ) -> Explanation:
        """Every p row that matched, and through which g rows; `allowed` equals `decide`."""
        reach = _reach(self._links.get(dom, {}), sub)
        allow_rows: list[PolicyLine] = []
        deny_rows: list[PolicyLine] = []
        role_path: dict[str, _Path] = {}
        for role, path in reach.items():
            for entry in self._role_entries(role, dom, rel, typ, act):
                for row in entry.rows:
                    if row.values[4] in (WILDCARD, oid) and row.values[5] in (WILDCARD, tgt):
                        (deny_rows if row.values[EFFECT] == "deny" else allow_rows).append(row)
                        role_path[role] = path
        return Explanation(
            allowed=bool(allow_rows) and not deny_rows,
            allow_rows=allow_rows,
            deny_rows=deny_rows,
            role_path=role_path,
        )

    def domains_of(self, sub: str) -> frozenset[str]:
        """Domains where `sub` holds a role or is named by an allow row for that domain."""
        return self._domains.get(sub, frozenset())

    def has_wildcard_rows(self, sub: str) -> bool:
        """True when an allow row names `sub` itself for every domain, so none can be ruled out."""
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
        # A row for `*` applies in every domain (and a `*` relation, type or action to every
        # one); a request for `*` only meets rows for `*`, so each key is looked up once.
        found = []
        seen: set[_Key] = set()
        for row_dom in (dom,) if dom == WILDCARD else (dom, WILDCARD):
            for shape in self._shapes:
                key = (role, row_dom, *_keyed(shape, rel, typ, act))
                if key in seen:
                    continue
                seen.add(key)
                entry = self._index.get(key)  # type: ignore[arg-type]
                if entry is not None:
                    found.append(entry)
        return found


def _entry(rows: list[PolicyLine]) -> _Entry:
    def pairs(effect: str) -> Match:
        return Match.of((r.values[4], r.values[5]) for r in rows if r.values[EFFECT] == effect)

    return _Entry(allow=pairs("allow"), deny=pairs("deny"), rows=tuple(rows))


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
