"""People (干部) and their records, made through the people service as the system."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.network.models import Office
from inspectnet.people import service
from inspectnet.people.models import (
    Person,
    PoolKind,
    RotationRecord,
    TrainingKind,
    TrainingRecord,
)
from inspectnet.rules.format import ExpertiseRule
from inspectnet.rules.registry import get_ruleset

_serial = itertools.count(1)


def expertise_fields(ruleset_id: str) -> list[str]:
    """The ruleset's fields of expertise (its ``expertise.*`` rule ids), in its order."""
    return [rule.id for rule in get_ruleset(ruleset_id).of_type(ExpertiseRule)]


async def make_person(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    name: str | None = None,
    *,
    expertise: tuple[str, ...] = (),
    home_region_code: str = "150100",
) -> Person:
    """A person in ``office``'s files, with no record beyond the name."""
    return await service.create_person(
        session,
        actor,
        office_id=office.id,
        name=name or f"干部{next(_serial)}",
        unit="测试单位",
        rank="正处级",
        home_region_code=home_region_code,
        expertise=list(expertise),
    )


async def make_person_with_record(
    session: AsyncSession,
    actor: Actor,
    office: Office,
    name: str | None = None,
    *,
    pool: PoolKind = PoolKind.TALENT,
    organisation: str = "测试单位",
    expertise: tuple[str, ...] | None = None,
) -> Person:
    """A person with a record: an employment since 2018 and a place in ``pool``; their
    expertise is the first field the office's ruleset lists unless ``expertise`` is given."""
    if expertise is None:
        expertise = tuple(expertise_fields(office.ruleset_id)[:1])
    person = await make_person(session, actor, office, name, expertise=expertise)
    await service.add_employment(
        session,
        actor,
        person_id=person.id,
        organisation=organisation,
        post="干部",
        started_on=date(2018, 3, 1),
        ended_on=None,
        region_code=person.home_region_code,
        target_id=None,
    )
    await service.add_to_pool(
        session, actor, person_id=person.id, pool=pool, since=date(2024, 1, 1)
    )
    return person


async def make_training(
    session: AsyncSession,
    actor: Actor,
    person: Person,
    *,
    kind: TrainingKind = TrainingKind.POLITICAL_THEORY,
    course: str = "巡察工作政治理论培训班",
    held_on: date = date(2025, 3, 10),
    hours: int = 16,
) -> TrainingRecord:
    """A training ``person`` attended (qh-zrzyt §8(3))."""
    return await service.add_training(
        session,
        actor,
        person_id=person.id,
        kind=kind,
        course=course,
        held_on=held_on,
        hours=hours,
    )


async def make_rotation(
    session: AsyncSession,
    actor: Actor,
    person: Person,
    *,
    from_post: str = "巡察办综合科科员",
    to_post: str = "巡察组联络员",
    rotated_on: date = date(2024, 6, 1),
) -> RotationRecord:
    """A rotation of ``person`` between posts (nmg-2016 §12)."""
    return await service.add_rotation(
        session,
        actor,
        person_id=person.id,
        from_post=from_post,
        to_post=to_post,
        rotated_on=rotated_on,
    )
