"""Bad input after the site: refused with its code, article and Chinese message; nothing written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.store import PolicyStore
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.errors import Conflict, Forbidden, RuleViolation
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.rectification import closure, plans, service
from inspectnet.rectification import feedback as feedbacks
from inspectnet.rectification.feedback import Party
from inspectnet.rectification.models import (
    CheckBasis,
    Feedback,
    FeedbackParty,
    ItemState,
    PartyRole,
    PostSiteDecision,
    RectificationCheck,
    RectificationDuty,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rules.format import DecisionMatter, RectificationReportKind, ReportRecipient
from tests.bodies.factories import make_body
from tests.filings.factories import actor_of
from tests.rectification.factories import (
    make_fed_back_inspection,
    make_items,
    make_reported_inspection,
)

TODAY = date(2026, 11, 25)
FEEDBACK = {
    "to_leadership_on": TODAY,
    "to_principal_on": TODAY,
    "signed_on": TODAY,
    "principal_name": "张书记",
    "problems": ["问题一"],
}


async def _count(session: Any, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_feedback_before_the_hearing_or_a_decision_before_it_is_refused(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case = await make_reported_inspection(session, root)
    admin = await actor_of(session, policy, case.admin)
    committee = await actor_of(session, policy, case.consent_member)

    with pytest.raises(RuleViolation) as early:
        await feedbacks.deliver_feedback(
            session, admin, inspection_id=case.inspection.id, **FEEDBACK
        )
    assert (early.value.code, early.value.article, early.value.message) == (
        "FEEDBACK_BEFORE_HEARING",
        "nmg-2016 §27",
        "尚未听取巡视巡察情况汇报，不能反馈（nmg-2016 §27）",
    )
    with pytest.raises(RuleViolation) as undecided:
        await service.decide(
            session,
            committee,
            inspection_id=case.inspection.id,
            matter=DecisionMatter.FEEDBACK_CONSENT,
            decided_on=TODAY,
            text="同意",
        )
    assert undecided.value.code == "DECISION_BEFORE_HEARING"
    assert (await _count(session, Feedback), await _count(session, PostSiteDecision)) == (0, 0)
    assert (await session.get(Inspection, case.inspection.id)).stage is Stage.REPORTED


async def test_another_body_cannot_consent_and_circulation_needs_the_leading_groups_request(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case = await make_reported_inspection(session, root)
    admin = await actor_of(session, policy, case.admin)
    five = await actor_of(session, policy, case.results_member)
    await service.record_hearing(
        session, admin, inspection_id=case.inspection.id, held_on=TODAY, proposals="处理意见"
    )
    # The five-person group decides the use of results, not the consent (nmg-2016 §29)
    with pytest.raises(Forbidden):
        await service.decide(
            session,
            five,
            inspection_id=case.inspection.id,
            matter=DecisionMatter.FEEDBACK_CONSENT,
            decided_on=TODAY,
            text="同意",
        )
    assert await _count(session, PostSiteDecision) == 0
    committee = await actor_of(session, policy, case.consent_member)
    await service.decide(
        session,
        committee,
        inspection_id=case.inspection.id,
        matter=DecisionMatter.FEEDBACK_CONSENT,
        decided_on=TODAY,
        text="同意",
    )
    circulated = [Party(PartyRole.CIRCULATED, "自治区纪委监委")]
    with pytest.raises(RuleViolation) as unasked:
        await feedbacks.deliver_feedback(
            session, admin, inspection_id=case.inspection.id, parties=circulated, **FEEDBACK
        )
    assert (unasked.value.code, unasked.value.article) == (
        "CIRCULATION_WITHOUT_DECISION",
        "nmg-2016 §29",
    )
    assert await _count(session, Feedback) == 0

    group = await make_body(session, root, case.office, BodyKind.LEADING_GROUP, (Position.HEAD,))
    head = await actor_of(session, policy, group.members[0])
    await service.decide(
        session,
        head,
        inspection_id=case.inspection.id,
        matter=DecisionMatter.CIRCULATION,
        decided_on=TODAY,
        text="通报自治区党委、政府有关领导",
    )
    with pytest.raises(Conflict) as twice:
        await service.decide(
            session,
            head,
            inspection_id=case.inspection.id,
            matter=DecisionMatter.CIRCULATION,
            decided_on=TODAY,
            text="再次通报",
        )
    assert twice.value.code == "DECISION_ALREADY_RECORDED"
    await feedbacks.deliver_feedback(
        session, admin, inspection_id=case.inspection.id, parties=circulated, **FEEDBACK
    )
    parties = (await session.execute(select(FeedbackParty.role, FeedbackParty.name))).all()
    assert parties == [(PartyRole.CIRCULATED, "自治区纪委监委")]


async def test_a_plan_without_its_lists_and_a_report_to_the_wrong_recipient_are_refused(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case, feedback = await make_fed_back_inspection(session, root)
    side = await actor_of(session, policy, case.target_user)
    plan = (await session.execute(select(RectificationPlan))).scalar_one()
    with pytest.raises(RuleViolation) as empty:
        await plans.submit_plan(session, side, plan_id=plan.id)
    assert (empty.value.code, empty.value.article) == ("PLAN_LISTS_MISSING", "nmg-2016 §30")

    duty = (await session.execute(select(RectificationDuty))).scalar_one()
    with pytest.raises(RuleViolation) as wrong:
        await plans.file_report(
            session,
            side,
            duty_id=duty.id,
            kind=RectificationReportKind.RECTIFICATION,
            recipient=ReportRecipient.DISCIPLINE_BODY,
            body="报告",
        )
    assert (wrong.value.code, wrong.value.article, wrong.value.field) == (
        "REPORT_WRONG_RECIPIENT",
        "nmg-2016 §30",
        "recipient",
    )
    filed = await session.scalar(
        select(func.count()).where(RectificationReport.filed_on.is_not(None))
    )
    assert filed == 0
    await session.refresh(plan)
    assert plan.state.value == "draft" and feedback.id == plan.feedback_id


async def test_items_reopen_by_a_special_check_or_a_follow_up_that_exists(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case, feedback = await make_fed_back_inspection(session, root, problems=["问题一"])
    side = await actor_of(session, policy, case.target_user)
    admin = await actor_of(session, policy, case.admin)
    (item,) = await make_items(session, side, feedback)
    await plans.complete_item(session, side, item_id=item.id, evidence="佐证材料")
    await closure.close_item(session, admin, item_id=item.id, note="核对属实")

    with pytest.raises(Conflict) as none:
        await closure.reopen_item(
            session, admin, item_id=item.id, basis=CheckBasis.FOLLOW_UP, note="回头看发现反弹"
        )
    assert none.value.code == "FOLLOW_UP_MISSING"
    with pytest.raises(Forbidden):
        await closure.reopen_item(
            session, side, item_id=item.id, basis=CheckBasis.SPECIAL_CHECK, note="自查"
        )
    reopened = await closure.reopen_item(
        session,
        admin,
        item_id=item.id,
        basis=CheckBasis.SPECIAL_CHECK,
        note="专项检查发现未整改到位",
    )
    assert (reopened.state, reopened.evidence, reopened.escalated) == (
        ItemState.OPEN,
        "佐证材料",
        0,
    )
    checks = await session.execute(
        select(RectificationCheck.closed, RectificationCheck.basis).order_by(RectificationCheck.id)
    )
    assert checks.all() == [(True, CheckBasis.EVIDENCE), (False, CheckBasis.SPECIAL_CHECK)]
