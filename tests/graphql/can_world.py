"""A seeded network for the ``viewerCan`` tests: one row of every type with mutations, in one
office (``mine``) of a Qinghai region, and the roles that stand in each relation to it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, RoleGrant
from inspectnet.authz.actor import Actor
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.filings import service as filings
from inspectnet.filings import warnings
from inspectnet.ids import global_id
from inspectnet.network import service as network
from inspectnet.network.models import LinkKind
from inspectnet.notifications import service as notifications
from inspectnet.notifications.models import NotificationKind
from inspectnet.people import service as people
from inspectnet.people.models import EmploymentRecord, PoolMembership, TieKind
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanItem, PlanKind
from tests.factories import (
    make_person_with_record,
    make_region,
    make_rotation,
    make_target_with_posts,
    make_training,
    make_user,
)

# Everyone a screen of ``mine`` may be shown to, by how they stand to it.
ROLES = ("admin", "member", "superior_admin", "sibling_admin", "auditor", "group_member")


async def _plan(session: AsyncSession, root: Actor, office_id: int, target_id: int) -> Any:
    plan = await planning.create_plan(
        session,
        root,
        office_id=office_id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    await planning.set_item(
        session, root, plan_id=plan.id, target_id=target_id, mode="mode.regular", leader="韩明"
    )
    return plan


async def build(session: AsyncSession, root: Actor) -> dict[str, Any]:
    """Usernames under ``users``; the global ID of each object under its key."""
    region = await make_region(session, root, subordinates=2, ruleset_id="qh-zrzyt")
    top, (mine, sibling) = region.top, region.subordinates
    admin = await make_user(session, root, mine, Role.OFFICE_ADMIN)
    member = await make_user(session, root, mine, Role.OFFICE_MEMBER)
    auditor = await make_user(session, root, mine, Role.AUDITOR)
    group_member = await make_user(session, root, top, Role.OFFICE_MEMBER)
    group = await bodies.create_body(
        session, root, office_id=top.id, kind=BodyKind.LEADING_GROUP, name="领导小组"
    )
    await bodies.seat_member(
        session, root, body_id=group.id, user_id=group_member.id, position=Position.MEMBER
    )
    users = {
        "admin": admin.username,
        "member": member.username,
        "superior_admin": (await make_user(session, root, top)).username,
        "sibling_admin": (await make_user(session, root, sibling)).username,
        "auditor": auditor.username,
        "group_member": group_member.username,
    }
    person = await make_person_with_record(session, root, mine)
    tie = await people.add_interest_tie(
        session,
        root,
        person_id=person.id,
        kind=TieKind.KIN,
        organisation="测试单位",
        relation="配偶",
        target_id=None,
    )
    target, (post,) = await make_target_with_posts(session, root, mine)
    proposal = await network.propose_link(
        session,
        root,
        kind=LinkKind.GUIDANCE,
        superior_id=sibling.id,
        subordinate_id=mine.id,
        proposer_id=mine.id,
    )
    body = await bodies.create_body(
        session, root, office_id=mine.id, kind=BodyKind.LEADING_GROUP, name="巡察工作领导小组"
    )
    seated = await make_user(session, root, mine, Role.OFFICE_MEMBER)  # none of ROLES
    seat = await bodies.seat_member(
        session, root, body_id=body.id, user_id=seated.id, position=Position.MEMBER
    )
    plan = await _plan(session, root, mine.id, target.id)
    for_record = await filings.file_plan(
        session,
        root,
        plan_id=(await _plan(session, root, mine.id, target.id)).id,
        rule_id="filing.annual_plan",
    )
    for_approval = await filings.file_plan(
        session,
        root,
        plan_id=(await _plan(session, root, mine.id, target.id)).id,
        rule_id="filing.work_approval",
    )
    setting = await warnings.set_yellow_days(
        session, root, office_id=top.id, rule_id="filing.periodic_data", days=10
    )
    (notice,) = await notifications.notify(
        session,
        root,
        recipients=[admin.id],
        kind=NotificationKind.NOTICE,
        subject_id=None,
        office_id=mine.id,
        title="请于本周内报送年度计划",
    )
    training = await make_training(session, root, person)
    rotation = await make_rotation(session, root, person)
    await session.flush()

    async def one(model: Any, *where: Any) -> int:
        # system scope: the test arranges its own rows
        return int((await session.execute(select(model.id).where(*where))).scalar_one())

    ids = {
        "person": global_id("Person", person.id),
        "record": global_id(
            "EmploymentRecord", await one(EmploymentRecord, EmploymentRecord.person_id == person.id)
        ),
        "tie": global_id("InterestTie", tie.id),
        "training": global_id("TrainingRecord", training.id),
        "rotation": global_id("RotationRecord", rotation.id),
        "pool": global_id(
            "PoolMembership", await one(PoolMembership, PoolMembership.person_id == person.id)
        ),
        "target": global_id("Target", target.id),
        "post": global_id("LeadershipPost", post.id),
        "office": global_id("Office", mine.id),
        "proposal": global_id("OfficeLinkProposal", proposal.id),
        "account": global_id("UserAccount", member.id),
        "admin_account": global_id("UserAccount", admin.id),
        "member_grant": global_id(
            "RoleGrant",
            await one(RoleGrant, RoleGrant.user_id == member.id, RoleGrant.office_id == mine.id),
        ),
        "auditor_grant": global_id(
            "RoleGrant",
            await one(RoleGrant, RoleGrant.user_id == auditor.id, RoleGrant.office_id == mine.id),
        ),
        "body": global_id("DecisionBody", body.id),
        "seat": global_id("BodyMember", seat.id),
        "plan": global_id("Plan", plan.id),
        "item": global_id("PlanItem", await one(PlanItem, PlanItem.plan_id == plan.id)),
        "setting": global_id("FilingWarningSetting", setting.id),
        "top": global_id("Office", top.id),
        "for_record": global_id("Filing", for_record.id),
        "for_approval": global_id("Filing", for_approval.id),
        "notification": global_id("Notification", notice.id),
    }
    return {"users": users, "ids": ids}
