"""The SQL equals ``enforce``: the rows ``readable`` returns are exactly those Casbin allows.

Stored rows (offices in a leadership tree, targets, rosters, people, careers at targets or at
none) are weighed row by row by pycasbin's enforcer on the extended model, along every
(office, relation) the actor stands in, and a child row also by its parent, as ``require``
does. Random policies: roles and users, every relation, allows and denies by object, by
target and by both, recusal rows wildcarding relation, type and action.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import inspectnet.models  # noqa: F401 - every mapper on the registry
from inspectnet.authz.actor import Actor, office_domain, office_of_domain
from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.policy import PolicyLine, build_reference_enforcer
from inspectnet.authz.resources import office_column, office_of, parent_of, target_of, type_of
from inspectnet.authz.scopes import readable
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.network.models import Office
from inspectnet.people.models import EmploymentRecord, Person
from inspectnet.targets.models import LeadershipPost, Target
from tests.factories import make_network, make_person, make_target

MODELS: tuple[type[Any], ...] = (Office, Target, LeadershipPost, Person, EmploymentRecord)
TYPES = [type_of(m) for m in MODELS]
RELS = ["self", "subordinate", "superior", "guided", "guiding"]
ROLES = ["office_admin", "office_member", "inspector"]
USER = "user:1"
POLICIES = 60  # x every stored row of five types, per backend


def _p(*values: str) -> PolicyLine:
    return PolicyLine("p", values)


@st.composite
def policies(draw: st.DrawFn, offices: list[int], oids: list[str], tgts: list[str]) -> list:
    domains = [office_domain(o) for o in offices]
    near_root = [domains[0]] * 3 + domains
    lines: list[PolicyLine] = [
        # Often the root, so that subordinate rows reach many offices.
        PolicyLine("g", (USER, draw(st.sampled_from(ROLES)), draw(st.sampled_from(near_root))))
        for _ in range(draw(st.integers(1, 3)))
    ]
    held = [line.values[1] for line in lines]
    # A few types a policy, so rows overlap and deny meets allow.
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3))
    # Broad allows first (a held role, every office, self or below), then rows that carve.
    for typ in types:
        rel = draw(st.sampled_from(["self", "subordinate"]))
        lines.append(_p(draw(st.sampled_from(held)), "*", rel, typ, "*", "*", "read", "allow"))
    for _ in range(draw(st.integers(4, 20))):
        sub = draw(st.sampled_from([*held, *held, *held, *ROLES, USER]))
        dom = draw(st.sampled_from(["*"] * 7 + domains))
        eft = draw(st.sampled_from(["allow", "allow", "allow", "deny"]))
        oid = draw(st.sampled_from(["*"] * 6 + oids))
        tgt = draw(st.sampled_from(["*"] * 6 + tgts))
        rel = draw(st.sampled_from(["self"] * 4 + ["subordinate"] * 2 + RELS))
        typ = draw(st.sampled_from(types))
        lines.append(_p(sub, dom, rel, typ, oid, tgt, "read", eft))
    # Recusals: everything of one target, in every office, whatever relation, type or action.
    for _ in range(draw(st.integers(0, 3))):
        sub = draw(st.sampled_from([USER, USER, *held]))
        rel, typ = draw(st.sampled_from(["*", *RELS])), draw(st.sampled_from(["*", *TYPES]))
        lines.append(_p(sub, "*", rel, typ, "*", draw(st.sampled_from(tgts)), "*", "deny"))
    return lines


async def _arrange(db: Database, policy: PolicyStore) -> list[int]:
    """Seven offices in a tree, each with two targets, rosters, people and careers."""
    async with db.transaction() as session:
        system = Actor.system(policy.compiled, name="test")
        offices = await make_network(session, system, 7, fanout=2)
        rng = random.Random(5)
        for office in offices:
            await make_target(session, system, office)
            await make_target(session, system, office)
            await make_person(session, system, office)
            await make_person(session, system, office)
        await session.flush()
        # system scope: arranging the test's rows
        all_targets = list(await session.scalars(select(Target)))
        # system scope: arranging the test's rows
        ours = [o.id for o in offices]
        for person in list(await session.scalars(select(Person).where(Person.office_id.in_(ours)))):
            at = rng.choice([None, *all_targets])
            session.add(
                EmploymentRecord(
                    office_id=person.office_id,
                    person_id=person.id,
                    organisation="某单位",
                    target_id=None if at is None else at.id,
                    post="处长",
                    started_on=date(2020, 1, 1),
                )
            )
            target = rng.choice([t for t in all_targets if t.office_id == person.office_id])
            session.add(
                LeadershipPost(
                    office_id=person.office_id,
                    target_id=target.id,
                    person_id=person.id,
                    post="书记",
                    started_on=date(2021, 1, 1),
                )
            )
    async with db.session() as session:
        await policy.reload(session)  # the network closure, with the offices made above
    return ours


async def test_readable_returns_exactly_the_rows_enforce_allows(
    db: Database, policy: PolicyStore
) -> None:
    offices = await _arrange(db, policy)
    network = policy.snapshot.network
    async with db.session() as session:
        # system scope: every stored row of the test's offices, to weigh each against enforce
        rows = {
            m: list(await session.scalars(select(m).where(office_column(m).in_(offices))))
            for m in MODELS
        }
    oids = random.Random(3).sample(
        sorted({str(r.id) for found in rows.values() for r in found}), 12
    )
    tgts = [f"target:{t.id}" for t in rows[Target] if t.office_id in offices[:3]]
    seen = {"allowed": 0, "denied": 0, "by target": 0, "mixed": 0}

    async def check(lines: list[PolicyLine]) -> None:
        enforcer = build_reference_enforcer(lines)
        compiled = CompiledPolicy.compile(lines)
        actor = Actor(username="u", policy=compiled, user_id=1, network=network)
        actor_offices = [
            o for o in map(office_of_domain, compiled.domains_of(USER)) if o is not None
        ]
        memo: dict[tuple[type[Any], int], bool] = {}

        def enforce_allows(row: Any) -> bool:
            key = (type(row), row.id)
            if key in memo:
                return memo[key]
            typ, oid, tgt = type_of(type(row)), str(row.id), target_of(row)
            own = any(
                enforcer.enforce(USER, office_domain(a), rel, typ, oid, tgt, "read")
                for a, rels in network.relations_to("office", office_of(row), actor_offices).items()
                for rel in rels
            )
            parent = parent_of(type(row))
            if own and parent is not None:
                column, parent_model = parent
                [found] = [p for p in rows[parent_model] if p.id == getattr(row, column)]
                own = enforce_allows(found)
            memo[key] = own
            return own

        async with db.session() as session:
            for model in MODELS:
                listed = set(
                    await session.scalars(readable(actor, model).with_only_columns(model.id))
                )
                expected = {row.id for row in rows[model] if enforce_allows(row)}
                assert listed == expected, (model.__name__, lines)
                seen["allowed"] += len(expected)
                seen["denied"] += len(rows[model]) - len(expected)
                seen["mixed"] += 0 < len(expected) < len(rows[model])
        if any(line.values[5] != "*" for line in lines if line.ptype == "p"):
            seen["by target"] += 1
        return memo

    examples: list[list[PolicyLine]] = []

    @settings(
        max_examples=POLICIES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(lines=policies(offices, oids, tgts))
    def collect(lines: list[PolicyLine]) -> None:
        examples.append(lines)

    # Hypothesis draws the policies; the async database is asked outside its (sync) runner.
    collect()
    # And one written out: an admin at the root reads everything below, but for one target it
    # is recused from and one it reads only the roster of (allowed by target, not by type).
    root, recused, roster = office_domain(offices[0]), tgts[0], tgts[1]
    examples.append(
        [
            PolicyLine("g", (USER, "office_admin", root)),
            *(
                _p("office_admin", "*", r, t, "*", "*", "read", "allow")
                for r in RELS[:2]
                for t in TYPES
                if t != "leadership_post"
            ),
            _p(USER, "*", "*", "*", "*", recused, "*", "deny"),
            _p("office_admin", "*", "self", "leadership_post", "*", roster, "read", "allow"),
        ]
    )
    for lines in examples:
        await check(lines)
    assert seen["allowed"] >= 60 and seen["denied"] >= 1000, seen
    assert seen["mixed"] >= 15, seen  # a model with rows both shown and hidden
    assert seen["by target"] >= 10, seen
