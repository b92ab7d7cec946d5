"""CompiledPolicy answers exactly as pycasbin's enforce does, for every request."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inspectnet.models  # noqa: F401 - every mapper on the registry
from inspectnet import domains
from inspectnet.authz.compiled import MAX_HIERARCHY_LEVEL, CompiledPolicy, Grant
from inspectnet.authz.policy import PolicyLine, build_reference_enforcer, parse_csv
from inspectnet.authz.sources import RECIPIENT, SELF, SHARED, TARGET_MEMBER, RelationSource
from inspectnet.db import Base

# Office domains, inspection domains (roles held in one inspection), target domains (target-side
# users) and the platform.
DOMAINS = [f"office:{i}" for i in range(1, 19)] + [f"inspection:{i}" for i in range(1, 6)]
DOMAINS += [f"target:{i}" for i in range(1, 4)] + ["platform"]
# Office roles, decision bodies' roles (leading group, five-person group, party group), the
# team roles of inspections/access.py and the target-side role of accounts/access.py.
ROLES = ["office_admin", "office_member", "auditor", "leading_group_member", "five_person_group"]
ROLES += ["team_leader", "team_member", "team_intake_handler", "target_user"]
USERS = [f"user:{i}" for i in range(1, 11)]
# Every relation the door weighs: its own (self, shared, recipient, target_member) and those the
# domains register (the network's lines; an inspection's phases, mission and after_feedback).
RELS = sorted(
    {SELF, SHARED, RECIPIENT, TARGET_MEMBER}
    | {
        relation
        for domain in domains.installed()
        for source in domain.sources()
        if isinstance(source, RelationSource)
        for relation in source.relations
    }
)
assert {"subordinate", "guided", "mission", "after_feedback", "recipient"} <= set(RELS), RELS
# A fixed dozen of the authorization types the mapped models declare. The compiled index treats
# every type name alike; drawing from all of them (80 and growing with each domain) thinned out
# the rows a request meets, and with them the deny-overrides cases the guard below counts.
TYPS = [
    "clue",
    "employment_record",
    "finding",
    "inspection",
    "interest_tie",
    "leadership_post",
    "office",
    "person",
    "petition",
    "pool_membership",
    "report",
    "target",
]
MAPPED_TYPES = {
    typ
    for typ in (getattr(m.class_, "__authz_type__", None) for m in Base.registry.mappers)
    if typ is not None
}
assert set(TYPS) <= MAPPED_TYPES, sorted(set(TYPS) - MAPPED_TYPES)
ACTS = ["read", "update", "grant"]
OIDS = ["1", "2", "3", "4", "5"]
TGTS = ["target:1", "target:2", "target:3"]
ODD_SUBS = ["user:999", "*", "", "OFFICE_ADMIN"]
ODD_DOMS = ["*", "office:999", ""]
ODD_OIDS = ["*", "999", ""]
ODD_TGTS = ["*", "target:999", ""]

REQUESTS_PER_POLICY = 50
POLICIES = 210  # x 50 requests: at least 10,000 requests a run


def g(user: str, role: str, dom: str) -> PolicyLine:
    return PolicyLine("g", (user, role, dom))


def p(
    sub: str, dom: str, rel: str, typ: str, oid: str, act: str, eft: str = "allow", tgt: str = "*"
) -> PolicyLine:
    return PolicyLine("p", (sub, dom, rel, typ, oid, tgt, act, eft))


def themed_row(
    sub: str, dom: str, theme: tuple[str, str, str], oid: str, tgt: str, eft: str
) -> PolicyLine:
    rel, typ, act = theme
    return p(sub, dom, rel, typ, oid, act, eft, tgt)


@st.composite
def policies(draw: st.DrawFn) -> list[PolicyLine]:
    assignments = draw(
        st.lists(
            st.builds(g, st.sampled_from(USERS), st.sampled_from(ROLES), st.sampled_from(DOMAINS)),
            max_size=25,
        )
    )
    # A chain starts at a user and may repeat a role, which makes cycles and self-links; with six
    # roles no shortest path reaches the role manager's depth limit (an example test covers it).
    chains = draw(
        st.lists(
            st.tuples(
                st.sampled_from(DOMAINS),
                st.sampled_from(USERS),
                st.lists(st.sampled_from(ROLES), min_size=2, max_size=6),
            ),
            max_size=4,
        )
    )
    inheritance = [
        g(a, b, dom)
        for dom, user, chain in chains
        for a, b in zip([user, *chain], chain, strict=False)
    ]
    # Few (rel, typ, act) per policy, so rows overlap and allow meets deny often.
    theme = st.tuples(st.sampled_from(RELS), st.sampled_from(TYPS), st.sampled_from(ACTS))
    themes = draw(st.lists(theme, min_size=1, max_size=3))
    rows = draw(
        st.lists(
            st.builds(
                themed_row,
                st.sampled_from(ROLES * 3 + USERS),
                st.sampled_from(DOMAINS + ["*"] * 6),
                st.sampled_from(themes),
                st.sampled_from(OIDS + ["*"] * 3),
                st.sampled_from(TGTS + ["*"] * 8),
                st.sampled_from(["allow"] * 3 + ["deny"]),
            ),
            max_size=40,
        )
    )
    # Each chain's last role gets a row, or chains would rarely decide anything.
    chain_rows = []
    for dom, _, chain in chains:
        rel, typ, act = draw(st.sampled_from(themes))
        row_dom, oid = draw(st.sampled_from([dom, "*"])), draw(st.sampled_from([*OIDS, "*"]))
        chain_rows.append(p(chain[-1], row_dom, rel, typ, oid, act))
    # Exceptions carved out of allow rows: the same path denied, for one object or all, to the
    # row's subject or to one user, so that deny meets allow on the same request.
    exceptions = []
    allows = [row for row in rows + chain_rows if row.values[7] == "allow"]
    for _ in range(draw(st.integers(0, 6)) if allows else 0):
        sub, dom, rel, typ, _oid, _tgt, act, _eft = draw(st.sampled_from(allows)).values
        sub = draw(st.sampled_from([sub, sub, *USERS]))
        oid = draw(st.sampled_from(OIDS * 3 + ["*"]))
        tgt = draw(st.sampled_from(["*"] * 4 + TGTS))
        exceptions.append(p(sub, dom, rel, typ, oid, act, "deny", tgt))
    # Recusals: a user (or a role) denied everything of a target, in every domain or one, and
    # deny rows that wildcard some of relation, type and action.
    recusals = []
    for _ in range(draw(st.integers(0, 4)) if allows else 0):
        sub, dom, rel, typ, _oid, tgt, act, _eft = draw(st.sampled_from(allows)).values
        sub = draw(st.sampled_from([sub, sub, *USERS]))
        dom = draw(st.sampled_from([dom, "*"]))
        rel, typ, act = (draw(st.sampled_from([v, "*"])) for v in (rel, typ, act))
        oid = draw(st.sampled_from(["*"] * 4 + OIDS))
        tgt = tgt if tgt != "*" else draw(st.sampled_from(TGTS))
        recusals.append(p(sub, dom, rel, typ, oid, act, "deny", tgt))
    lines = assignments + inheritance + rows + chain_rows + exceptions + recusals
    duplicates = draw(st.lists(st.sampled_from(lines), max_size=5)) if lines else []
    return draw(st.permutations(lines + duplicates))


def requests(lines: list[PolicyLine]) -> st.SearchStrategy[tuple[str, ...]]:
    """Some aimed at rows (often as a user holding roles in the row's office), some anything."""
    rows = [line.values for line in lines if line.ptype == "p"]
    grants = [line.values for line in lines if line.ptype == "g"]
    row_types = sorted({row[3] for row in rows if row[3] != "*"})
    # Aim at deny rows more often: they are where a compiled index most easily goes wrong.
    aims = rows

    @st.composite
    def aimed(draw: st.DrawFn) -> tuple[str, ...]:
        sub, dom, rel, typ, oid, tgt, act, _ = draw(st.sampled_from(aims))
        if grants and draw(st.booleans()):
            sub, _, dom = draw(st.sampled_from(grants))
        elif dom == "*":
            dom = draw(st.sampled_from([*DOMAINS, "*"]))
        if oid == "*" or draw(st.booleans()):
            oid = draw(st.sampled_from([*OIDS, "*"]))
        if tgt == "*" or draw(st.integers(0, 3)) == 0:
            tgt = draw(st.sampled_from([*TGTS * 3, "", "*"]))
        # A wildcard of a deny row is met by any concrete value.
        rel = draw(st.sampled_from(RELS)) if rel == "*" else rel
        typ = draw(st.sampled_from(row_types or TYPS)) if typ == "*" else typ
        act = draw(st.sampled_from(ACTS)) if act == "*" else act
        return (sub, dom, rel, typ, oid, tgt, act)

    anything = st.tuples(
        st.sampled_from(USERS + ROLES + ODD_SUBS),
        st.sampled_from(DOMAINS + ODD_DOMS),
        st.sampled_from([*RELS, "", "*"]),
        # With a type per model, a type drawn from all of them rarely meets a row: favour the
        # policy's own types, still drawing every other now and then.
        st.sampled_from([*row_types * 4, *TYPS, "", "*"]),
        st.sampled_from(OIDS + ODD_OIDS),
        st.sampled_from(TGTS + ODD_TGTS),
        st.sampled_from([*ACTS, "", "*"]),
    )
    odd = st.just(("",) * 7)  # matches pycasbin's implicit row when p is empty
    return st.one_of(aimed(), anything, odd) if rows else st.one_of(anything, odd)


def test_compiled_policy_matches_casbin_enforce_on_random_policies() -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=POLICIES,
        deadline=None,
        derandomize=True,
        database=None,
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        lines = data.draw(policies(), label="policy")
        batch = data.draw(
            st.lists(requests(lines), min_size=REQUESTS_PER_POLICY, max_size=REQUESTS_PER_POLICY),
            label="requests",
        )
        enforcer = build_reference_enforcer(lines)
        compiled = CompiledPolicy.compile(lines)
        seen["policies"] += 1
        for request in batch:
            sub, dom, rel, typ, oid, tgt, act = request
            expected = enforcer.enforce(*request)
            assert compiled.decide(*request) == expected, request
            assert compiled.grant(sub, dom, rel, typ, act).allows(oid, tgt) == expected, request
            explanation = compiled.explain(*request)
            assert explanation.allowed == expected, request
            if expected:
                assert dom in compiled.domains_of(sub) or compiled.has_wildcard_rows(sub), request
            seen["requests"] += 1
            seen["allowed" if expected else "denied"] += 1
            if explanation.allow_rows and explanation.deny_rows:
                seen["deny overrides allow"] += 1
                if any(row.values[5] != "*" for row in explanation.deny_rows):
                    seen["target deny overrides allow"] += 1
            if any(len(path) > 1 for path in explanation.role_path.values()):
                seen["through a role chain"] += 1
            if dom.startswith("inspection:") and expected:
                seen["allowed in an inspection"] += 1
            if rel in ("mission", "after_feedback", "shared", "recipient", "target_member"):
                seen[f"{rel} {'allowed' if expected else 'denied'}"] += 1

    check()
    # Guard against a generator that silently stops exercising the interesting cases.
    assert seen["requests"] >= 10_000, seen
    assert seen["allowed"] >= 1_000 and seen["denied"] >= 1_000, seen
    assert seen["deny overrides allow"] >= 60 and seen["through a role chain"] >= 100, seen
    assert seen["target deny overrides allow"] >= 30, seen
    assert seen["allowed in an inspection"] >= 100, seen
    # Each relation computed from data (phases, shares, recipients, target side) both allowed
    # and denied.
    for rel in ("mission", "after_feedback", "shared", "recipient", "target_member"):
        assert seen[f"{rel} allowed"] >= 20 and seen[f"{rel} denied"] >= 20, seen


POLICY = parse_csv("""
# Admins see every person of their own office; inspectors read targets of subordinate offices.
p, office_admin, *, self, person, *, read, allow
p, inspector, *, subordinate, target, *, read, allow
p, user:12, office:3, self, person, 9, read, deny
g, user:12, office_admin, office:3
g, user:12, inspector, office:5
""")


@pytest.fixture(scope="module")
def compiled() -> CompiledPolicy:
    return CompiledPolicy.compile(POLICY)


def test_admin_reads_persons_of_own_office_only(compiled: CompiledPolicy) -> None:
    assert compiled.decide("user:12", "office:3", "self", "person", "7", "", "read")
    assert not compiled.decide("user:12", "office:4", "self", "person", "7", "", "read")
    assert not compiled.decide("user:12", "office:3", "subordinate", "person", "7", "", "read")
    assert not compiled.decide("user:12", "office:3", "self", "person", "7", "", "update")


def test_deny_row_on_one_person_wins_over_role_allow(compiled: CompiledPolicy) -> None:
    assert not compiled.decide("user:12", "office:3", "self", "person", "9", "", "read")
    grant = compiled.grant("user:12", "office:3", "self", "person", "read")
    assert grant == Grant(all_objects=True, allowed_oids=frozenset(), denied_oids=frozenset({"9"}))
    assert grant.allows("8") and not grant.allows("9")


def test_roles_in_two_offices_give_the_union(compiled: CompiledPolicy) -> None:
    assert compiled.domains_of("user:12") == {"office:3", "office:5"}
    assert not compiled.has_wildcard_rows("user:12")
    assert compiled.decide("user:12", "office:5", "subordinate", "target", "1", "", "read")
    assert not compiled.decide("user:12", "office:3", "subordinate", "target", "1", "", "read")
    assert not compiled.decide("user:12", "office:5", "self", "person", "7", "", "read")


def test_explain_names_the_rows_and_the_role_links(compiled: CompiledPolicy) -> None:
    explanation = compiled.explain("user:12", "office:3", "self", "person", "9", "", "read")
    assert not explanation.allowed
    assert explanation.describe() == [
        "denied by p, user:12, office:3, self, person, 9, *, read, deny",
        "allowed by p, office_admin, *, self, person, *, *, read, allow"
        " via g, user:12, office_admin, office:3",
    ]
    assert compiled.explain("user:1", "office:3", "self", "person", "9", "", "read").describe() == [
        "denied: no row matches"
    ]


def test_deny_on_every_object_leaves_an_empty_grant() -> None:
    compiled = CompiledPolicy.compile(
        [*POLICY, p("user:12", "*", "self", "person", "*", "read", "deny")]
    )
    grant = compiled.grant("user:12", "office:3", "self", "person", "read")
    assert grant.is_empty and not grant.allows("7")
    # A deny reaches every office yet grants none: it names no domain for the user.
    assert not compiled.has_wildcard_rows("user:12")


def test_user_level_row_for_every_office_and_request_oid_star() -> None:
    lines = [p("user:7", "*", "guided", "target", "4", "read")]
    compiled, enforcer = CompiledPolicy.compile(lines), build_reference_enforcer(lines)
    for dom in ("office:1", "office:20", "*"):
        assert compiled.decide("user:7", dom, "guided", "target", "4", "", "read")
    # `*` in a request is just an id: it meets rows for `*`, not "some object".
    assert not compiled.decide("user:7", "office:1", "guided", "target", "*", "", "read")
    assert not enforcer.enforce("user:7", "office:1", "guided", "target", "*", "", "read")
    assert compiled.domains_of("user:7") == frozenset() and compiled.has_wildcard_rows("user:7")


@pytest.mark.parametrize("hops", range(1, MAX_HIERARCHY_LEVEL + 2))
def test_role_chain_depth_limit_matches_casbin(hops: int) -> None:
    chain = [g("user:1", "r0", "office:1")]
    chain += [g(f"r{i}", f"r{i + 1}", "office:1") for i in range(hops)]
    lines = [*chain, p(f"r{hops - 1}", "office:1", "self", "office", "*", "read")]
    request = ("user:1", "office:1", "self", "office", "1", "", "read")
    expected = build_reference_enforcer(lines).enforce(*request)
    assert expected == (hops < MAX_HIERARCHY_LEVEL)
    assert CompiledPolicy.compile(lines).decide(*request) == expected


def test_empty_policy_allows_only_the_all_empty_request_as_casbin_does() -> None:
    lines = [g("user:1", "office_admin", "office:1")]
    enforcer, compiled = build_reference_enforcer(lines), CompiledPolicy.compile(lines)
    for request in [("",) * 7, ("user:1", "office:1", "self", "person", "1", "", "read")]:
        assert compiled.decide(*request) == enforcer.enforce(*request)
    assert compiled.decide("", "", "", "", "", "", "")
