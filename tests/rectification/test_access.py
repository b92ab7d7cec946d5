"""Who sees rectification: the target's own accounts (their feedback and rectification, nothing
else of the inspection), the league/city liaison body over its counties (nmg-2016 §16, §40),
and the roll-ups; rectification outlives the archive."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.authz.store import PolicyStore
from inspectnet.filings.rollups import rollup
from inspectnet.inspections import stages
from inspectnet.inspections.models import (
    Inspection,
    InspectionTransition,
    Stage,
    TeamAssignment,
)
from inspectnet.rectification import closure, plans
from inspectnet.rectification.models import (
    FedBackProblem,
    Feedback,
    FeedbackParty,
    Hearing,
    ItemState,
    PostSiteDecision,
    RectificationCheck,
    RectificationDuty,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
)
from tests.accounts.factories import make_user
from tests.filings.factories import actor_of
from tests.inspections.factories import prepare_stage
from tests.network.factories import make_region
from tests.rectification.factories import make_fed_back_inspection, make_items

SEEN_BY_THE_TARGET = (
    Inspection,
    Feedback,
    FedBackProblem,
    RectificationPlan,
    RectificationItem,
    RectificationDuty,
    RectificationReport,
)
HIDDEN_FROM_THE_TARGET = (
    Hearing,
    PostSiteDecision,
    FeedbackParty,
    RectificationCheck,
    TeamAssignment,
    InspectionTransition,
)


async def _readable(session: Any, actor: Actor, model: type) -> int:
    statement = select(func.count()).select_from(readable(actor, model).subquery())
    return int(await session.scalar(statement) or 0)


async def test_a_target_side_user_reads_its_feedback_and_rectification_and_nothing_else(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case, feedback = await make_fed_back_inspection(session, root)
    other, _ = await make_fed_back_inspection(session, root)  # another target's
    side = await actor_of(session, policy, case.target_user)
    items = await make_items(session, side, feedback)
    admin = await actor_of(session, policy, case.admin)
    await plans.complete_item(session, side, item_id=items[0].id, evidence="佐证")
    await closure.close_item(session, admin, item_id=items[0].id, note="核对属实")

    seen = {m.__name__: await _readable(session, side, m) for m in SEEN_BY_THE_TARGET}
    assert seen == {
        "Inspection": 1,
        "Feedback": 1,
        "FedBackProblem": 2,
        "RectificationPlan": 1,
        "RectificationItem": 2,
        "RectificationDuty": 1,
        "RectificationReport": 2,
    }
    hidden = {m.__name__: await _readable(session, side, m) for m in HIDDEN_FROM_THE_TARGET}
    assert set(hidden.values()) == {0}, hidden
    # and not one row of the other target's, whatever the model
    feedbacks = await session.execute(readable(side, Feedback).with_only_columns(Feedback.id))
    assert list(feedbacks.scalars()) == [feedback.id]
    assert other.target.id != case.target.id


async def test_rectification_goes_on_after_the_inspection_is_archived(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case, feedback = await make_fed_back_inspection(session, root, problems=["问题一"])
    side = await actor_of(session, policy, case.target_user)
    (item,) = await make_items(session, side, feedback)
    # The team hands its material over first (the stage machine's table, qh-zrzyt §27)
    await prepare_stage(session, root, case.inspection, Stage.ARCHIVED)
    await stages.advance_inspection(
        session, root, inspection_id=case.inspection.id, stage=Stage.ARCHIVED
    )
    # The team's grants end with the archive; the target and the office carry on
    side = await actor_of(session, policy, case.target_user)
    admin = await actor_of(session, policy, case.admin)
    await plans.complete_item(session, side, item_id=item.id, evidence="整改报告及附件")
    closed = await closure.close_item(session, admin, item_id=item.id, note="核对属实")
    assert closed.state is ItemState.CLOSED


async def test_a_liaison_body_sees_its_counties_rectification_and_counts_it(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    region = await make_region(session, root, subordinates=2, counties=1)
    league, sibling = region.subordinates
    (county,) = region.counties(league)
    case, feedback = await make_fed_back_inspection(session, root, office=county)
    side = await actor_of(session, policy, case.target_user)
    items = await make_items(session, side, feedback, due_on=date(2026, 12, 1))
    await plans.complete_item(session, side, item_id=items[0].id, evidence="佐证")
    admin = await actor_of(session, policy, case.admin)
    await closure.close_item(session, admin, item_id=items[0].id, note="核对属实")

    league_admin = await actor_of(
        session, policy, await make_user(session, root, league, Role.OFFICE_ADMIN)
    )
    sibling_admin = await actor_of(
        session, policy, await make_user(session, root, sibling, Role.OFFICE_ADMIN)
    )
    assert await _readable(session, league_admin, RectificationItem) == 2
    assert await _readable(session, league_admin, RectificationDuty) == 1
    assert await _readable(session, sibling_admin, RectificationItem) == 0

    # Counted per county: one closed, one overdue once its date has passed
    late = await rollup(session, league_admin, league.id, date(2026, 12, 2))
    assert {k: v for k, v in late.items() if k.startswith("rectification")} == {
        "rectification_done": {county.id: 1},
        "rectification_due": {},
        "rectification_overdue": {county.id: 1},
    }
    early = await rollup(session, league_admin, league.id, date(2026, 11, 25))
    assert early["rectification_due"] == {county.id: 1}
    counted = await rollup(session, sibling_admin, sibling.id, date(2026, 12, 2))
    assert counted["rectification_overdue"] == {}
