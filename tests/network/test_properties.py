"""Property: random link, unlink, propose and answer operations by random admins, some at once.

After every batch both lines are acyclic and the closure table equals a recomputation from the
links; and no link appears that neither its actor (as a common superior of both ends) nor both
ends (a proposal by one, accepted by the other) created, as judged on the network the batch
started from. A refused operation changes nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.errors import DomainError
from inspectnet.network import service as network
from inspectnet.network.graph import closure_of
from inspectnet.network.models import LinkKind, OfficeKind, OfficeLink, OfficeReach
from tests.conftest import Backend
from tests.factories import make_office, make_user
from tests.network.conftest import system_actor

# Offices by index: two regions, each a top office with two offices under it.
TOPS = (0, 3)
SHAPE = {1: 0, 2: 0, 4: 3, 5: 3}  # office -> its superior (leadership) at the start
N = 6
ADDRESSEE, PROPOSER = -1, -2  # an answer's actor named by its part in the proposal
KINDS = list(LinkKind)
Link = tuple[LinkKind, int, int]  # kind, superior index, subordinate index

SEEN: Counter[str] = Counter()  # outcomes over the run, to see what the generator reaches


def _writes(offices: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[Any, ...]]:
    """Link, unlink and propose with actor and ends drawn from ``offices``."""
    ends = st.tuples(offices, offices)
    return st.one_of(
        st.tuples(st.just("link"), offices, st.sampled_from(KINDS), ends),
        st.tuples(st.just("unlink"), offices, st.sampled_from(KINDS), ends),
        st.tuples(st.just("propose"), offices, st.sampled_from(KINDS), ends, st.booleans()),
        _proposals(offices),
    )


def _proposals(offices: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[Any, ...]]:
    """Proposed by the admin of the end it names as proposer (the case that can succeed)."""
    ends = st.tuples(offices, offices).filter(lambda e: e[0] != e[1])
    return st.tuples(st.sampled_from(KINDS), ends, st.booleans()).map(
        lambda t: ("propose", t[1][0] if t[2] else t[1][1], t[0], t[1], t[2])
    )


# Mostly within one region (where admins can see each other, so operations get that far),
# sometimes across the whole platform.
writes = st.one_of(
    *(_writes(st.integers(top, top + 2)) for top in TOPS), _writes(st.integers(0, N - 1))
)
# The actor of an answer: often the proposal's own ends (so answers do succeed), or anyone.
answers = st.tuples(
    st.sampled_from(["accept", "refuse", "withdraw"]),
    st.one_of(st.sampled_from([ADDRESSEE, ADDRESSEE, PROPOSER]), st.integers(0, N - 1)),
    st.integers(0, 20),
)
# Two writes to an answer (one_of would flatten ``writes`` and make answers one branch in many).
operation = st.integers(0, 2).flatmap(lambda i: answers if i == 0 else writes)
# Every run opens with proposals inside a region, so that answers have something to answer.
opening = st.lists(
    st.one_of(*(_proposals(st.integers(t, t + 2)) for t in TOPS)), min_size=2, max_size=3
)
batches = st.lists(st.lists(operation, min_size=1, max_size=3), min_size=3, max_size=7)


@dataclass
class Proposal:
    pk: int
    kind: LinkKind
    superior: int
    subordinate: int
    proposer: int  # the end that proposed (by index), its admin being the one who did
    addressee: int


@dataclass
class Example:
    database: Database
    settings: Any
    ids: list[int]  # office index -> id
    accounts: list[tuple[str, int]]  # office index -> its admin (username, user id)
    proposals: list[Proposal] = field(default_factory=list)

    def index(self, office_id: int) -> int:
        return self.ids.index(office_id)


async def _setup(committed: Backend) -> Example:
    database = Database(committed.engine)
    system = await system_actor(database, committed)
    async with database.transaction(write=True) as session:
        offices = []
        for i in range(N):
            superior = offices[SHAPE[i]] if i in SHAPE else None
            kind = OfficeKind.REGIONAL_OFFICE if i in TOPS else OfficeKind.PATROL_OFFICE
            offices.append(await make_office(session, system, superior=superior, kind=kind))
        users = [await make_user(session, system, o, Role.OFFICE_ADMIN) for o in offices]
    return Example(
        database, committed.settings, [o.id for o in offices], [(u.username, u.id) for u in users]
    )


async def _actors(example: Example) -> list[Actor]:
    """Each office's admin as sign-in would make it: the policy and network as now committed."""
    store = PolicyStore(example.settings.policy_dir)
    async with example.database.session() as session:
        snapshot = await store.reload(session)
    return [
        Actor(
            username=name,
            policy=snapshot.compiled,
            user_id=user_id,
            home_office_id=example.ids[i],
            network=snapshot.network,
        )
        for i, (name, user_id) in enumerate(example.accounts)
    ]


