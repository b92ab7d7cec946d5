"""The demo's inspections after the site (demo_work.py): heard, consented, fed back, the
rectification plan submitted with an item a problem, a clue transferred and the feedback's
disclosure published, through the services of rectification, transfers and disclosure."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.casework.models import Clue
from inspectnet.disclosure import service as disclosure
from inspectnet.inspections.models import Inspection
from inspectnet.rectification import feedback as feedbacks
from inspectnet.rectification import plans
from inspectnet.rectification import service as rectification
from inspectnet.rectification.models import FedBackProblem, RectificationPlan
from inspectnet.rules.format import DecisionMatter
from inspectnet.rules.vocabulary import DisclosureStage
from inspectnet.transfers import service as transfers

HEARD_ON = date(2026, 11, 20)
FED_BACK_ON = date(2026, 11, 24)
PROBLEMS = ("落实全面从严治党主体责任不到位", "违反中央八项规定精神问题仍有发生")
MEASURES = ("制定落实主体责任清单，逐项明确责任人", "开展津贴补贴专项清理，违规款项全部退缴")


async def feed_back(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    side: UserAccount | None,
    *,
    transfer: Clue | None,
    publish: bool,
) -> int:
    """Heard, consented and fed back to ``inspection``'s target (signed for by ``side`` when
    given), its rectification plan submitted; ``transfer`` sent to the discipline body and
    the feedback's disclosure published when asked. How many objects were created."""
    await rectification.record_hearing(
        session,
        actor,
        inspection_id=inspection.id,
        held_on=HEARD_ON,
        proposals="责成被巡视党组织认真整改，问题线索按规定移交",
    )
    await rectification.decide(
        session,
        actor,
        inspection_id=inspection.id,
        matter=DecisionMatter.FEEDBACK_CONSENT,
        decided_on=HEARD_ON,
        text="同意向被巡视党组织反馈巡视情况",
    )
    if transfer is not None:
        await transfers.transfer(
            session,
            actor,
            clue_id=transfer.id,
            route="transfer.discipline",
            receiver="discipline_body",
            reason="涉嫌违规收受礼金，按规定移交纪检监察机关核查",
            receiver_name="通辽市纪委监委",
        )
    found = await feedbacks.deliver_feedback(
        session,
        actor,
        inspection_id=inspection.id,
        to_leadership_on=FED_BACK_ON,
        to_principal_on=FED_BACK_ON,
        signed_on=FED_BACK_ON,
        principal_name="市委书记",
        principal_user_id=side.id if side is not None else None,
        problems=PROBLEMS,
    )
    plan = (
        await session.execute(
            # system scope: the demo loader finds the plan the feedback opened, as the platform
            select(RectificationPlan).where(RectificationPlan.feedback_id == found.id)
        )
    ).scalar_one()
    problems = await session.scalars(
        # system scope: the demo loader reads back the problems it fed back, as the platform
        select(FedBackProblem.id)
        .where(FedBackProblem.feedback_id == found.id)
        .order_by(FedBackProblem.position)
    )
    for problem, measure in zip(list(problems), MEASURES, strict=True):
        await plans.add_item(
            session,
            actor,
            plan_id=plan.id,
            problem_id=problem,
            measure=measure,
            owner_name="市委办公室",
            supervisor_name="市委书记",
            due_on=date(2027, 2, 24),
        )
    await plans.submit_plan(session, actor, plan_id=plan.id)
    if publish:
        drafted = await disclosure.draft_disclosure(
            session, actor, inspection_id=inspection.id, stage=DisclosureStage.FEEDBACK
        )
        await disclosure.approve_disclosure(session, actor, disclosure_id=drafted.id)
        await disclosure.publish_disclosure(session, actor, disclosure_id=drafted.id)
    # The hearing, the consent, the feedback with its plan, an item a problem; the transfer
    # and the disclosure when made.
    return 4 + len(PROBLEMS) + (transfer is not None) + publish
