"""The SQL equals ``enforce`` for the relations computed from data, on SQLite and PostgreSQL.

Beside the network (test_sql_equals_enforce.py): inspections in every phase (a team role in
``inspection:N`` weighed through ``mission`` or ``after_feedback``, nothing once archived),
shares (``shared``: the receiving office reads exactly the shared rows), filings addressed to an
office (``recipient``: the office filed to, never the one above it), target-side users
(``target_member``, only models marked for the target side), and recusal-style denies. For
random policies, the rows ``readable`` returns are exactly those pycasbin's enforcer allows
along every (scope, root, relation) path the door weighs, and a child only with its parent.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

import inspectnet.models  # noqa: F401 - every mapper on the registry
from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.compiled import CompiledPolicy
from inspectnet.authz.policy import PolicyLine, build_reference_enforcer
from inspectnet.authz.resources import parent_of, target_of, type_of
from inspectnet.authz.scopes import readable
from inspectnet.authz.shares import share_object
from inspectnet.authz.sources import (
    INSPECTION,
    OFFICE,
    RECIPIENT,
    SCOPES,
    SHARED,
    TARGET,
    domain_of,
    recipient_of,
    root_of,
    scope_values,
)
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.filings.models import Filing, FilingState
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment, TeamContact, TeamRole
from inspectnet.targets.models import Target
from tests.factories import make_network, make_target, make_user
from tests.inspections.factories import make_assignment, make_inspection, move_to

MODELS: tuple[type[Any], ...] = (Inspection, TeamAssignment, TeamContact, Target, Filing)
TYPES = [type_of(m) for m in MODELS]
RELS = ["self", "subordinate", "mission", "after_feedback", "shared", "recipient", "target_member"]
ROLES = ["office_admin", "office_member", "team_leader", "team_member", "target_user"]
USER = "user:1"
POLICIES = 100
STAGES = [Stage.PLANNED, Stage.ON_SITE, Stage.FED_BACK, Stage.ARCHIVED]


def _p(*values: str) -> PolicyLine:
    return PolicyLine("p", values)


# Which roles are held in which kind of domain, and the relations weighed there.
KINDS = {
    "office": (["office_admin", "office_member"], ["self", "subordinate", "shared", "recipient"]),
    "inspection": (["team_leader", "team_member"], ["mission", "after_feedback"]),
    "target": (["target_user"], ["target_member"]),
}


@st.composite
def policies(draw: st.DrawFn, domains: list[str], oids: list[str], tgts: list[str]) -> list:
    lines: list[PolicyLine] = []
    for _ in range(draw(st.integers(2, 6))):
        dom = draw(st.sampled_from(domains))
        roles, rels = KINDS[dom.split(":")[0]]
        role = draw(st.sampled_from(roles))
        lines.append(PolicyLine("g", (USER, role, dom)))
        # What the role reads there: a few types through a relation of its kind.
        for typ in draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3)):
            rel = draw(st.sampled_from(rels))
            lines.append(_p(role, "*", rel, typ, "*", "*", "read", "allow"))
    held = [line.values[1] for line in lines if line.ptype == "g"]
    for _ in range(draw(st.integers(0, 10))):
        eft = draw(st.sampled_from(["allow", "allow", "deny"]))
        lines.append(
            _p(
                draw(st.sampled_from([*held, USER])),
                draw(st.sampled_from(["*"] * 3 + domains)),
                draw(st.sampled_from(RELS)),
                draw(st.sampled_from(TYPES)),
                draw(st.sampled_from(["*"] * 3 + oids)),
                draw(st.sampled_from(["*"] * 3 + tgts)),
                "read",
                eft,
            )
        )
    for _ in range(draw(st.integers(0, 2))):  # recusals
        lines.append(_p(USER, "*", "*", "*", "*", draw(st.sampled_from(tgts)), "*", "deny"))
    return lines


def _filing(n: int, office_id: int, to_office_id: int) -> dict[str, Any]:
    return {
        "office_id": office_id,
        "to_office_id": to_office_id,
        "rule_id": "filing.liaison_report",
        "ruleset_id": "nmg-2016",
        "mode": "record",
        "recipient": "superior_office",
        "subject_type": "report",
        "subject_id": n,
        "subject_version": 1,
        "series_key": f"door_sql:{n}",
        "number": 1,
        "title": f"报告{n}",
        "state": FilingState.DUE,
        "version": 1,
    }


async def _arrange(db: Database, policy: PolicyStore) -> dict[str, Any]:
    """Five offices; each target inspected, in a stage of its own; a team; some shares."""
    async with db.transaction() as session:
        system = Actor.system(policy.compiled, name="test")
        offices = await make_network(session, system, 5, fanout=2)
        rng = random.Random(7)
        for office in offices:
            await make_target(session, system, office)
            await make_target(session, system, office)
        ours = [o.id for o in offices]
        # system scope: arranging the test's rows
        targets = list(await session.scalars(select(Target).where(Target.office_id.in_(ours))))
        user = await make_user(session, system, offices[1], username="door_sql_user")
        inspections = []
        for index, target in enumerate(targets):
            inspection = await make_inspection(session, system, target.id)
            await make_assignment(
                session, system, inspection, user.id, TeamRole.MEMBER, phone="0471-1"
            )
            await move_to(session, system, inspection, STAGES[index % len(STAGES)])
            inspections.append(inspection)
        for inspection in rng.sample(inspections, 4):
            receiver = rng.choice([o for o in ours if o != inspection.office_id])
            await share_object(
                session, system, obj=inspection, office_id=receiver, reason="移交测试"
            )
        # Each office files twice to its superior; one files past it, straight to the top.
        superiors = {3: 1, 4: 1, 1: 0, 2: 0}
        filings = [(i, superior) for i, superior in superiors.items() for _ in range(2)]
        filings.append((3, 0))
        await session.execute(
            insert(Filing),
            [_filing(n, ours[i], ours[to]) for n, (i, to) in enumerate(filings)],
        )
    async with db.session() as session:
        await policy.reload(session)
        # system scope: the account the random policies' USER stands for
        account = await session.get(UserAccount, user.id)
    assert account is not None
    return {"offices": ours, "targets": [t.id for t in targets], "inspections": inspections}


async def test_readable_equals_enforce_for_phases_shares_and_target_side(
    db: Database, policy: PolicyStore
) -> None:
    world = await _arrange(db, policy)
    relations = policy.snapshot.network
    async with db.session() as session:
        # system scope: every stored row of the test's offices, to weigh each against enforce
        rows = {
            m: list(await session.scalars(select(m).where(m.office_id.in_(world["offices"]))))
            for m in MODELS
        }
    domains = (
        [domain_of(OFFICE, o) for o in world["offices"]]
        + [domain_of(INSPECTION, i.id) for i in world["inspections"]]
        + [domain_of(TARGET, t) for t in world["targets"]]
    )
    # Few inspections are fed back: drawn more often, so after_feedback decides some rows.
    domains += [
        domain_of(INSPECTION, i.id) for i in world["inspections"] if i.stage is Stage.FED_BACK
    ] * 4
    # So are the offices filed to, so recipient decides some filings.
    domains += [domain_of(OFFICE, o) for o in world["offices"][:2]] * 4
    oids = sorted({str(r.id) for found in rows.values() for r in found})[:10]
    tgts = [f"target:{t}" for t in world["targets"][:4]]
    seen = {"allowed": 0, "denied": 0, "mixed": 0}

    async def check(lines: list[PolicyLine]) -> None:
        enforcer = build_reference_enforcer(lines)
        compiled = CompiledPolicy.compile(lines)
        actor = Actor(username="u", policy=compiled, user_id=1, network=relations)
        roots = {
            scope: {r for r in map(lambda d: root_of(scope, d), compiled.domains_of(USER)) if r}
            for scope in SCOPES
        }
        memo: dict[tuple[type[Any], int], bool] = {}

        def allows(row: Any) -> bool:
            key = (type(row), row.id)
            if key in memo:
                return memo[key]
            typ, oid, tgt = type_of(type(row)), str(row.id), target_of(row)
            paths = [
                (domain_of(scope, root), rel)
                for scope, value in scope_values(row).items()
                for root, rels in relations.relations_to(scope, value, roots[scope]).items()
                for rel in rels
            ]
            paths += [
                (domain_of(OFFICE, root), SHARED)
                for root in roots[OFFICE]
                if row.id in relations.shared_with(root, typ)
            ]
            if recipient_of(row) in roots[OFFICE]:
                paths.append((domain_of(OFFICE, recipient_of(row)), RECIPIENT))
            through = {
                rel for d, rel in paths if enforcer.enforce(USER, d, rel, typ, oid, tgt, "read")
            }
            own = bool(through)
            for rel in through:
                seen[f"via {rel}"] = seen.get(f"via {rel}", 0) + 1
            parent = parent_of(type(row))
            if own and parent is not None:
                column, parent_model = parent
                [found] = [p for p in rows[parent_model] if p.id == getattr(row, column)]
                own = allows(found)
            memo[key] = own
            return own

        async with db.session() as session:
            for model in MODELS:
                listed = set(
                    await session.scalars(readable(actor, model).with_only_columns(model.id))
                )
                expected = {row.id for row in rows[model] if allows(row)}
                assert listed == expected, (model.__name__, lines)
                seen["allowed"] += len(expected)
                seen["denied"] += len(rows[model]) - len(expected)
                seen["mixed"] += 0 < len(expected) < len(rows[model])

    examples: list[list[PolicyLine]] = []

    @settings(
        max_examples=POLICIES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(lines=policies(domains, oids, tgts))
    def collect(lines: list[PolicyLine]) -> None:
        examples.append(lines)

    collect()
    for lines in examples:
        await check(lines)
    assert seen["allowed"] >= 40 and seen["denied"] >= 200, seen
    assert seen["mixed"] >= 10, seen
    # Each relation computed from data allowed some row (a phase, a share, a recipient, the
    # target side).
    for rel in ("mission", "after_feedback", "shared", "recipient", "target_member"):
        assert seen.get(f"via {rel}", 0) >= 3, str(seen)
