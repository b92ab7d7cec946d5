"""Must show: an Inner Mongolia inspection from the hearing to a closed rectification.

The five-person group decides the use of results (nmg-2016 §28) through its seat, the party
committee consents (§29), the feedback starts the §30 clock (two reports within 2 months, to the
regional office), an overdue item turns red and notifies up the chain to the inspecting office,
and items close against evidence only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import Forbidden, RuleViolation, ValidationFailed
from inspectnet.filings import duties
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.rectification import closure, plans, service, warnings
from inspectnet.rectification import feedback as feedbacks
from inspectnet.rectification.models import (
    FedBackProblem,
    ItemState,
    PlanState,
    PostSiteDecision,
    RectificationCheck,
    RectificationDuty,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rules.deadlines import Colour
from inspectnet.rules.format import DecisionMatter, RectificationReportKind, ReportRecipient
from tests.accounts.factories import make_user
from tests.filings.factories import actor_of
from tests.rectification.factories import SIGNED_ON, make_reported_inspection

TODAY = date(2026, 11, 25)


async def _count(session: Any, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _notified(session: Any, user_id: int) -> list[tuple[NotificationKind, str | None]]:
    rows = await session.execute(
        select(Notification.kind, Notification.subject_id)
        .where(Notification.recipient_user_id == user_id)
        .order_by(Notification.id)
    )
    return [tuple(r) for r in rows]


async def test_an_nmg_inspection_goes_from_hearing_to_closed_rectification(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case = await make_reported_inspection(session, root)
    owner = await make_user(session, root, case.office, Role.OFFICE_MEMBER)
    supervisor = await make_user(session, root, case.office, Role.OFFICE_MEMBER)
    admin = await actor_of(session, policy, case.admin)
    five = await actor_of(session, policy, case.results_member)
    committee = await actor_of(session, policy, case.consent_member)
    side = await actor_of(session, policy, case.target_user)

    # The office records the hearing of the leading group (nmg-2016 §27: 及时, no deadline)
    hearing = await service.record_hearing(
        session, admin, inspection_id=case.inspection.id, held_on=TODAY, proposals="责成整改"
    )
    assert (hearing.heard_by, hearing.article) == ("leading_group", "nmg-2016 §27")
    assert await service.hearing_deadline(session, hearing) is None

    # The use of results is the five-person group's: the office admin is refused, nothing written
    with pytest.raises(Forbidden):
        await service.decide(
            session,
            admin,
            inspection_id=case.inspection.id,
            matter=DecisionMatter.RESULTS,
            decided_on=TODAY,
            text="成果运用意见",
        )
    assert await _count(session, PostSiteDecision) == 0
    results = await service.decide(
        session,
        five,
        inspection_id=case.inspection.id,
        matter=DecisionMatter.RESULTS,
        decided_on=TODAY,
        text="问题线索移交纪律检查机关，巡视结果作为干部考核的重要依据",
    )
    assert (results.decided_by, results.article) == ("five_person_group", "nmg-2016 §28")

    # Feedback waits for the party committee's consent (§29)
    deliver = {
        "inspection_id": case.inspection.id,
        "to_leadership_on": TODAY,
        "to_principal_on": TODAY,
        "signed_on": SIGNED_ON,
        "principal_name": "张书记",
        "principal_user_id": case.target_user.id,
        "problems": ["落实全面从严治党主体责任不到位"],
    }
    with pytest.raises(RuleViolation) as unconsented:
        await feedbacks.deliver_feedback(session, admin, **deliver)
    assert (unconsented.value.code, unconsented.value.article) == (
        "FEEDBACK_WITHOUT_CONSENT",
        "nmg-2016 §29",
    )
    await service.decide(
        session,
        committee,
        inspection_id=case.inspection.id,
        matter=DecisionMatter.FEEDBACK_CONSENT,
        decided_on=TODAY,
        text="同意反馈",
    )
    feedback = await feedbacks.deliver_feedback(session, admin, **deliver)
    assert (await session.get(Inspection, case.inspection.id)).stage is Stage.FED_BACK

    # The §30 duty: both reports to the regional office within 2 months of the feedback
    duty = (await session.execute(select(RectificationDuty))).scalars().one()
    assert (duty.rule_id, duty.article, duty.due_on) == (
        "deadline.rectification_report",
        "nmg-2016 §30",
        date(2027, 1, 25),
    )
    reports = await session.execute(
        select(RectificationReport.kind, RectificationReport.recipient).order_by(
            RectificationReport.id
        )
    )
    assert reports.all() == [
        (RectificationReportKind.RECTIFICATION, ReportRecipient.INSPECTING_OFFICE),
        (RectificationReportKind.PRINCIPAL, ReportRecipient.INSPECTING_OFFICE),
    ]

    # The target's account makes its plan (no team approval in nmg-2016: in force at once)
    plan_id = await _plan_id(session, case.inspection.id)
    (problem_id,) = await _problems(session, feedback.id)
    item = await plans.add_item(
        session,
        side,
        plan_id=plan_id,
        problem_id=problem_id,
        measure="召开专题会议，修订主体责任清单",
        owner_name="李主任",
        owner_user_id=owner.id,
        supervisor_name="王副书记",
        supervisor_user_id=supervisor.id,
        due_on=date(2026, 12, 5),
    )
    plan = await plans.submit_plan(session, side, plan_id=plan_id)
    assert plan.state is PlanState.APPROVED

    # Overdue by 12 days (the office is told from 10 on): red, every link of the chain told once
    late = date(2026, 12, 17)
    assert warnings.colour_of(item.due_on, late, warnings.DEFAULT) is Colour.RED
    # The sweep runs as the system under the policy in force (the office's admin holds it now).
    sweeper = Actor.system((await policy.reload(session)).compiled, name="sweep")
    swept = await duties.sweep(session, sweeper, today=late)
    assert swept.plugged == 4
    told = [(NotificationKind.RECTIFICATION_OVERDUE, global_id("RectificationItem", item.id))]
    for account in (owner, supervisor, case.target_user, case.admin):
        assert await _notified(session, account.id) == told, account.username
    assert (await duties.sweep(session, sweeper, today=late)).plugged == 0  # once each

    # Closing without evidence is refused; the target reports it done with evidence, the office
    # closes it against that evidence (对账销号)
    with pytest.raises(RuleViolation) as bare:
        await closure.close_item(session, admin, item_id=item.id, note="核查")
    assert bare.value.code == "ITEM_WITHOUT_EVIDENCE"
    with pytest.raises(ValidationFailed) as empty:
        await plans.complete_item(session, side, item_id=item.id, evidence="  ")
    assert empty.value.code == "EVIDENCE_REQUIRED"
    await plans.complete_item(session, side, item_id=item.id, evidence="专题会议纪要、修订后的清单")
    with pytest.raises(Forbidden):
        await closure.close_item(session, side, item_id=item.id, note="自行销号")
    closed = await closure.close_item(session, admin, item_id=item.id, note="经核对佐证材料属实")
    assert closed.state is ItemState.CLOSED
    assert [
        (c.closed, c.basis.value)
        for c in (await session.execute(select(RectificationCheck))).scalars()
    ] == [(True, "evidence")]
    # The reports are filed by the target; the duty is met with the second
    for kind in (RectificationReportKind.RECTIFICATION, RectificationReportKind.PRINCIPAL):
        await plans.file_report(
            session,
            side,
            duty_id=duty.id,
            kind=kind,
            recipient=ReportRecipient.INSPECTING_OFFICE,
            body="整改情况报告正文",
        )
    await session.refresh(duty)
    assert duty.met_on == TODAY


async def _plan_id(session: Any, inspection_id: int) -> int:
    return int(
        await session.scalar(
            select(RectificationPlan.id).where(RectificationPlan.inspection_id == inspection_id)
        )
    )


async def _problems(session: Any, feedback_id: int) -> list[int]:
    rows = await session.execute(
        select(FedBackProblem.id).where(FedBackProblem.feedback_id == feedback_id)
    )
    return list(rows.scalars())
