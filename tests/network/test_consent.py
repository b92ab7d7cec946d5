"""Links are permissions: both ends consent (a proposal and its acceptance) or a common superior links.

The world: ``top`` leads ``a`` and ``b``; ``b`` guides ``a`` on the guidance line, so ``a``'s admin
can read ``b`` (relation ``guiding``) but holds no authority over it. ``b`` keeps a target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.ids import global_id
from inspectnet.network import service as network
from inspectnet.network.models import (
    LinkKind,
    OfficeLink,
    OfficeLinkProposal,
    OfficeReach,
)
from tests.conftest import Api
from tests.factories import make_office, make_target, make_user

LINK = """mutation($input: LinkOfficesInput!) { linkOffices(input: $input) {
  link { kind superior { id } subordinate { id } } userErrors { field code message } } }"""
UNLINK = """mutation($input: UnlinkOfficesInput!) { unlinkOffices(input: $input) {
  link { kind superior { id } subordinate { id } } userErrors { field code message } } }"""
PROPOSE = """mutation($input: ProposeOfficeLinkInput!) { proposeOfficeLink(input: $input) {
  proposal { id state proposer { id } addressee { id } proposedBy } userErrors { field code message } } }"""
ACCEPT = """mutation($input: OfficeLinkProposalInput!) { acceptOfficeLink(input: $input) {
  proposal { id state decidedBy } link { kind superior { id } subordinate { id } }
  userErrors { field code message } } }"""
REFUSE = """mutation($input: RefuseOfficeLinkInput!) { refuseOfficeLink(input: $input) {
  proposal { id state reason decidedBy } userErrors { field code message } } }"""
WITHDRAW = """mutation($input: OfficeLinkProposalInput!) { withdrawOfficeLink(input: $input) {
  proposal { id state decidedBy } userErrors { field code message } } }"""
PROPOSALS = """query($side: LinkProposalSide!) { linkProposals(side: $side, first: 10) {
  totalCount nodes { id state superior { id } subordinate { id } } } }"""
TARGETS = """query($id: ID!) { office(id: $id) { targets(first: 10) { totalCount } } }"""


@dataclass
class World:
    top: Any
    a: Any
    b: Any
    top_admin: str
    a_admin: str
    b_admin: str
    b_member: str
    outsider: str  # the admin of ``outside``
    outside: Any  # an office outside the world (another province's, say)

    def gid(self, office: Any) -> str:
        return global_id("Office", office.id)


@pytest.fixture
async def world(api: Api, system) -> World:  # type: ignore[no-untyped-def]
    session, actor = system
    top = await make_office(session, actor)
    a = await make_office(session, actor, superior=top)
    b = await make_office(session, actor, superior=top)
    await network.link_offices(
        session, actor, kind=LinkKind.GUIDANCE, superior_id=b.id, subordinate_id=a.id
    )
    await make_target(session, actor, b)
    outside = await make_office(session, actor)
    users = [
        await make_user(session, actor, office, role)
        for office, role in (
            (top, Role.OFFICE_ADMIN),
            (a, Role.OFFICE_ADMIN),
            (b, Role.OFFICE_ADMIN),
            (b, Role.OFFICE_MEMBER),
            (outside, Role.OFFICE_ADMIN),
        )
    ]
    await session.commit()
    await api.reload_policy()
    return World(top, a, b, *(u.username for u in users), outside)


async def _count(api: Api, model: type, *where: Any) -> int:
    async with api.app.state.graphql.database.session() as session:
        query = select(func.count()).select_from(model)
        return int(await session.scalar(query.where(*where)) or 0)


async def _links(api: Api, world: World) -> int:
    ends = [world.a.id, world.b.id]
    return await _count(
        api, OfficeLink, OfficeLink.superior_id.in_(ends), OfficeLink.subordinate_id.in_(ends)
    )


async def _targets_seen(api: Api, world: World, user: str) -> int | None:
    result = await api.gql(TARGETS, {"id": world.gid(world.b)}, user=user)
    office = result["data"]["office"]
    return office and office["targets"]["totalCount"]


def _done(action: str) -> tuple[Any, Any]:
    return AuditEntry.action == action, AuditEntry.outcome == Outcome.SUCCESS


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def _link_input(world: World, kind: str = "LEADERSHIP", **extra: str) -> dict[str, Any]:
    return {
        "input": {
            "kind": kind,
            "superiorId": world.gid(world.a),
            "subordinateId": world.gid(world.b),
            **extra,
        }
    }


async def _propose(api: Api, world: World) -> str:
    result = await api.gql(
        PROPOSE, _link_input(world, proposerId=world.gid(world.a)), user=world.a_admin
    )
    payload = result["data"]["proposeOfficeLink"]
    assert payload["userErrors"] == []
    return str(payload["proposal"]["id"])


async def test_an_admin_cannot_make_an_office_it_only_reads_its_subordinate(
    api: Api, world: World
) -> None:
    # a's admin reads b (b guides a) and once could link a → b and so read b's targets.
    assert await _targets_seen(api, world, world.a_admin) == 0
    reach_before = await _count(api, OfficeReach)
    result = await api.gql(LINK, _link_input(world), user=world.a_admin)
    assert result["data"]["linkOffices"] == {
        "link": None,
        "userErrors": [{"field": None, "code": "FORBIDDEN", "message": "无权执行此操作"}],
    }
    assert await _links(api, world) == 1  # only the guidance link b → a
    assert await _count(api, OfficeReach) == reach_before
    assert await _targets_seen(api, world, world.a_admin) == 0


async def test_an_admin_cannot_link_two_offices_it_does_not_lead_on_either_line(
    api: Api, world: World
) -> None:
    for kind in ("LEADERSHIP", "GUIDANCE"):
        result = await api.gql(LINK, _link_input(world, kind), user=world.a_admin)
        assert _codes(result["data"]["linkOffices"]) == ["FORBIDDEN"]
    assert await _links(api, world) == 1


async def test_a_proposal_accepted_by_the_other_end_makes_the_link_and_grants_the_relation(
    api: Api, world: World
) -> None:
    proposal = await _propose(api, world)
    assert await _links(api, world) == 1
    assert await _targets_seen(api, world, world.a_admin) == 0
    incoming = await api.gql(PROPOSALS, {"side": "INCOMING"}, user=world.b_admin)
    assert incoming["data"]["linkProposals"]["nodes"] == [
        {
            "id": proposal,
            "state": "PROPOSED",
            "superior": {"id": world.gid(world.a)},
            "subordinate": {"id": world.gid(world.b)},
        }
    ]
    outgoing = await api.gql(PROPOSALS, {"side": "OUTGOING"}, user=world.a_admin)
    assert [n["id"] for n in outgoing["data"]["linkProposals"]["nodes"]] == [proposal]
    # Nobody else sees it: not b's member, not a common superior that is neither end.
    for user in (world.b_member, world.top_admin):
        seen = await api.gql(PROPOSALS, {"side": "BOTH"}, user=user)
        assert seen["data"]["linkProposals"]["totalCount"] == 0
    accepted = await api.gql(ACCEPT, {"input": {"proposalId": proposal}}, user=world.b_admin)
    assert accepted["data"]["acceptOfficeLink"] == {
        "proposal": {"id": proposal, "state": "ACCEPTED", "decidedBy": world.b_admin},
        "link": {
            "kind": "LEADERSHIP",
            "superior": {"id": world.gid(world.a)},
            "subordinate": {"id": world.gid(world.b)},
        },
        "userErrors": [],
    }
    assert await _links(api, world) == 2
    assert await _targets_seen(api, world, world.a_admin) == 1
    # Proposal and acceptance are audited for each end.
    for action in ("office.link.propose", "office.link.accept"):
        for office in (world.a, world.b):
            assert (
                await _count(
                    api,
                    AuditEntry,
                    *_done(action),
                    AuditEntry.office_id == office.id,
                )
                == 1
            ), (action, office.code)


async def test_the_proposing_end_cannot_accept_its_own_proposal(api: Api, world: World) -> None:
    proposal = await _propose(api, world)
    result = await api.gql(ACCEPT, {"input": {"proposalId": proposal}}, user=world.a_admin)
    assert _codes(result["data"]["acceptOfficeLink"]) == ["NOT_FOUND"]
    member = await api.gql(ACCEPT, {"input": {"proposalId": proposal}}, user=world.b_member)
    assert _codes(member["data"]["acceptOfficeLink"]) == ["NOT_FOUND"]
    assert await _links(api, world) == 1
    assert await _count(api, OfficeLinkProposal, OfficeLinkProposal.state == "PROPOSED") == 1


async def test_a_proposal_for_an_end_the_admin_does_not_run_is_forbidden(
    api: Api, world: World
) -> None:
    # a's admin claims to propose on b's behalf.
    result = await api.gql(
        PROPOSE, _link_input(world, proposerId=world.gid(world.b)), user=world.a_admin
    )
    assert _codes(result["data"]["proposeOfficeLink"]) == ["FORBIDDEN"]
    assert await _count(api, OfficeLinkProposal) == 0


async def test_a_refused_proposal_leaves_no_link_and_cannot_be_accepted_later(
    api: Api, world: World
) -> None:
    proposal = await _propose(api, world)
    refused = await api.gql(
        REFUSE, {"input": {"proposalId": proposal, "reason": "不属于本级领导"}}, user=world.b_admin
    )
    assert refused["data"]["refuseOfficeLink"] == {
        "proposal": {
            "id": proposal,
            "state": "REFUSED",
            "reason": "不属于本级领导",
            "decidedBy": world.b_admin,
        },
        "userErrors": [],
    }
    late = await api.gql(ACCEPT, {"input": {"proposalId": proposal}}, user=world.b_admin)
    assert _codes(late["data"]["acceptOfficeLink"]) == ["PROPOSAL_CLOSED"]
    assert await _links(api, world) == 1
    assert await _targets_seen(api, world, world.a_admin) == 0
    assert await _count(api, AuditEntry, *_done("office.link.refuse")) == 2


async def test_a_withdrawn_proposal_leaves_no_link_and_cannot_be_accepted(
    api: Api, world: World
) -> None:
    proposal = await _propose(api, world)
    # The addressee cannot withdraw what it did not propose.
    other = await api.gql(WITHDRAW, {"input": {"proposalId": proposal}}, user=world.b_admin)
    assert _codes(other["data"]["withdrawOfficeLink"]) == ["FORBIDDEN"]
    withdrawn = await api.gql(WITHDRAW, {"input": {"proposalId": proposal}}, user=world.a_admin)
    assert withdrawn["data"]["withdrawOfficeLink"] == {
        "proposal": {"id": proposal, "state": "WITHDRAWN", "decidedBy": world.a_admin},
        "userErrors": [],
    }
    late = await api.gql(ACCEPT, {"input": {"proposalId": proposal}}, user=world.b_admin)
    assert _codes(late["data"]["acceptOfficeLink"]) == ["PROPOSAL_CLOSED"]
    assert await _links(api, world) == 1
    assert await _targets_seen(api, world, world.a_admin) == 0
    assert await _count(api, AuditEntry, *_done("office.link.withdraw")) == 2


async def test_a_second_open_proposal_for_the_same_link_is_a_conflict(
    api: Api, world: World
) -> None:
    await _propose(api, world)
    again = await api.gql(
        PROPOSE, _link_input(world, proposerId=world.gid(world.a)), user=world.a_admin
    )
    assert _codes(again["data"]["proposeOfficeLink"]) == ["PROPOSAL_EXISTS"]
    assert await _count(api, OfficeLinkProposal) == 1


async def test_a_common_superiors_admin_links_directly(api: Api, world: World) -> None:
    result = await api.gql(LINK, _link_input(world), user=world.top_admin)
    assert result["data"]["linkOffices"]["userErrors"] == []
    assert await _links(api, world) == 2
    assert await _targets_seen(api, world, world.a_admin) == 1
    async with api.app.state.graphql.database.session() as session:
        reach = dict(
            (
                await session.execute(
                    select(OfficeReach.ancestor_id, OfficeReach.depth).where(
                        OfficeReach.kind == LinkKind.LEADERSHIP,
                        OfficeReach.descendant_id == world.b.id,
                    )
                )
            ).all()
        )
    # b is 1 below top (directly) and 1 below a; top's own superiors are none.
    assert reach == {world.top.id: 1, world.a.id: 1}


async def test_the_subordinate_cannot_unlink_but_the_superior_end_can(
    api: Api, world: World
) -> None:
    await api.gql(LINK, _link_input(world), user=world.top_admin)
    assert await _targets_seen(api, world, world.a_admin) == 1
    refused = await api.gql(UNLINK, _link_input(world), user=world.b_admin)
    assert _codes(refused["data"]["unlinkOffices"]) == ["FORBIDDEN"]
    assert await _links(api, world) == 2
    done = await api.gql(UNLINK, _link_input(world), user=world.a_admin)
    assert done["data"]["unlinkOffices"]["userErrors"] == []
    assert await _links(api, world) == 1
    assert await _targets_seen(api, world, world.a_admin) == 0
    assert (
        await _count(
            api,
            OfficeReach,
            OfficeReach.ancestor_id == world.a.id,
            OfficeReach.descendant_id == world.b.id,
        )
        == 0
    )
    # The superior end's own superior may unlink too; a missing link is NOT_FOUND.
    again = await api.gql(UNLINK, _link_input(world), user=world.top_admin)
    assert _codes(again["data"]["unlinkOffices"]) == ["LINK_NOT_FOUND"]
    assert await _count(api, AuditEntry, *_done("office.unlink")) == 2


async def test_a_taken_office_code_is_refused_without_saying_where_it_is_used(
    api: Api, world: World
) -> None:
    query = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
      office { id } userErrors { field code message } } }"""
    result = await api.gql(
        query,
        {
            "input": {
                "superiorId": world.gid(world.a),
                "code": world.outside.code,  # an office outside the world
                "name": "新机构",
                "kind": "PATROL_OFFICE",
                "regionCode": "150204",
                "rulesetId": "nmg-2016",
            }
        },
        user=world.a_admin,
    )
    assert result["data"]["createOffice"] == {
        "office": None,
        "userErrors": [
            {
                "field": ["input", "code"],
                "code": "CODE_TAKEN",
                "message": "该代码已被使用，请换一个",
            }
        ],
    }


