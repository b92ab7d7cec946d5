"""After the site, made through the services: an inspection reported and ready to be heard,
or heard, consented and fed back, with the accounts that act on it.

``case = await make_reported_inspection(session, actor)``: an nmg-2016 office (its admin, its
five-person group and party committee, each with a member) inspecting a target of its own,
moved to ``reported``, with a team leader and a target-side account; ``ruleset_id="qh-zrzyt"``
builds the department's line instead (make_filing_line: its round plan approved by the
province, its party group seated). ``case, feedback = await make_fed_back_inspection(session,
actor)`` goes on through the hearing, the consent and the feedback (two problems).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.filings import service as filings
from inspectnet.filings.models import Decision
from inspectnet.inspections import service as inspections
from inspectnet.inspections import stages
from inspectnet.inspections.models import Inspection, Stage, TeamRole
from inspectnet.network.models import Office
from inspectnet.rectification import feedback as feedbacks
from inspectnet.rectification import plans, service
from inspectnet.rectification.feedback import Party
from inspectnet.rectification.models import (
    FedBackProblem,
    Feedback,
    PartyRole,
    RectificationItem,
    RectificationPlan,
)
from inspectnet.rules.format import DecisionMatter
from inspectnet.targets.models import Target
from tests.accounts.factories import make_target_side_user, make_user
from tests.bodies.factories import make_body
from tests.filings.factories import make_filing_line, make_plan
from tests.inspections.factories import make_assignment, prepare_stage
from tests.network.factories import make_office
from tests.targets.factories import make_target

NMG, QH = "nmg-2016", "qh-zrzyt"
# The frozen today of the tests (2026-11-25): the site is left, heard and fed back that day.
HEARD_ON = date(2026, 11, 25)
SIGNED_ON = date(2026, 11, 25)
QH_ATTENDEES = (
    Party(PartyRole.LEADING_GROUP_MEMBER, "领导小组成员 王海"),
    Party(PartyRole.DISCIPLINE_HEAD, "驻厅纪检监察组 李明"),
    Party(PartyRole.PERSONNEL_HEAD, "人事处 赵强"),
)


@dataclass(frozen=True)
class AfterSite:
    """An inspection at the end of its site work and who acts on it."""

    office: Office
    target: Target
    inspection: Inspection
    admin: UserAccount  # the inspecting office's admin
    results_member: UserAccount  # a seat of the body deciding the use of results
    consent_member: UserAccount  # a seat of the body consenting to the feedback
    team_leader: UserAccount
    target_user: UserAccount  # bound to the target (被巡视党组织)

    @property
    def ruleset_id(self) -> str:
        return self.office.ruleset_id


async def _site(
    session: AsyncSession, actor: Actor, ruleset_id: str, office: Office | None
) -> tuple[Office, Target, Inspection]:
    if ruleset_id != QH:
        office = office or await make_office(session, actor, ruleset_id=ruleset_id)
        target = await make_target(session, actor, office)
        return (
            office,
            target,
            await inspections.create_inspection(
                session, actor, target_id=target.id, name="2026年第一轮巡视"
            ),
        )
    # A department's patrol: its round waits for the province's approval (qh-zrzyt §3).
    line = await make_filing_line(session, actor)
    plan = await make_plan(session, actor, line)
    filed = await filings.file_plan(session, actor, plan_id=plan.id, rule_id="filing.work_approval")
    await filings.decide(session, actor, filing_id=filed.id, decision=Decision.APPROVE)
    inspection = await inspections.create_inspection(
        session, actor, target_id=line.target.id, name="2027年第一轮巡察", plan_id=plan.id
    )
    return line.dnr, line.target, inspection


async def make_reported_inspection(
    session: AsyncSession,
    actor: Actor,
    *,
    ruleset_id: str = NMG,
    office: Office | None = None,
    approved_report: bool = True,
) -> AfterSite:
    """An inspection moved to ``reported``, its office's bodies seated, a team leader and a
    target-side account; of ``office`` when given (an nmg-2016 one, e.g. a region's county);
    with its inspection report approved (nmg-2016 §27, qh-zrzyt §17) unless told not to."""
    office, target, inspection = await _site(session, actor, ruleset_id, office)
    admin = await make_user(session, actor, office, Role.OFFICE_ADMIN)
    results_kind = BodyKind.FIVE_PERSON_GROUP if ruleset_id == NMG else BodyKind.PARTY_GROUP
    results = await make_body(session, actor, office, results_kind, (Position.MEMBER,))
    if ruleset_id == NMG:
        consent = await make_body(
            session, actor, office, BodyKind.PARTY_COMMITTEE, (Position.MEMBER,)
        )
        consent_member = consent.members[0]
    else:
        consent_member = results.members[0]  # 厅党组 both decides and consents (qh §18, §22)
    leader = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    await make_assignment(session, actor, inspection, leader.id, TeamRole.LEADER)
    side = await make_target_side_user(session, actor, office, target.id)
    for stage in list(Stage)[1 : list(Stage).index(Stage.REPORTED) + 1]:
        # qh-zrzyt §11's 20–40 working days: the office decides the short stay of a test.
        decision = "巡察办决定：按测试安排结束现场巡察" if stage is Stage.LEFT_SITE else None
        # What the stage machine's table wants first: the bodies' confirmation of the team, the
        # written notice (nmg-2016 §25), the report (nmg-2016 §26).
        await prepare_stage(session, actor, inspection, stage, approve_report=approved_report)
        inspection = await stages.advance_inspection(
            session, actor, inspection_id=inspection.id, stage=stage, decision=decision
        )
    return AfterSite(
        office, target, inspection, admin, results.members[0], consent_member, leader, side
    )


async def hear_and_consent(session: AsyncSession, actor: Actor, case: AfterSite) -> None:
    """The hearing and the consent to feed back, recorded as the system."""
    await service.record_hearing(
        session,
        actor,
        inspection_id=case.inspection.id,
        held_on=HEARD_ON,
        proposals="责成被巡视党组织认真整改，问题线索按规定移交",
    )
    await service.decide(
        session,
        actor,
        inspection_id=case.inspection.id,
        matter=DecisionMatter.FEEDBACK_CONSENT,
        decided_on=HEARD_ON,
        text="同意向被巡视党组织反馈",
    )


async def make_fed_back_inspection(
    session: AsyncSession,
    actor: Actor,
    *,
    ruleset_id: str = NMG,
    office: Office | None = None,
    problems: Sequence[str] = ("落实全面从严治党主体责任不到位", "选人用人把关不严"),
) -> tuple[AfterSite, Feedback]:
    """An inspection heard, consented and fed back (signed for on ``SIGNED_ON``)."""
    case = await make_reported_inspection(session, actor, ruleset_id=ruleset_id, office=office)
    await hear_and_consent(session, actor, case)
    feedback = await feedbacks.deliver_feedback(
        session,
        actor,
        inspection_id=case.inspection.id,
        to_leadership_on=SIGNED_ON,
        to_principal_on=SIGNED_ON,
        signed_on=SIGNED_ON,
        principal_name="张书记",
        principal_user_id=case.target_user.id,
        problems=problems,
        parties=QH_ATTENDEES if ruleset_id == QH else (),
    )
    return case, feedback


async def make_items(
    session: AsyncSession,
    actor: Actor,
    feedback: Feedback,
    *,
    due_on: date = date(2026, 12, 20),
    owner_user_id: int | None = None,
    supervisor_user_id: int | None = None,
) -> list[RectificationItem]:
    """One item a fed-back problem, the plan then submitted (in force under nmg-2016)."""
    plan = (
        await session.execute(
            select(RectificationPlan).where(RectificationPlan.feedback_id == feedback.id)
        )
    ).scalar_one()
    problems = (
        await session.execute(
            select(FedBackProblem.id)
            .where(FedBackProblem.feedback_id == feedback.id)
            .order_by(FedBackProblem.position)
        )
    ).scalars()
    items = [
        await plans.add_item(
            session,
            actor,
            plan_id=plan.id,
            problem_id=problem,
            measure=f"整改措施{n}",
            owner_name="责任人",
            owner_user_id=owner_user_id,
            supervisor_name="督办领导",
            supervisor_user_id=supervisor_user_id,
            due_on=due_on,
        )
        for n, problem in enumerate(list(problems), start=1)
    ]
    await plans.submit_plan(session, actor, plan_id=plan.id)
    return items
