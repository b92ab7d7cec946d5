"""Use cases on targets (巡视/巡察对象) and their leadership rosters."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.ids import global_id_of
from inspectnet.network.models import Office
from inspectnet.people.models import Person
from inspectnet.targets.models import LeadershipPost, Target, TargetClass


async def create_target(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    name: str,
    region_code: str,
    target_class: TargetClass | None = None,
) -> Target:
    """Put a leadership team on an office's list of targets, with its class (nmg-2016 §17)."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "create", Target, office.id)
    inputs = validation.Inputs()
    target = Target(
        office_id=office.id,
        name=inputs.text(Target.name, name),
        region_code=inputs.text(Target.region_code, region_code),
        target_class=target_class,
    )
    inputs.done()
    session.add(target)
    await session.flush()
    await record(
        session, actor, "target.create", office_id=office.id, object_id=global_id_of(target)
    )
    return target


async def add_leadership_post(
    session: AsyncSession,
    actor: Actor,
    *,
    target_id: int,
    person_id: int,
    post: str,
    started_on: date,
    ended_on: date | None,
) -> LeadershipPost:
    """Add a member to a target's leadership roster (person, post, from, to)."""
    target = await get_readable(session, actor, Target, target_id)
    await require(session, actor, "update", target)
    person = await get_readable(session, actor, Person, person_id)
    inputs = validation.Inputs()
    entry = LeadershipPost(
        office_id=target.office_id,
        target_id=target.id,
        person_id=person.id,
        post=inputs.text(LeadershipPost.post, post),
        started_on=started_on,
        ended_on=ended_on,
    )
    inputs.period(started_on, ended_on)
    inputs.done()
    session.add(entry)
    await session.flush()
    await record(
        session,
        actor,
        "target.roster.add",
        office_id=target.office_id,
        object_id=global_id_of(target),
    )
    return entry