async def test_office_sets_past_the_bound_limit_are_looked_up_in_the_closure_with_one_answer(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspectnet.authz import scopes
    from tests.sqlcount import count_statements

    query = """query { offices(first: 100) { nodes { id } } }"""
    bound = await api.gql(query, user=world.top_admin)
    monkeypatch.setattr(scopes, "MAX_BOUND_OFFICES", 1)
    await api.reload_policy()  # a new snapshot: the predicates are built again
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        looked_up = await api.gql(query, user=world.top_admin)
    assert looked_up["data"] == bound["data"]
    assert {n["id"] for n in bound["data"]["offices"]["nodes"]} == {
        world.gid(o) for o in (world.top, world.a, world.b)
    }
    assert any("office_reach" in sql for sql in statements.sql)
    assert await _targets_seen(api, world, world.top_admin) == 1
    assert await _targets_seen(api, world, world.a_admin) == 0


async def test_a_proposal_is_a_node_its_addressee_reads_and_others_do_not_see(
    api: Api, world: World
) -> None:
    proposal = await _propose(api, world)
    query = """query($id: ID!) { node(id: $id) { id ... on OfficeLinkProposal { state } } }"""
    seen = await api.gql(query, {"id": proposal}, user=world.b_admin)
    assert seen["data"]["node"] == {"id": proposal, "state": "PROPOSED"}
    hidden = await api.gql(query, {"id": proposal}, user=world.outsider)
    assert hidden["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in hidden["errors"]] == ["NOT_FOUND"]
