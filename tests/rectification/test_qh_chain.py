"""Must show: a Qinghai inspection gets the three qh-zrzyt §19 deadlines, two reports and three
recipients, and dates that differ from the nmg-2016 ones as the rules say."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.store import PolicyStore
from inspectnet.errors import Conflict, Forbidden, RuleViolation
from inspectnet.filings.models import Filing, FilingState
from inspectnet.rectification import feedback as feedbacks
from inspectnet.rectification import plans, service
from inspectnet.rectification.models import (
    FedBackProblem,
    PlanState,
    RectificationDuty,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rules.deadlines import DeadlineStatus
from inspectnet.rules.format import DecisionMatter, RectificationReportKind, ReportRecipient
from tests.filings.factories import actor_of
from tests.rectification.factories import (
    QH,
    QH_ATTENDEES,
    make_fed_back_inspection,
    make_reported_inspection,
)

TODAY = date(2026, 11, 25)


async def _duties(session: Any, inspection_id: int) -> list[tuple[str, str, date]]:
    rows = await session.execute(
        select(RectificationDuty.rule_id, RectificationDuty.article, RectificationDuty.due_on)
        .where(RectificationDuty.inspection_id == inspection_id)
        .order_by(RectificationDuty.due_on)
    )
    return [tuple(r) for r in rows]


async def test_qh_hearing_has_its_deadline_and_files_the_secretarys_speech(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case = await make_reported_inspection(session, root, ruleset_id=QH)
    admin = await actor_of(session, policy, case.admin)

    hearing = await service.record_hearing(
        session, admin, inspection_id=case.inspection.id, held_on=TODAY, proposals="研究处理意见"
    )
    # qh-zrzyt §17: within 1 month of leaving the site (left and heard the same day: on time)
    deadline = await service.hearing_deadline(session, hearing)
    assert deadline is not None
    assert (deadline.article, deadline.due_on, deadline.status, deadline.days_late) == (
        "qh-zrzyt §17",
        date(2026, 12, 25),
        DeadlineStatus.MET,
        0,
    )
    # The speech and materials go to the provincial office for record: a due item in its inbox
    speech = (
        await session.execute(select(Filing).where(Filing.rule_id == "filing.hearing_speech"))
    ).scalar_one()
    assert (speech.office_id, speech.state, speech.subject_type, speech.subject_id) == (
        case.office.id,
        FilingState.DUE,
        "hearing",
        hearing.id,
    )


async def test_qh_feedback_needs_its_attendees_and_starts_three_deadlines(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case = await make_reported_inspection(session, root, ruleset_id=QH)
    admin = await actor_of(session, policy, case.admin)
    party_group = await actor_of(session, policy, case.consent_member)
    await service.record_hearing(
        session, admin, inspection_id=case.inspection.id, held_on=TODAY, proposals="处理意见"
    )
    await service.decide(
        session,
        party_group,
        inspection_id=case.inspection.id,
        matter=DecisionMatter.FEEDBACK_CONSENT,
        decided_on=TODAY,
        text="厅党组同意反馈",
    )
    deliver = {
        "inspection_id": case.inspection.id,
        "to_leadership_on": TODAY,
        "to_principal_on": TODAY,
        "signed_on": TODAY,
        "principal_name": "刘书记",
        "problems": ["巡察发现的问题一"],
    }
    # Without the discipline and personnel heads (qh-zrzyt §18): refused, nothing written
    with pytest.raises(RuleViolation) as missing:
        await feedbacks.deliver_feedback(session, admin, parties=QH_ATTENDEES[:1], **deliver)
    assert (missing.value.code, missing.value.article, missing.value.field) == (
        "FEEDBACK_ATTENDEES_MISSING",
        "qh-zrzyt §18",
        "attendees",
    )
    assert await _duties(session, case.inspection.id) == []

    await feedbacks.deliver_feedback(session, admin, parties=QH_ATTENDEES, **deliver)
    # Three deadlines of qh-zrzyt §19, where nmg-2016 §30 has one
    assert await _duties(session, case.inspection.id) == [
        ("deadline.special_meeting", "qh-zrzyt §19", date(2026, 12, 10)),
        ("deadline.rectification_plan", "qh-zrzyt §19", date(2026, 12, 25)),
        ("deadline.rectification_report", "qh-zrzyt §19", date(2027, 1, 25)),
    ]
    # Two reports, each to three recipients
    reports = await session.execute(
        select(RectificationReport.kind, RectificationReport.recipient)
        .where(RectificationReport.inspection_id == case.inspection.id)
        .order_by(RectificationReport.id)
    )
    assert reports.all() == [
        (kind, recipient)
        for kind in (
            RectificationReportKind.PARTY_ORGANISATION,
            RectificationReportKind.RECTIFICATION,
        )
        for recipient in (
            ReportRecipient.DISCIPLINE_BODY,
            ReportRecipient.PERSONNEL_DEPARTMENT,
            ReportRecipient.INSPECTING_OFFICE,
        )
    ]


async def test_qh_plan_has_its_three_lists_and_the_team_approves_it(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case, feedback = await make_fed_back_inspection(session, root, ruleset_id=QH)
    side = await actor_of(session, policy, case.target_user)
    leader = await actor_of(session, policy, case.team_leader)
    admin = await actor_of(session, policy, case.admin)
    plan = (await session.execute(select(RectificationPlan))).scalar_one()
    first, second = (
        await session.execute(
            select(FedBackProblem.id)
            .where(FedBackProblem.feedback_id == feedback.id)
            .order_by(FedBackProblem.position)
        )
    ).scalars()

    def line(problem: int) -> dict[str, Any]:
        return {
            "plan_id": plan.id,
            "problem_id": problem,
            "measure": "制定整改措施",
            "owner_name": "责任人",
            "supervisor_name": "督办领导",
            "due_on": date(2026, 12, 20),
        }

    item = await plans.add_item(session, side, **line(first))
    # The second fed-back problem has no line yet: the lists are incomplete (qh-zrzyt §19)
    with pytest.raises(RuleViolation) as incomplete:
        await plans.submit_plan(session, side, plan_id=plan.id)
    assert (incomplete.value.code, incomplete.value.article) == (
        "PLAN_LISTS_MISSING",
        "qh-zrzyt §19",
    )
    await session.refresh(plan)
    assert plan.state is PlanState.DRAFT

    await plans.add_item(session, side, **line(second))
    submitted = await plans.submit_plan(session, side, plan_id=plan.id)
    assert submitted.state is PlanState.SUBMITTED
    met = await session.scalar(
        select(RectificationDuty.met_on).where(
            RectificationDuty.rule_id == "deadline.rectification_plan"
        )
    )
    assert met == TODAY
    # Work counts only once the team approved the plan (报巡察组审定后，开始逐项落实整改)
    with pytest.raises(Conflict) as early:
        await plans.complete_item(session, side, item_id=item.id, evidence="会议纪要")
    assert early.value.code == "PLAN_NOT_APPROVED_YET"
    for refused in (admin, side):
        with pytest.raises(Forbidden):
            await plans.approve_plan(session, refused, plan_id=plan.id)
    approved = await plans.approve_plan(session, leader, plan_id=plan.id)
    assert (approved.state, approved.approved_by) == (PlanState.APPROVED, case.team_leader.id)
    done = await plans.complete_item(session, side, item_id=item.id, evidence="会议纪要")
    assert done.evidence == "会议纪要"

    # The meetings are the target's to record; the other duties are met by their own events
    meeting, plan_duty = (
        await session.execute(
            select(RectificationDuty)
            .where(
                RectificationDuty.rule_id.in_(
                    ["deadline.special_meeting", "deadline.rectification_plan"]
                )
            )
            .order_by(RectificationDuty.due_on)
        )
    ).scalars()
    with pytest.raises(Conflict) as other:
        await plans.record_meeting(session, side, duty_id=plan_duty.id, held_on=TODAY)
    assert other.value.code == "DUTY_MET_BY_ITS_EVENT"
    recorded = await plans.record_meeting(session, side, duty_id=meeting.id, held_on=TODAY)
    assert recorded.met_on == TODAY

    # The reports: a report the rule does not ask for is refused; the duty is met with the sixth
    report_duty = (
        await session.execute(
            select(RectificationDuty).where(
                RectificationDuty.rule_id == "deadline.rectification_report"
            )
        )
    ).scalar_one()
    with pytest.raises(RuleViolation) as undue:
        await plans.file_report(
            session,
            side,
            duty_id=report_duty.id,
            kind=RectificationReportKind.PRINCIPAL,
            recipient=ReportRecipient.INSPECTING_OFFICE,
            body="主要负责人报告",
        )
    assert (undue.value.code, undue.value.article) == ("REPORT_NOT_DUE", "qh-zrzyt §19")
    for kind in (RectificationReportKind.PARTY_ORGANISATION, RectificationReportKind.RECTIFICATION):
        for recipient in ReportRecipient:
            await session.refresh(report_duty)
            assert report_duty.met_on is None
            await plans.file_report(
                session, side, duty_id=report_duty.id, kind=kind, recipient=recipient, body="报告"
            )
    await session.refresh(report_duty)
    assert report_duty.met_on == TODAY
    filed = await session.scalar(select(func.count()).where(RectificationReport.filed_on == TODAY))
    assert filed == 6
