"""What filing tests build: a filing line of the test's own under the qh-zrzyt ruleset.

``line = await make_filing_line(session, actor)``: a provincial office (the superior) whose
leading group (领导小组, qh-zrzyt §3) has one member, and a department's patrol office filing
to it, with a target, each office with its admin; ``plan, filing = await make_filed_plan(
session, actor, line)``: the department's annual plan over that target, filed for approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies.models import BodyKind, DecisionBody, Position
from inspectnet.filings import service as filings
from inspectnet.filings.models import Filing
from inspectnet.network.models import Office, OfficeKind
from inspectnet.planning import service as planning
from inspectnet.planning.models import Plan, PlanKind
from inspectnet.targets.models import Target
from tests.accounts.factories import make_user
from tests.bodies.factories import make_body
from tests.network.factories import make_office
from tests.targets.factories import make_target

QH = "qh-zrzyt"
APPROVAL = "filing.work_approval"


@dataclass(frozen=True)
class FilingLine:
    """The DNR-shaped line of the seeds: ``dnr`` files to ``province``."""

    province: Office
    dnr: Office
    dnr_admin: UserAccount
    province_admin: UserAccount
    group_member: UserAccount  # 省委巡视工作领导小组成员
    group: DecisionBody
    target: Target


async def make_filing_line(session: AsyncSession, actor: Actor) -> FilingLine:
    """A provincial office with its leading group and a department's office filing to it."""
    province = await make_office(
        session, actor, kind=OfficeKind.REGIONAL_OFFICE, ruleset_id=QH, region_code="630000"
    )
    dnr = await make_office(
        session,
        actor,
        superior=province,
        kind=OfficeKind.DEPARTMENTAL_PATROL_OFFICE,
        ruleset_id=QH,
        region_code="630000",
    )
    group = await make_body(session, actor, province, BodyKind.LEADING_GROUP, (Position.MEMBER,))
    return FilingLine(
        province=province,
        dnr=dnr,
        dnr_admin=await make_user(session, actor, dnr, Role.OFFICE_ADMIN),
        province_admin=await make_user(session, actor, province, Role.OFFICE_ADMIN),
        group_member=group.members[0],
        group=group.body,
        target=await make_target(session, actor, dnr),
    )


async def make_plan(
    session: AsyncSession, actor: Actor, line: FilingLine, leader: str = "韩明"
) -> Plan:
    """The DNR's annual plan for 2027, its one item the line's target."""
    plan = await planning.create_plan(
        session,
        actor,
        office_id=line.dnr.id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    await planning.set_item(
        session,
        actor,
        plan_id=plan.id,
        target_id=line.target.id,
        mode="mode.regular",
        leader=leader,
    )
    return plan


async def make_filed_plan(
    session: AsyncSession, actor: Actor, line: FilingLine, rule_id: str = APPROVAL
) -> tuple[Plan, Filing]:
    """The DNR's annual plan filed under ``rule_id`` (for approval unless told otherwise)."""
    plan = await make_plan(session, actor, line)
    return plan, await filings.file_plan(session, actor, plan_id=plan.id, rule_id=rule_id)


async def actor_of(session: Any, policy: PolicyStore, account: UserAccount) -> Actor:
    """The account as it acts after the arranged grants are in force."""
    await session.flush()
    snapshot = await policy.reload(session)
    return Actor(
        username=account.username,
        policy=snapshot.compiled,
        user_id=account.id,
        person_id=account.person_id,
        home_office_id=account.office_id,
        network=snapshot.network,
    )
