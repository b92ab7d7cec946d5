"""At 100,000 policy rows the compiled decision still equals pycasbin's ``enforce``.

pycasbin evaluates the matcher once per p row, so one request over 100,000 rows costs it about
a second here (measured: 0.1–1.9 s a request on this machine, under load): 1,000 requests
against the whole policy would take most of an hour. So each request is put to an enforcer
holding the rows that could match it at all: the model's matcher requires
``p.dom == "*" || r.dom == p.dom``, so a row for another domain never matches, whatever else
it says; every g row stays. A handful of requests are also put to the enforcer of the whole
policy, to show both give the same answers. Loading is bulk (authz.policy._LinesAdapter).
Likewise only the g rows of the request's domain: ``g = _, _, _`` links a user to a role in
one domain, and ``g(r.sub, p.sub, r.dom)`` follows the links of ``r.dom`` only. And of the rows
for every domain (``*``, some 8,500: they made each enforcer cost ten times what its own
domain's rows do), only those whose subject a request could reach: ``g(r.sub, p.sub, r.dom)``
holds only for ``p.sub == r.sub`` or a name some g row links to, so a row naming another user
and no role never matches.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict

import pytest

from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.policy import PolicyLine, build_reference_enforcer

ROWS = 100_000
REQUESTS = 1_000
WHOLE_POLICY_REQUESTS = 5
OFFICES, INSPECTIONS, TARGETS, USERS, OBJECTS = 400, 300, 600, 6_000, 3_000
TYPES = ["person", "target", "inspection", "team_assignment", "team_contact", "leadership_post"]
RELS = ["self", "subordinate", "superior", "mission", "after_feedback", "shared", "recipient"]
RELS += ["target_member"]
ROLES = ["office_admin", "office_member", "team_leader", "team_member", "target_user"]
ACTS = ["read", "update", "approve"]


def _domain(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.6:
        return f"office:{rng.randint(1, OFFICES)}"
    if kind < 0.9:
        return f"inspection:{rng.randint(1, INSPECTIONS)}"
    return f"target:{rng.randint(1, TARGETS)}"


def _policy(rng: random.Random) -> list[PolicyLine]:
    lines = [
        PolicyLine("p", (role, "*", rel, typ, "*", "*", act, "allow"))
        for role in ROLES
        for rel in RELS
        for typ in TYPES
        for act in ACTS
        if rng.random() < 0.3
    ]
    while len(lines) < ROWS:
        draw = rng.random()
        user = f"user:{rng.randint(1, USERS)}"
        if draw < 0.35:  # role grants: offices, inspections (team roles), targets
            lines.append(PolicyLine("g", (user, rng.choice(ROLES), _domain(rng))))
        elif draw < 0.37:  # recusals: everything of one target, everywhere
            tgt = f"target:{rng.randint(1, TARGETS)}"
            lines.append(PolicyLine("p", (user, "*", "*", "*", "*", tgt, "*", "deny")))
        else:  # run-time rows: one object, one target or both, allowed or denied
            oid = rng.choice(["*", str(rng.randint(1, OBJECTS))])
            tgt = rng.choice(["*", f"target:{rng.randint(1, TARGETS)}"])
            eft = rng.choice(["allow", "allow", "deny"])
            # A deny is mostly one user's (a role denied every object would hide most of it).
            sub = user if eft == "deny" and rng.random() < 0.95 else rng.choice([user, *ROLES])
            dom = _domain(rng) if eft == "allow" or rng.random() < 0.7 else "*"
            rel, typ, act = rng.choice(RELS), rng.choice(TYPES), rng.choice(ACTS)
            if eft == "deny" and rng.random() < 0.3:
                rel = "*"
            lines.append(PolicyLine("p", (sub, dom, rel, typ, oid, tgt, act, eft)))
    return lines


def _requests(rng: random.Random, lines: list[PolicyLine]) -> list[tuple[str, ...]]:
    """Ten requests in each of 100 sampled domains (so each reference enforcer serves ten)."""
    domains = rng.sample(sorted({line.values[2] for line in lines if line.ptype == "g"}), 100)
    grants: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    rows: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for line in lines:
        if line.ptype == "g":
            grants[line.values[2]].append(line.values)
        elif line.values[0].startswith("user:"):
            rows[line.values[1]].append(line.values)
    base: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for line in lines:
        if line.ptype == "p" and line.values[0] in ROLES and line.values[1] == "*":
            base[line.values[0]].append(line.values)
    found = []
    for index in range(REQUESTS):
        dom = domains[index % len(domains)]
        user, role, _dom = rng.choice(grants[dom])
        aims = rows[dom] + rows["*"]
        draw = rng.random()
        if draw < 0.4 and base[role]:  # what the user's role there allows, unless denied
            _, _, rel, typ, _, _, act, _ = rng.choice(base[role])
            oid, tgt = str(rng.randint(1, OBJECTS)), f"target:{rng.randint(1, TARGETS)}"
        elif draw < 0.8:  # aimed at a row of this domain or every domain
            row = rng.choice(aims)
            user = rng.choice([row[0], user])
            oid = row[4] if row[4] != "*" else str(rng.randint(1, OBJECTS))
            tgt = row[5] if row[5] != "*" else f"target:{rng.randint(1, TARGETS)}"
            rel = row[2] if row[2] != "*" else rng.choice(RELS)
            typ = row[3] if row[3] != "*" else rng.choice(TYPES)
            act = row[6] if row[6] != "*" else rng.choice(ACTS)
        else:
            oid, tgt = str(rng.randint(1, OBJECTS)), f"target:{rng.randint(1, TARGETS)}"
            rel, typ, act = rng.choice(RELS), rng.choice(TYPES), rng.choice(ACTS)
        found.append((user, dom, rel, typ, oid, tgt, act))
    return found


@pytest.mark.scale
def test_compiled_equals_enforce_at_100000_rows_on_1000_sampled_requests() -> None:
    rng = random.Random(11)
    lines = _policy(rng)
    assert len(lines) == ROWS
    started = time.perf_counter()
    compiled = CompiledPolicy.compile(lines)
    compile_seconds = time.perf_counter() - started
    batch = _requests(rng, lines)
    by_domain: dict[str, list[PolicyLine]] = defaultdict(list)
    everywhere = []
    for line in lines:
        dom = line.values[2] if line.ptype == "g" else line.values[1]
        (everywhere if dom == "*" else by_domain[dom]).append(line)
    linked_to = {line.values[1] for line in lines if line.ptype == "g"}
    subjects: dict[str, set[str]] = defaultdict(set)
    for request in batch:
        subjects[request[1]].add(request[0])
    enforcers = {}
    seen: Counter[str] = Counter()
    for request in batch:
        dom = request[1]
        if dom not in enforcers:
            reachable = linked_to | subjects[dom]
            rows = [line for line in everywhere if line.values[0] in reachable]
            seen["rows for * put to an enforcer"] += len(rows)
            enforcers[dom] = build_reference_enforcer(rows + by_domain[dom])
        expected = enforcers[dom].enforce(*request)
        assert compiled.decide(*request) == expected, request
        sub, dom, rel, typ, oid, tgt, act = request
        assert compiled.grant(sub, dom, rel, typ, act).allows(oid, tgt) == expected, request
        seen["allowed" if expected else "denied"] += 1
    started = time.perf_counter()
    whole = build_reference_enforcer(lines)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for request in batch[:WHOLE_POLICY_REQUESTS]:
        assert whole.enforce(*request) == compiled.decide(*request), request
    per_request = (time.perf_counter() - started) / WHOLE_POLICY_REQUESTS
    print(
        f"compile {compile_seconds:.1f} s, casbin load {load_seconds:.1f} s, "
        f"casbin enforce over all rows {per_request:.2f} s a request, {dict(seen)}"
    )
    # Every enforcer still held rows for every domain: the slicing kept what could match.
    assert seen["rows for * put to an enforcer"] >= 100 * len(enforcers), seen
    assert seen["allowed"] >= 50 and seen["denied"] >= 200, seen
