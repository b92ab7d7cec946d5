"""Decisions per second: pycasbin's enforce against CompiledPolicy.decide, at ~32 and ~3,200 p rows.

Run with ``python -m bench authz``. The policy mimics production: roles granted for every office
(dom ``*``), per-office roles and object rows, a role chain per office, user-level rows for every
office, and deny rows on single objects.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.policy import PolicyLine, build_reference_enforcer, parse_csv

BASE = """
p, office_admin, *, self, person, *, read, allow
p, office_admin, *, self, person, *, update, allow
p, office_admin, *, self, office, *, read, allow
p, office_admin, *, self, audit_log, *, read, allow
p, office_admin, *, self, role_grant, *, grant, allow
p, inspector, *, self, target, *, read, allow
p, inspector, *, subordinate, target, *, read, allow
p, inspector, *, guided, office, *, read, allow
"""

Request = tuple[str, str, str, str, str, str, str]


def office_lines(i: int) -> list[PolicyLine]:
    admin, inspector, leader = f"user:{3 * i}", f"user:{3 * i + 1}", f"user:{3 * i + 2}"
    return parse_csv(f"""
g, {admin}, office_admin, office:{i}
g, {inspector}, inspector, office:{i}
g, {leader}, team_leader, office:{i}
g, team_leader, team_member, office:{i}
p, team_member, office:{i}, self, target, t{i}a, read, allow
p, team_member, office:{i}, self, target, t{i}b, read, allow
p, team_member, office:{i}, subordinate, target, t{i}c, read, allow
p, team_leader, office:{i}, self, target, *, update, allow
p, inspector, office:{i}, subordinate, person, *, read, allow
p, {admin}, office:{i}, self, person, p{i}, read, deny
p, {inspector}, office:{i}, subordinate, person, q{i}, read, deny
p, {leader}, *, guided, target, *, read, allow
""")


def make_policy(offices: int) -> list[PolicyLine]:
    lines = parse_csv(BASE)
    for i in range(offices):
        lines += office_lines(i)
    return lines


def make_requests(offices: int, count: int, seed: int = 7) -> list[Request]:
    """Mostly a user acting in their own office, sometimes in another, on ids that hit rows."""
    rng = random.Random(seed)
    out: list[Request] = []
    for _ in range(count):
        i = rng.randrange(offices)
        sub = f"user:{3 * i + rng.randrange(3)}"
        dom = f"office:{i if rng.random() < 0.8 else rng.randrange(offices)}"
        oid = rng.choice([f"p{i}", f"q{i}", f"t{i}a", f"t{i}c", "17", "*"])
        out.append(
            (
                sub,
                dom,
                rng.choice(["self", "self", "subordinate", "guided"]),
                rng.choice(["person", "target", "office", "audit_log"]),
                oid,
                rng.choice(["", "", f"target:{i}"]),
                rng.choice(["read", "read", "update", "grant"]),
            )
        )
    return out


def per_second(decide: Callable[..., bool], requests: Sequence[Request]) -> float:
    start = time.perf_counter()
    for request in requests:
        decide(*request)
    return len(requests) / (time.perf_counter() - start)


def best_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(
        f"{'p rows':>7} {'g rows':>7} {'compile':>10} {'casbin load':>12} "
        f"{'enforce/s':>11} {'decide/s':>11} {'grant/s':>11} {'speed-up':>9} {'allowed':>8} agree"
    )
    # 8 base rows + 8 per office: 3 offices -> 32 p rows, 399 offices -> 3,200.
    for offices, enforce_count in ((3, 3_000), (399, 150)):
        lines = make_policy(offices)
        p_rows = sum(line.ptype == "p" for line in lines)
        compile_s = best_seconds(lambda lines=lines: CompiledPolicy.compile(lines), repeat=5)
        load_s = best_seconds(lambda lines=lines: build_reference_enforcer(lines), repeat=1)
        enforcer = build_reference_enforcer(lines)
        compiled = CompiledPolicy.compile(lines)

        sample = make_requests(offices, enforce_count)
        requests = make_requests(offices, 200_000, seed=11)
        enforce_rate = per_second(enforcer.enforce, sample)
        decide_rate = per_second(compiled.decide, requests)
        grant_rate = per_second(
            lambda s, d, r, t, _o, _g, a, c=compiled: c.grant(s, d, r, t, a), requests
        )
        expected = [enforcer.enforce(*r) for r in sample]
        agree = sum(e == compiled.decide(*r) for e, r in zip(expected, sample, strict=True))
        print(
            f"{p_rows:>7,} {len(lines) - p_rows:>7,} {compile_s * 1e3:>8.2f}ms "
            f"{load_s * 1e3:>10.1f}ms {enforce_rate:>11,.0f} {decide_rate:>11,.0f} "
            f"{grant_rate:>11,.0f} {decide_rate / enforce_rate:>8,.0f}x "
            f"{sum(expected) / len(sample):>8.0%} {agree}/{len(sample)}"
        )
