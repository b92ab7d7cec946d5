"""A plan is approved by the body its office's ruleset names (plan_approval: the leading group,
qh-zrzyt §6(2)), through the door's require_body: an admin off the body, a member of another
body, or of the same body of another office is refused and nothing changes; an edit after the
approval leaves the new version unapproved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies import repository as bodies_repository
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.concurrency import StaleVersion
from inspectnet.errors import Conflict, Forbidden, NotFound
from inspectnet.ids import global_id
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from tests.conftest import Api
from tests.factories import make_user
from tests.filings.factories import actor_of, make_filing_line


async def _seat(session: Any, root: Any, office: Any, kind: BodyKind) -> Any:
    body = await bodies_repository.find_body(session, root, office.id, kind)
    if body is None:
        body = await bodies.create_body(
            session, root, office_id=office.id, kind=kind, name=f"{kind.value}测试"
        )
    account = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await bodies.seat_member(
        session, root, body_id=body.id, user_id=account.id, position=Position.MEMBER
    )
    return account


async def _approvals(session: Any) -> int:
    # test check: every audit entry of an approval
    found = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "plan.approve")
    )
    return int(found or 0)


async def test_only_the_named_body_approves_a_plan_and_an_edit_unapproves_it(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr, province = line.dnr, line.province
    member = await _seat(session, root, dnr, BodyKind.LEADING_GROUP)
    five = await _seat(session, root, dnr, BodyKind.FIVE_PERSON_GROUP)
    elsewhere = await _seat(session, root, province, BodyKind.LEADING_GROUP)
    admin = await actor_of(session, policy, await make_user(session, root, dnr))
    plan = await planning.create_plan(
        session,
        admin,
        office_id=dnr.id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    before = await _approvals(session)
    refused = {
        "office admin": (admin, Forbidden),
        "five-person group": (await actor_of(session, policy, five), Forbidden),
        "province leading group": (await actor_of(session, policy, elsewhere), NotFound),
    }
    for who, (actor, error) in refused.items():
        with pytest.raises(error):
            await planning.approve_plan(session, actor, plan_id=plan.id, version=plan.version)
        await session.refresh(plan)
        assert (plan.is_approved, plan.approved_by) == (False, None), who
    assert await _approvals(session) == before

    group = await actor_of(session, policy, member)
    with pytest.raises(StaleVersion):  # the body approves the copy it reviewed, not a newer one
        await planning.approve_plan(session, group, plan_id=plan.id, version=plan.version + 1)
    approved = await planning.approve_plan(session, group, plan_id=plan.id, version=plan.version)
    assert approved.is_approved and approved.approved_by == member.id
    assert await _approvals(session) == before + 1
    with pytest.raises(Conflict) as twice:
        await planning.approve_plan(session, group, plan_id=plan.id, version=approved.version)
    assert twice.value.code == "ALREADY_APPROVED"

    await planning.update_plan(
        session,
        admin,
        plan_id=plan.id,
        version=approved.version,
        title="2027年度巡察工作计划（修订）",
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )
    assert not plan.is_approved  # the edited copy awaits a new approval


async def test_a_qinghai_term_plan_is_made_by_the_party_group_not_the_leading_group(
    system: Any, policy: PolicyStore
) -> None:
    # qh-zrzyt §3: 厅党组…制定巡察工作规划; the leading group proposes it (§6(2)) but does not decide
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    group = await _seat(session, root, dnr, BodyKind.LEADING_GROUP)
    party = await _seat(session, root, dnr, BodyKind.PARTY_GROUP)
    admin = await actor_of(session, policy, await make_user(session, root, dnr))
    plan = await planning.create_plan(
        session,
        admin,
        office_id=dnr.id,
        kind=PlanKind.TERM,
        title="2026—2030年巡察工作规划",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 12, 31),
    )
    before = await _approvals(session)
    with pytest.raises(Forbidden):
        await planning.approve_plan(
            session, await actor_of(session, policy, group), plan_id=plan.id, version=plan.version
        )
    await session.refresh(plan)
    assert not plan.is_approved and await _approvals(session) == before
    approved = await planning.approve_plan(
        session, await actor_of(session, policy, party), plan_id=plan.id, version=plan.version
    )
    assert approved.is_approved and approved.approved_by == party.id


APPROVE = """mutation($input: ApprovePlanInput!) { approvePlan(input: $input) {
  plan { version approved approvedAt approvedBy { username } } userErrors { code field } } }"""


async def test_approve_plan_over_graphql_answers_with_user_errors(api: Api, system: Any) -> None:
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    member = await _seat(session, root, dnr, BodyKind.PARTY_GROUP)  # a term plan (qh-zrzyt §3)
    admin = await make_user(session, root, dnr)
    plan = await planning.create_plan(
        session,
        root,
        office_id=dnr.id,
        kind=PlanKind.TERM,
        title="2026—2030年巡察工作规划",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 12, 31),
    )
    await session.commit()
    await api.reload_policy()
    variables = {"input": {"planId": global_id("Plan", plan.id), "version": 1}}
    refused = await api.gql(APPROVE, variables, user=admin.username)
    assert refused["data"]["approvePlan"] == {
        "plan": None,
        "userErrors": [{"code": "FORBIDDEN", "field": None}],
    }
    done = (await api.gql(APPROVE, variables, user=member.username))["data"]["approvePlan"]
    assert done["userErrors"] == []
    assert {k: done["plan"][k] for k in ("version", "approved")} == {
        "version": 2,
        "approved": True,
    }
    assert done["plan"]["approvedAt"] is not None
    # Who approved, as the office's admin reads it (a seat on the body reads no accounts).
    seen = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Plan { approvedBy { username } } } }",
        {"id": global_id("Plan", plan.id)},
        user=admin.username,
    )
    assert seen["data"]["node"] == {"approvedBy": {"username": member.username}}
