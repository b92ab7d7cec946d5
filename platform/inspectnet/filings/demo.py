"""Demo filing line: Baotou's plan and liaison reports to the region (some late), and the
Qinghai DNR's annual plan filed to the provincial office, returned, refiled and approved."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.filings import duties, service, warnings
from inspectnet.filings.models import Decision, Filing, FilingState
from inspectnet.network.models import Office
from inspectnet.planning import service as planning
from inspectnet.planning.models import Plan, PlanKind
from inspectnet.targets.models import Target

DEMO_PLAN_TITLE = "2027年度巡察工作计划"


async def _office(session: AsyncSession, code: str) -> Office:
    # system scope: the demo loader arranges data as the platform
    return (await session.execute(select(Office).where(Office.code == code))).scalar_one()


async def _plan(session: AsyncSession, actor: Actor, office: Office, leader: str) -> Plan | None:
    """The office's demo annual plan with its first target, or None if it exists already."""
    found = await session.scalar(
        # system scope: the demo loader looks for its own plan as the platform
        select(Plan).where(Plan.office_id == office.id, Plan.title == DEMO_PLAN_TITLE)
    )
    if found is not None:
        return None
    plan = await planning.create_plan(
        session,
        actor,
        office_id=office.id,
        kind=PlanKind.ANNUAL,
        title=DEMO_PLAN_TITLE,
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    target = await session.scalar(
        # system scope: the demo loader picks the office's first target as the platform
        select(Target).where(Target.office_id == office.id).order_by(Target.id).limit(1)
    )
    if target is not None:
        await planning.set_item(
            session, actor, plan_id=plan.id, target_id=target.id, mode="mode.regular", leader=leader
        )
    return plan


async def load(session: AsyncSession, actor: Actor) -> int:
    """Create what is missing of the demo filing line; how many objects were created."""
    created = 0
    dnr = await _office(session, "qh.dnr")
    plan = await _plan(session, actor, dnr, "韩明")
    if plan is not None:
        first = await service.file_plan(
            session, actor, plan_id=plan.id, rule_id="filing.work_approval"
        )
        first_id = first.id
        await service.decide(
            session,
            actor,
            filing_id=first_id,
            decision=Decision.RETURN,
            reason="请明确责任领导分工",
        )
        await planning.set_item(
            session,
            actor,
            plan_id=plan.id,
            target_id=await _first_target(session, dnr),
            mode="mode.regular",
            leader="韩明、才让东主",
        )
        second = await service.file_plan(
            session, actor, plan_id=plan.id, rule_id="filing.work_approval"
        )
        await service.decide(session, actor, filing_id=second.id, decision=Decision.APPROVE)
        created += 5
    baotou = await _office(session, "nmg.baotou")
    if await _plan(session, actor, baotou, "李志强") is not None:
        created += 2
    # The provincial office wants ten days' warning of the department's periodic data.
    province = await _office(session, "qh.province")
    if not await warnings.settings_of(session, actor, province.id):
        await warnings.set_yellow_days(
            session, actor, office_id=province.id, rule_id="filing.periodic_data", days=10
        )
        created += 1
    # The quarter's liaison reports fall due for all twelve leagues; Baotou answers (late)
    # and the region acknowledges it, the others stay overdue.
    created += (await duties.sweep(session, actor, today=date(2026, 11, 25))).created
    due = await session.scalar(
        # system scope: the demo loader answers Baotou's due item as the platform
        select(Filing).where(
            Filing.office_id == baotou.id,
            Filing.rule_id == "filing.liaison_report",
            Filing.state == FilingState.DUE,
        )
    )
    if due is not None:
        due_id = due.id
        await service.file_report(session, actor, filing_id=due_id, body="本季度巡视联络工作情况")
        await service.decide(session, actor, filing_id=due_id, decision=Decision.ACKNOWLEDGE)
        created += 1
    return created


async def _first_target(session: AsyncSession, office: Office) -> int:
    return int(
        await session.scalar(
            # system scope: the demo loader picks the office's first target as the platform
            select(Target.id).where(Target.office_id == office.id).order_by(Target.id).limit(1)
        )
        or 0
    )
