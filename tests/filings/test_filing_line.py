"""The filing line: the DNR files its annual plan to the province for approval (qh-zrzyt §3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import Position
from inspectnet.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from inspectnet.filings import service as filings
from inspectnet.filings.models import Decision, Filing, FilingDecision, FilingState
from inspectnet.ids import global_id
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from tests.factories import make_office, make_user
from tests.filings.factories import APPROVAL, actor_of, make_filing_line, make_plan


async def _count(session: Any, model: type) -> int:
    """Rows of the model made since the test began (the demo's rows come first)."""
    total = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return total - BASELINE.get(model, 0)


BASELINE: dict[type, int] = {}


@pytest.fixture(autouse=True)
async def _baseline(system: Any) -> None:
    session, _ = system
    for model in (Filing, FilingDecision):
        BASELINE[model] = int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_dnr_annual_plan_is_returned_refiled_and_approved_and_the_gate_follows(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    group = await actor_of(session, policy, line.group_member)
    plan = await make_plan(session, dnr, line)

    # Given the plan filed for approval under the DNR's own ruleset
    first = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    assert (first.number, first.state, first.mode, first.recipient, first.to_office_id) == (
        1,
        FilingState.SUBMITTED,
        "approval",
        "superior_leading_group",
        line.province.id,
    )
    assert first.snapshot["items"] == {line.target.name: {"mode": "mode.regular", "leader": "韩明"}}

    # The gate refuses a round before approval, citing the article
    with pytest.raises(RuleViolation) as refused:
        await filings.require_plan_approved(session, dnr, plan_id=plan.id)
    assert (refused.value.code, refused.value.article, refused.value.rule_id) == (
        "PLAN_NOT_APPROVED",
        "qh-zrzyt §3",
        APPROVAL,
    )

    # A return needs a reason: refused, nothing written
    with pytest.raises(ValidationFailed) as no_reason:
        await filings.decide(session, group, filing_id=first.id, decision=Decision.RETURN)
    assert (no_reason.value.code, no_reason.value.field) == ("REASON_REQUIRED", "reason")
    assert await _count(session, FilingDecision) == 0

    # The leading group returns it with a reason
    returned = await filings.decide(
        session, group, filing_id=first.id, decision=Decision.RETURN, reason="请补充责任领导分工"
    )
    await session.refresh(first)
    assert first.state is FilingState.RETURNED
    assert (returned.reason, returned.decided_by, returned.office_id) == (
        "请补充责任领导分工",
        line.group_member.id,
        line.province.id,
    )
    with pytest.raises(RuleViolation):
        await filings.require_plan_approved(session, dnr, plan_id=plan.id)

    # The same version cannot be filed twice: the working copy must change first
    with pytest.raises(Conflict) as twice:
        await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    assert twice.value.code == "ALREADY_FILED"
    assert await _count(session, Filing) == 1

    await planning.set_item(
        session,
        dnr,
        plan_id=plan.id,
        target_id=line.target.id,
        mode="mode.regular",
        leader="韩明、才让东主",
    )
    second = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    assert (second.number, second.state) == (2, FilingState.SUBMITTED)
    assert filings.compare(first, second) == [
        (f"items.{line.target.name}.leader", "韩明", "韩明、才让东主")
    ]

    # The returned version cannot be decided again
    with pytest.raises(Conflict):
        await filings.decide(session, group, filing_id=first.id, decision=Decision.APPROVE)

    approved = await filings.decide(session, group, filing_id=second.id, decision=Decision.APPROVE)
    assert approved.decision is Decision.APPROVE
    await session.refresh(second)
    assert second.state is FilingState.APPROVED
    await filings.require_plan_approved(session, dnr, plan_id=plan.id)  # passes now

    # Every version, decision, reason and actor is kept, and audited
    decisions = (
        (
            await session.execute(
                select(FilingDecision)
                .where(FilingDecision.filing_id.in_([first.id, second.id]))
                .order_by(FilingDecision.id)
            )
        )
        .scalars()
        .all()
    )
    assert [(d.filing_id, d.decision, d.reason, d.decided_by) for d in decisions] == [
        (first.id, Decision.RETURN, "请补充责任领导分工", line.group_member.id),
        (second.id, Decision.APPROVE, None, line.group_member.id),
    ]
    actions = (
        (
            await session.execute(
                select(AuditEntry.action)
                .where(
                    AuditEntry.action.like("filing.%"),
                    AuditEntry.object_id.in_(
                        [global_id("Filing", f) for f in (first.id, second.id)]
                    ),
                )
                .order_by(AuditEntry.id)
            )
        )
        .scalars()
        .all()
    )
    assert actions == ["filing.submit", "filing.return", "filing.submit", "filing.approve"]


async def test_only_the_body_the_ruleset_names_decides_and_nothing_changes_otherwise(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    province_admin = await actor_of(session, policy, line.province_admin)
    plan = await make_plan(session, dnr, line)
    filing = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)

    # The provincial office's admin reads it but is not the leading group
    with pytest.raises(Forbidden):
        await filings.decide(
            session, province_admin, filing_id=filing.id, decision=Decision.APPROVE
        )
    # The filer cannot decide its own filing
    with pytest.raises((Forbidden, NotFound)):
        await filings.decide(session, dnr, filing_id=filing.id, decision=Decision.APPROVE)
    await session.refresh(filing)
    assert filing.state is FilingState.SUBMITTED
    assert await _count(session, FilingDecision) == 0


async def test_a_plan_for_record_is_acknowledged_by_the_superior_office(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    province_admin = await actor_of(session, policy, line.province_admin)
    group = await actor_of(session, policy, line.group_member)
    plan = await make_plan(session, dnr, line)
    filing = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id="filing.annual_plan")
    assert (filing.mode, filing.recipient) == ("record", "superior_office")

    with pytest.raises(ValidationFailed) as wrong:
        await filings.decide(
            session, province_admin, filing_id=filing.id, decision=Decision.APPROVE
        )
    assert wrong.value.code == "DECISION_NOT_FOR_MODE"
    with pytest.raises(Forbidden):  # the leading group is not who 报备 goes to
        await filings.decide(session, group, filing_id=filing.id, decision=Decision.ACKNOWLEDGE)
    assert await _count(session, FilingDecision) == 0

    await filings.decide(
        session, province_admin, filing_id=filing.id, decision=Decision.ACKNOWLEDGE
    )
    await session.refresh(filing)
    assert filing.state is FilingState.ACKNOWLEDGED
    # 报备 is no approval: the gate still wants the leading group's
    with pytest.raises(RuleViolation):
        await filings.require_plan_approved(session, dnr, plan_id=plan.id)


async def test_filing_under_a_duty_the_rule_does_not_name_is_refused_and_nothing_written(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    plan = await make_plan(session, dnr, line)
    cases = [
        ("filing.term_plan", "NOT_FILED_UNDER_RULE"),  # an annual plan is not the term plan
        ("filing.central_report", "RULE_NOT_IN_RULESET"),  # the region's duty, not the DNR's
        ("filing.no_such_duty", "RULE_NOT_IN_RULESET"),
    ]
    for rule_id, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=rule_id)
        assert (refused.value.code, refused.value.field) == (code, "ruleId")
    assert await _count(session, Filing) == 0


async def test_a_pending_version_refiled_is_superseded_and_cannot_be_decided(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    group = await actor_of(session, policy, line.group_member)
    plan = await make_plan(session, dnr, line)
    first = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    await planning.set_item(
        session, dnr, plan_id=plan.id, target_id=line.target.id, mode="mode.special", leader="韩明"
    )
    second = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)
    await session.refresh(first)
    assert (first.state, second.number) == (FilingState.SUPERSEDED, 2)
    with pytest.raises(Conflict) as stale:
        await filings.decide(session, group, filing_id=first.id, decision=Decision.APPROVE)
    assert stale.value.code == "CONFLICT"
    assert await _count(session, FilingDecision) == 0


async def test_two_members_deciding_the_same_version_leave_one_decision_and_one_conflict(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    head = await make_user(session, root, line.province, Role.OFFICE_MEMBER)
    await bodies.seat_member(
        session, root, body_id=line.group.id, user_id=head.id, position=Position.HEAD
    )
    dnr = await actor_of(session, policy, line.dnr_admin)
    member = await actor_of(session, policy, line.group_member)
    chair = await actor_of(session, policy, head)
    plan = await make_plan(session, dnr, line)
    filing_id = (await filings.file_plan(session, dnr, plan_id=plan.id, rule_id=APPROVAL)).id

    # Both read the version as submitted; the database lets one transition win
    seen_by_member = await filings.get_filing(session, member, filing_id=filing_id)
    seen_by_chair = await filings.get_filing(session, chair, filing_id=filing_id)
    assert seen_by_member.state is seen_by_chair.state is FilingState.SUBMITTED
    await filings.decide(session, member, filing_id=filing_id, decision=Decision.APPROVE)
    with pytest.raises(Conflict) as lost:
        await filings.decide(
            session, chair, filing_id=filing_id, decision=Decision.RETURN, reason="不同意"
        )
    assert lost.value.code == "CONFLICT"
    assert lost.value.extensions()["currentState"] == "approved"
    rows = (
        (await session.execute(select(FilingDecision).where(FilingDecision.filing_id == filing_id)))
        .scalars()
        .all()
    )
    assert [(r.decision, r.decided_by) for r in rows] == [(Decision.APPROVE, line.group_member.id)]


async def test_a_plan_the_office_does_not_own_cannot_be_filed_and_nothing_is_written(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    province = await actor_of(session, policy, line.province_admin)
    stranger = await actor_of(
        session, policy, await make_user(session, root, await make_office(session, root))
    )
    plan = await make_plan(session, dnr, line)
    # Neither the superior (which counts the DNR's plans but reads none) nor a stranger files it
    for actor in (province, stranger):
        with pytest.raises(NotFound) as refused:
            await filings.file_plan(session, actor, plan_id=plan.id, rule_id=APPROVAL)
        assert refused.value.code == "NOT_FOUND"
    assert await _count(session, Filing) == 0


async def test_a_filing_goes_to_the_filers_direct_superior_never_further_up(
    system: Any, policy: PolicyStore
) -> None:
    # A unit under the DNR files under the DNR's ruleset: to the DNR, not to the province
    session, root = system
    line = await make_filing_line(session, root)
    unit = await make_office(session, root, superior=line.dnr, ruleset_id="qh-zrzyt")
    admin = await actor_of(session, policy, await make_user(session, root, unit))
    plan = await planning.create_plan(
        session,
        admin,
        office_id=unit.id,
        kind=PlanKind.ANNUAL,
        title="下属单位年度计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    filing = await filings.file_plan(session, admin, plan_id=plan.id, rule_id="filing.annual_plan")
    assert (filing.office_id, filing.to_office_id) == (unit.id, line.dnr.id)
    # Filed twice for the same version: refused, nothing more written
    with pytest.raises(Conflict) as twice:
        await filings.file_plan(session, admin, plan_id=plan.id, rule_id="filing.annual_plan")
    assert twice.value.code == "ALREADY_FILED"
    assert await _count(session, Filing) == 1
