"""The leak scan and hidden-versus-missing: what no answer may let out.

``leaks``: every confidential text of the world carries a marker (world.MARKERS); no answer to
a role the table refuses the marker's type (or redacted field) holds it, and some answer to a
role it allows does, so the scan is not looking at nothing.

``hidden_and_missing``: for every Node type (and each root lookup by id), the answer to a role
for a row it may not read and for an id that names nothing are the same bytes: errors, codes,
messages and shape; so neither ids nor answers count another office's rows.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import is_non_null_type

from inspectnet.ids import global_id
from tests.matrix.expectations import reads
from tests.matrix.run import Matrix, Outcome
from tests.matrix.world import MARKERS


def leaks(out: Outcome) -> list[str]:
    found = []
    for key, marker in MARKERS.items():
        seen_by = {role for role, bodies in out.bodies.items() if any(marker in b for b in bodies)}
        found += [
            f"{role} saw {key} ({marker})" for role in sorted(seen_by) if not reads(role, key)
        ]
        if not any(reads(role, key) for role in seen_by):
            found.append(f"no role allowed {key} was shown its marker: the scan saw nothing")
    return found


LOOKUPS = {
    "petition": "Petition",
    "disclosure": "Disclosure",
    "disciplineRecord": "DisciplineRecord",
    "office": "Office",
    "target": "Target",
}


async def hidden_and_missing(matrix: Matrix, roles: list[str]) -> tuple[int, list[str]]:
    """Ask, per role, each hidden row beside an id past every row of its type (aliases ``h``
    and ``m``, many pairs a request), and compare the two answers and their errors."""
    pairs: list[tuple[str, str, str, str]] = []  # type, call, hidden gid, missing gid
    for name in sorted(matrix.nodes):
        top = max((r.pk for r in matrix.cat.rows.get(name, [])), default=0)
        missing = global_id(name, top + 100_000)
        calls = ["node(id: {gid}) { id }"]
        calls += [f"{field}(id: {{gid}}) {{ id }}" for field, typ in LOOKUPS.items() if typ == name]
        for row in matrix.sample(name, 1, 1):
            pairs += [(name, call, row.gid, missing) for call in calls]
    # A non-null root field's error nulls the whole answer: ask those a pair a request.
    query_type = matrix.schema.query_type
    assert query_type is not None
    alone = {f for f in LOOKUPS if is_non_null_type(query_type.fields[f].type)}
    cases, found = 0, []
    for role in roles:
        mine = [p for p in pairs if matrix.expected(role, matrix.by_gid[p[2]]) is False]
        chunks = [[p] for p in mine if p[1].split("(")[0] in alone]
        rest = [p for p in mine if p[1].split("(")[0] not in alone]
        chunks += [rest[start : start + 15] for start in range(0, len(rest), 15)]
        for chunk in chunks:
            answers = []
            for kind in ("h", "m"):
                query = " ".join(
                    f"{kind}{i}: {call.replace('{gid}', json.dumps(p[2] if kind == 'h' else p[3]))}"
                    for i, p in enumerate(chunk)
                    for call in [p[1]]
                )
                response = await matrix.api.post(f"{{ {query} }}", user=matrix.users[role])
                assert response.status_code == 200, response.text
                answers.append(response.json())
            for i, (name, call, hid, mid) in enumerate(chunk):
                cases += 1
                hidden = _part(answers[0], f"h{i}", hid)
                absent = _part(answers[1], f"m{i}", mid)
                if hidden != absent:
                    found.append(f"{role} {name} {call}: {hidden} != {absent}")
    return cases, found


def _part(answer: dict[str, Any], alias: str, gid: str) -> str:
    """One alias's answer and errors, its id and alias written out of them."""
    data = (answer.get("data") or {}).get(alias)
    errors = [
        {k: v for k, v in e.items() if k != "locations"}
        for e in answer.get("errors", [])
        if (e.get("path") or [None])[0] == alias
    ]
    whole = answer.get("data") is None  # a non-null field's error nulls the whole answer
    text = json.dumps(
        {"data": data, "whole": whole, "errors": errors}, ensure_ascii=False, sort_keys=True
    )
    return text.replace(gid, "ID").replace(f'"{alias}"', '"ALIAS"')
