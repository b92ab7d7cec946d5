"""Running the matrix: each (role, path) asked over the world, each answer held to the table.

A path is ``node(T)`` (the single read of each Node type), ``nodes(T)``, ``T.field`` from a
row of T (each object-reaching field of each Node type) or ``Query.field`` (each root field).
Every object an answer holds must be one its role reads by the table; a row the role may not
read answers ``NOT_FOUND``; a connection's ``totalCount`` counts exactly the rows it lists.
Questions are asked many at once (aliases), as a client would batch them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from graphql import GraphQLSchema

from tests.conftest import Api
from tests.matrix.engine import Catalogue, Row, node_types
from tests.matrix.expectations import READ, STRUCTURAL_SUFFIXES, VALUE_TYPES, reads
from tests.matrix.walk import PAGE, Path, arguments, objects, paths, reachable, selection

# Codes an answer may carry: a refused or missing object, a field the role may not see.
EXPECTED_CODES = {"NOT_FOUND", "FORBIDDEN"}
ALIASES = 30  # questions a request (the schema allows 30 aliases)
TOKENS = 4000  # and 5,000 tokens
# Rows of a type whose fields are asked: a type's rows share their fields' resolvers.
FIELD_ROWS = 3
_TOKEN = re.compile(r"[{}():,\[\]]|[^\s{}():,\[\]]+")


def _tokens(text: str) -> int:
    return len(_TOKEN.findall(text)) + 2


@dataclass(frozen=True)
class Ask:
    """One aliased question: ``text`` under the path(s) it checks, of ``row`` if it names one
    (then its answer is null exactly when the role may not read the row)."""

    paths: tuple[str, ...]
    text: str
    row: Row | None = None
    judged: tuple[str, ...] = ()  # sub-fields judged each under its own path


@dataclass
class Outcome:
    """What a run of the matrix saw: cases, violations, bodies (for the leak scan)."""

    cases: set[tuple[str, str]] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    bodies: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, role: str, path: str, why: str) -> None:
        self.violations.append(f"{role} @ {path}: {why}")


class Matrix:
    def __init__(
        self, api: Api, users: dict[str, str], cat: Catalogue, own: dict[str, set[str]]
    ) -> None:
        self.api, self.users, self.cat, self.own = api, users, cat, own
        self.schema: GraphQLSchema = api.app.state.graphql.schema._schema
        self.nodes = set(node_types(self.schema))
        self.by_gid = cat.by_gid()
        self.out = Outcome()
        self.first_failure = False  # stop at the first violation (a run expected to fail)

    def expected(self, role: str, row: Row, own: bool = False) -> bool | None:
        """Whether ``role`` reads ``row`` (None: a neighbour's row, not judged here); ``own``:
        its own account, person, grants and office count too (what its viewer shows it)."""
        if own and row.gid in self.own.get(role, ()):
            return True
        if row.where == "neighbour":
            return None
        return row.where == "world" and reads(role, row.type_name)

    def sample(self, type_name: str, foreign: int = 1, world: int | None = None) -> list[Row]:
        return self.cat.world(type_name)[:world] + self.cat.foreign(type_name)[:foreign]

    def judge(self, role: str, path: str, answer: Any) -> None:
        """Every object of ``answer`` is one ``role`` may read; every count is its list's."""
        for obj in objects(answer):
            name = obj["__typename"]
            if name == "Petitioner" and not reads(role, "Petition.petitioner"):
                self.out.fail(role, path, "reads a petitioner")
            row = self.by_gid.get(obj.get("id", "")) if name in self.nodes else None
            if row is not None and self.expected(role, row, own=True) is False:
                self.out.fail(role, path, f"reaches {row.where} {row.gid}")
            nodes = obj.get("nodes")
            listed = isinstance(nodes, list) and len(nodes) < PAGE
            if listed and obj.get("totalCount", len(nodes)) != len(nodes):  # type: ignore[arg-type]
                self.out.fail(role, path, f"totalCount {obj['totalCount']} of {len(nodes)}")  # type: ignore[arg-type]

    async def run(self, roles: Iterable[str], asks: list[Ask]) -> None:
        batches: list[list[Ask]] = [[]]
        size = 0
        for ask in asks:
            cost = _tokens(ask.text)
            if len(batches[-1]) >= ALIASES or size + cost > TOKENS:
                batches.append([])
                size = 0
            batches[-1].append(ask)
            size += cost
        for role in roles:
            for ask in asks:
                self.out.cases.update((role, p) for p in ask.paths)
            for batch in batches:
                await self._batch(role, batch)
                if self.first_failure and self.out.violations:
                    return

    async def _batch(self, role: str, asks: list[Ask]) -> None:
        query = " ".join(f"a{i}: {ask.text}" for i, ask in enumerate(asks))
        response = await self.api.post(f"{{ {query} }}", user=self.users[role])
        assert response.status_code == 200, response.text
        self.out.bodies.setdefault(role, []).append(response.text)
        answer = response.json()
        errors: dict[str, list[dict[str, Any]]] = {}
        for error in answer.get("errors", []):
            errors.setdefault(str((error.get("path") or ["?"])[0]), []).append(error)
        for error in errors.pop("?", []):
            self.out.fail(role, "request", f"{error.get('message')}"[:300])
        data = answer.get("data") or {}
        retry: list[Ask] = []
        for i, ask in enumerate(asks):
            got, found = data.get(f"a{i}"), errors.get(f"a{i}", [])
            codes = {e.get("extensions", {}).get("code") for e in found}
            where = ask.paths[0]
            for error in found:
                if error.get("extensions", {}).get("code") not in EXPECTED_CODES:
                    self.out.fail(role, where, f"error {error.get('message')}")
            allowed = None if ask.row is None else self.expected(role, ask.row)
            if ask.row is not None and allowed is not None:
                gid = ask.row.gid
                top = any(len(e.get("path") or []) == 1 for e in found)
                if got is None and allowed:
                    if not top and "FORBIDDEN" in codes and len(ask.judged) > 1:
                        retry.extend(_split(ask))  # a refused non-null field nulled the row
                    elif not top and codes <= {"FORBIDDEN"}:
                        pass  # the row's one field asked is refused: nothing let out
                    else:
                        self.out.fail(role, where, f"cannot read {gid}: {codes}")
                    continue
                if got is not None and not allowed:
                    self.out.fail(role, where, f"reads {ask.row.where} {gid}")
                elif (
                    got is None
                    and codes != {"NOT_FOUND"}
                    and not (
                        # a root lookup of a nullable type answers a refused id with null alone
                        where.startswith("Query.") and not found
                    )
                ):
                    self.out.fail(role, where, f"{gid} refused as {codes}")
            if ask.judged and isinstance(got, dict):
                for name, path in zip(ask.judged, ask.paths, strict=True):
                    self.judge(role, path, got.get(name))
            else:
                self.judge(role, where, got)
        if retry:
            await self._batch(role, retry)

    def node_asks(self) -> list[Ask]:
        """node(id:) and nodes(ids:) of every Node type: world rows and two foreign ones."""
        asks = []
        for name in sorted(self.nodes):
            rows = self.sample(name, 2)
            for row in rows:
                asks.append(
                    Ask((f"node({name})",), f"node(id: {json.dumps(row.gid)}) {{ id }}", row)
                )
            ids = json.dumps([row.gid for row in rows])
            asks.append(
                Ask((f"nodes({name})",), f"nodes(ids: {ids}) {{ __typename ... on Node {{ id }} }}")
            )
        return asks

    def field_asks(self, only: set[str] | None = None) -> list[Ask]:
        """Every object-reaching field of every Node type, of its world rows and a foreign one."""
        by_parent: dict[str, list[Path]] = {}
        for walk in paths(self.schema):
            if walk.parent in self.nodes and (not only or walk.parent in only):
                by_parent.setdefault(walk.parent, []).append(walk)
        asks = []
        for parent, every in sorted(by_parent.items()):
            fields = self.schema.get_type(parent).fields  # type: ignore[union-attr]
            texts = {
                w.name: f"{w.field}{arguments(fields[w.field])} "
                f"{{ {selection(self.schema, w.target)} }}"
                for w in every
            }
            for walks in _groups(every, texts):
                asks.extend(self._row_asks(parent, walks, " ".join(texts[w.name] for w in walks)))
        return asks

    def _row_asks(self, parent: str, walks: list[Path], inner: str) -> list[Ask]:
        return [
            Ask(
                tuple(w.name for w in walks),
                f"node(id: {json.dumps(row.gid)}) {{ id ... on {parent} {{ {inner} }} }}",
                row,
                tuple(w.field for w in walks),
            )
            for row in self.sample(parent, 1, FIELD_ROWS)
        ]

    def root_asks(self) -> list[Ask]:
        """Each root field: by a row's id where it takes one (as node(id:)), else as it is, or
        for the world's office and a foreign one."""
        query_type = self.schema.query_type
        assert query_type is not None
        asks = []
        offices = self.sample("Office", 1)
        filings = self.cat.foreign("Filing")[:2]
        for walk in paths(self.schema):
            if walk.parent != query_type.name or walk.field in ("node", "nodes"):
                continue
            field_def = query_type.fields[walk.field]
            inner = selection(self.schema, walk.target)
            if "id" in field_def.args:
                for row in self.sample(walk.target, 2):
                    text = f"{walk.field}(id: {json.dumps(row.gid)}) {{ id {inner} }}"
                    asks.append(Ask((walk.name,), text, row))
                continue
            variants: list[dict[str, str]] = [{}]
            if "officeId" in field_def.args:
                variants = [{"officeId": json.dumps(o.gid)} for o in offices]
            if "olderId" in field_def.args:
                pair = {"olderId": filings[0].gid, "newerId": filings[-1].gid}
                variants = [{k: json.dumps(v) for k, v in pair.items()}]
            for ids in variants:
                text = f"{walk.field}{arguments(field_def, ids)} {{ {inner} }}"
                asks.append(Ask((walk.name,), text))
        return asks


def _groups(walks: list[Path], texts: dict[str, str]) -> list[list[Path]]:
    """Fields in groups small enough for one question."""
    groups: list[list[Path]] = [[]]
    size = 0
    for walk in walks:
        cost = _tokens(texts[walk.name])
        if groups[-1] and size + cost > TOKENS // 2:
            groups.append([])
            size = 0
        groups[-1].append(walk)
        size += cost
    return groups


def _split(ask: Ask) -> list[Ask]:
    """One ask a field, when a refused field nulled a row asked of many."""
    head, _, _ = ask.text.partition(" ... on ")
    parent = ask.text.split(" ... on ", 1)[1].split(" ", 1)[0]
    inner = ask.text.split(" ... on ", 1)[1].split(" { ", 1)[1].rsplit(" } }", 1)[0]
    parts = _top_level(inner)
    return [
        Ask((path,), f"{head} ... on {parent} {{ {part} }} }}", ask.row, (name,))
        for path, name, part in zip(ask.paths, ask.judged, parts, strict=True)
    ]


def _top_level(inner: str) -> list[str]:
    """The top-level selections of a selection set's text, each with its sub-selection."""
    parts, depth, current = [], 0, ""
    for token in inner.split(" "):
        current = f"{current} {token}".strip()
        depth += token.count("{") - token.count("}")
        if depth == 0 and token == "}":
            parts.append(current)
            current = ""
    return parts


def unknown_types(schema: GraphQLSchema) -> list[str]:
    """Object types reachable from the root that the table does not name."""
    nodes = set(node_types(schema))
    return sorted(
        name
        for name in reachable(schema)
        if name not in READ
        and name not in VALUE_TYPES
        and not (name not in nodes and name.endswith(STRUCTURAL_SUFFIXES))
    )


def report(out: Outcome) -> str:
    dump = os.environ.get("MATRIX_DUMP")
    if dump:
        FilePath(dump).write_text("\n".join(out.violations), encoding="utf-8")
    return json.dumps(out.violations[:40], ensure_ascii=False, indent=1)
