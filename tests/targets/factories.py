"""Targets (巡视巡察对象) and roster posts, made through the service as the system."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.network.models import Office
from inspectnet.people.models import Person
from inspectnet.targets import service
from inspectnet.targets.models import LeadershipPost, Target, TargetClass
from tests.people.factories import make_person

_serial = itertools.count(1)


async def make_target(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    name: str | None = None,
    *,
    target_class: TargetClass | None = TargetClass.LOCAL_LEADERSHIP,
) -> Target:
    """A target covered by ``office``, of a nmg-2016 §17 class unless told otherwise."""
    return await service.create_target(
        session,
        actor,
        office_id=office.id,
        name=name or f"对象{next(_serial)}",
        region_code="150000",
        target_class=target_class,
    )


async def make_leadership_post(
    session: AsyncSession,
    actor: Actor,
    target: Target,
    person: Person,
    post: str = "书记",
    started_on: date = date(2024, 1, 1),
) -> LeadershipPost:
    """``person`` on ``target``'s leadership roster, holding ``post`` since ``started_on``."""
    return await service.add_leadership_post(
        session,
        actor,
        target_id=target.id,
        person_id=person.id,
        post=post,
        started_on=started_on,
        ended_on=None,
    )


async def make_target_with_posts(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    posts: tuple[str, ...] = ("书记",),
    name: str | None = None,
) -> tuple[Target, list[LeadershipPost]]:
    """A target of ``office`` and, for each of ``posts``, a new person of ``office`` holding it."""
    target = await make_target(session, actor, office, name)
    roster = [
        await make_leadership_post(
            session, actor, target, await make_person(session, actor, office), post
        )
        for post in posts
    ]
    return target, roster