async def _links(example: Example) -> set[Link]:
    async with example.database.session() as session:
        rows = (
            await session.execute(
                select(OfficeLink.kind, OfficeLink.superior_id, OfficeLink.subordinate_id).where(
                    OfficeLink.superior_id.in_(example.ids)
                )
            )
        ).all()
    return {(LinkKind(k), example.index(a), example.index(b)) for k, a, b in rows}


def _at_or_above(links: set[Link], office: int) -> set[int]:
    """Offices at or above ``office`` on the leadership line."""
    found, frontier = {office}, [office]
    while frontier:
        below = frontier.pop()
        for kind, superior, subordinate in links:
            if kind is LinkKind.LEADERSHIP and subordinate == below and superior not in found:
                found.add(superior)
                frontier.append(superior)
    return found


def _with_actor(example: Example, op: tuple[Any, ...]) -> tuple[Any, ...]:
    """The operation with its actor as an office index (answers may name a proposal's end)."""
    if op[1] >= 0:
        return op
    if not example.proposals:
        return (op[0], 0, *op[2:])
    proposal = example.proposals[op[2] % len(example.proposals)]
    return (op[0], proposal.addressee if op[1] == ADDRESSEE else proposal.proposer, *op[2:])


async def _run(example: Example, actor: Actor, op: tuple[Any, ...]) -> Any:
    """One operation in its own write transaction, as a request: its outcome for the model."""
    name = op[0]
    try:
        async with example.database.transaction(write=True) as session:
            if name in ("link", "unlink", "propose"):
                kind, (sup, sub) = op[2], op[3]
                common = {
                    "kind": kind,
                    "superior_id": example.ids[sup],
                    "subordinate_id": example.ids[sub],
                }
                if name == "link":
                    await network.link_offices(session, actor, **common)
                    return ("linked", (kind, sup, sub))
                if name == "unlink":
                    await network.unlink_offices(session, actor, **common)
                    return ("unlinked", (kind, sup, sub))
                proposer = sup if op[4] else sub
                made = await network.propose_link(
                    session, actor, proposer_id=example.ids[proposer], **common
                )
                return (
                    "proposed",
                    Proposal(made.id, kind, sup, sub, proposer, sub if proposer == sup else sup),
                )
            if not example.proposals:
                return ("skipped", None)
            proposal = example.proposals[op[2] % len(example.proposals)]
            if name == "accept":
                await network.accept_link(session, actor, proposal.pk)
                return ("accepted", proposal)
            if name == "refuse":
                await network.refuse_link(session, actor, proposal.pk, reason="不同意")
                return ("refused_proposal", proposal)
            await network.withdraw_link(session, actor, proposal.pk)
            return ("withdrawn", proposal)
    except DomainError as error:
        return ("refused", error.code)


async def _check_closure(database: Database) -> None:
    async with database.session() as session:
        for kind in LinkKind:
            links = (
                await session.execute(
                    select(OfficeLink.superior_id, OfficeLink.subordinate_id).where(
                        OfficeLink.kind == kind
                    )
                )
            ).all()
            stored = {
                (a, d): depth
                for a, d, depth in (
                    await session.execute(
                        select(
                            OfficeReach.ancestor_id, OfficeReach.descendant_id, OfficeReach.depth
                        ).where(OfficeReach.kind == kind)
                    )
                ).all()
            }
            assert stored == closure_of(links), kind
            # A DAG: nothing reaches itself, so no walk or lookup can go round forever.
            assert not any((d, a) in stored for a, d in stored), f"cycle on {kind}"


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=opening, plan=batches)
async def test_random_link_operations_keep_the_lines_acyclic_closed_and_consented(
    committed: Backend, first: list[tuple[Any, ...]], plan: list[list[tuple[Any, ...]]]
) -> None:
    example = await _setup(committed)
    for batch in [first, *plan]:
        before = await _links(example)
        actors = await _actors(example)
        batch = [_with_actor(example, op) for op in batch]
        outcomes = await asyncio.gather(*(_run(example, actors[op[1]], op) for op in batch))
        after = await _links(example)
        made: set[Link] = set()
        removed: set[Link] = set()
        for op, (what, detail) in zip(batch, outcomes, strict=True):
            actor = op[1]
            if what == "linked":
                _kind, sup, sub = detail
                # Only a common superior (at or above both ends) links directly.
                assert actor in _at_or_above(before, sup) & _at_or_above(before, sub), op
                made.add(detail)
            elif what == "unlinked":
                # The superior end or one above it; never the subordinate alone.
                assert actor in _at_or_above(before, detail[1]), op
                removed.add(detail)
            elif what == "proposed":
                assert actor == detail.proposer, op
                example.proposals.append(detail)
            elif what == "accepted":
                # Proposed by one end's admin, accepted by the other end's.
                assert actor == detail.addressee, op
                made.add((detail.kind, detail.superior, detail.subordinate))
            elif what == "refused_proposal":
                assert actor == detail.addressee, op
            elif what == "withdrawn":
                assert actor == detail.proposer, op
            SEEN[what if what != "refused" else detail] += 1
        assert after - before <= made, (batch, outcomes)
        assert before - after <= removed, (batch, outcomes)
        await _check_closure(example.database)
