"""Plans: a working copy whose every change moves its version; modes come from the ruleset."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.store import PolicyStore
from inspectnet.concurrency import StaleVersion
from inspectnet.errors import ValidationFailed
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanItem, PlanKind
from inspectnet.targets.models import Target
from tests.factories import make_filing_line, make_user
from tests.filings.factories import actor_of


async def _setup(session: Any, root: Any, policy: PolicyStore) -> tuple[Any, Any, Any]:
    line = await make_filing_line(session, root)
    dnr = line.dnr
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
    return dnr, admin, plan


async def test_every_change_to_the_working_copy_moves_its_version(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr, admin, plan = await _setup(session, root, policy)
    target = (
        await session.execute(select(Target).where(Target.office_id == dnr.id).limit(1))
    ).scalar_one()
    assert plan.version == 1
    await planning.set_item(
        session, admin, plan_id=plan.id, target_id=target.id, mode="mode.regular", leader="韩明"
    )
    assert plan.version == 2
    await planning.set_item(
        session, admin, plan_id=plan.id, target_id=target.id, mode="mode.follow_up", leader="韩明"
    )
    assert plan.version == 3
    with pytest.raises(StaleVersion):
        await planning.update_plan(
            session,
            admin,
            plan_id=plan.id,
            version=2,
            title="改",
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
        )


async def test_a_mode_outside_the_ruleset_and_a_foreign_target_are_refused(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr, admin, plan = await _setup(session, root, policy)
    own = (
        await session.execute(select(Target).where(Target.office_id == dnr.id).limit(1))
    ).scalar_one()
    with pytest.raises(ValidationFailed) as mode:
        await planning.set_item(
            session, admin, plan_id=plan.id, target_id=own.id, mode="mode.secret", leader="韩明"
        )
    assert (mode.value.code, mode.value.field) == ("UNKNOWN_MODE", "mode")
    with pytest.raises(ValidationFailed) as period:
        await planning.create_plan(
            session,
            admin,
            office_id=dnr.id,
            kind=PlanKind.ANNUAL,
            title="倒置",
            starts_on=date(2027, 12, 31),
            ends_on=date(2027, 1, 1),
        )
    assert period.value.errors[0].code == "INVALID_PERIOD"
    items = select(func.count()).select_from(PlanItem).where(PlanItem.plan_id == plan.id)
    assert await session.scalar(items) == 0
