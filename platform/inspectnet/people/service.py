"""Use cases on persons: records, careers, ties and pool memberships."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.network.models import Office
from inspectnet.people import repository
from inspectnet.people.expertise import checked_expertise
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolKind,
    PoolMembership,
    RotationRecord,
    TieKind,
    TrainingKind,
    TrainingRecord,
)
from inspectnet.targets.models import Target


async def create_person(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    name: str,
    unit: str,
    rank: str,
    home_region_code: str,
    expertise: list[str],
) -> Person:
    """Record a person in an office's files; ``expertise`` names ``expertise.*`` rules of the
    office's ruleset (qh-zrzyt §9, nmg-2016 §11(4))."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "create", Person, office.id)
    inputs = validation.Inputs()
    person = Person(
        office_id=office.id,
        name=inputs.text(Person.name, name),
        unit=inputs.text(Person.unit, unit),
        rank=inputs.text(Person.rank, rank),
        home_region_code=inputs.text(Person.home_region_code, home_region_code),
    )
    inputs.done()
    person.expertise = checked_expertise(office.ruleset_id, expertise)
    session.add(person)
    await session.flush()
    await record(
        session, actor, "person.create", office_id=office.id, object_id=global_id_of(person)
    )
    return person


async def _editable_person(session: AsyncSession, actor: Actor, person_id: int) -> Person:
    person = await get_readable(session, actor, Person, person_id)
    await require(session, actor, "update", person)
    return person


async def _linked_target(
    session: AsyncSession, actor: Actor, target_id: int | None
) -> Target | None:
    return None if target_id is None else await get_readable(session, actor, Target, target_id)


async def add_employment(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    organisation: str,
    post: str,
    started_on: date,
    ended_on: date | None,
    region_code: str | None,
    target_id: int | None,
) -> EmploymentRecord:
    """Add a post to a person's career (the basis of post and region recusal)."""
    person = await _editable_person(session, actor, person_id)
    target = await _linked_target(session, actor, target_id)
    inputs = validation.Inputs()
    entry = EmploymentRecord(
        office_id=person.office_id,
        person_id=person.id,
        organisation=inputs.text(EmploymentRecord.organisation, organisation),
        post=inputs.text(EmploymentRecord.post, post),
        region_code=inputs.text(EmploymentRecord.region_code, region_code),
        started_on=started_on,
        ended_on=ended_on,
        target_id=target.id if target else None,
    )
    inputs.period(started_on, ended_on)
    inputs.done()
    session.add(entry)
    await session.flush()
    await record(
        session,
        actor,
        "person.employment.add",
        office_id=person.office_id,
        object_id=global_id_of(person),
    )
    return entry


async def add_interest_tie(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    kind: TieKind,
    organisation: str,
    relation: str,
    target_id: int | None,
    related_person_id: int | None = None,
) -> InterestTie:
    """Declare a kin or interest tie (the basis of official recusal)."""
    person = await _editable_person(session, actor, person_id)
    target = await _linked_target(session, actor, target_id)
    related = (
        None
        if related_person_id is None
        else await get_readable(session, actor, Person, related_person_id)
    )
    inputs = validation.Inputs()
    if related is not None and related.id == person.id:
        inputs.add(
            ValidationFailed("不能申报与本人的关系", code="TIE_TO_SELF", field="relatedPersonId")
        )
    tie = InterestTie(
        office_id=person.office_id,
        person_id=person.id,
        kind=kind,
        organisation=inputs.text(InterestTie.organisation, organisation),
        relation=inputs.text(InterestTie.relation, relation),
        target_id=target.id if target else None,
        related_person_id=related.id if related else None,
    )
    inputs.done()
    session.add(tie)
    await session.flush()
    await record(
        session, actor, "person.tie.add", office_id=person.office_id, object_id=global_id_of(person)
    )
    return tie


# A storage bound on one training's class hours, not a rule: the seeds set no number of hours.
MAX_TRAINING_HOURS = 1000


async def add_training(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    kind: TrainingKind,
    course: str,
    held_on: date,
    hours: int,
) -> TrainingRecord:
    """Record a training attended: 对巡察组成人员进行政治理论和业务培训 (qh-zrzyt §8(3);
    nmg-2016 §6(7))."""
    person = await _editable_person(session, actor, person_id)
    inputs = validation.Inputs()
    entry = TrainingRecord(
        office_id=person.office_id,
        person_id=person.id,
        kind=kind,
        course=inputs.text(TrainingRecord.course, course),
        held_on=held_on,
        hours=hours,
    )
    inputs.date(held_on, "heldOn")
    if not 1 <= hours <= MAX_TRAINING_HOURS:
        inputs.add(
            ValidationFailed(
                f"学时应在1到{MAX_TRAINING_HOURS}之间", code="OUT_OF_RANGE", field="hours"
            )
        )
    inputs.done()
    session.add(entry)
    await session.flush()
    await record(
        session,
        actor,
        "person.training.add",
        office_id=person.office_id,
        object_id=global_id_of(person),
        detail={"kind": kind.value},
    )
    return entry


async def add_rotation(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    from_post: str,
    to_post: str,
    rotated_on: date,
) -> RotationRecord:
    """Record a rotation: 巡视工作人员应当按照规定进行轮岗交流 (nmg-2016 §12)."""
    person = await _editable_person(session, actor, person_id)
    inputs = validation.Inputs()
    entry = RotationRecord(
        office_id=person.office_id,
        person_id=person.id,
        from_post=inputs.text(RotationRecord.from_post, from_post),
        to_post=inputs.text(RotationRecord.to_post, to_post),
        rotated_on=rotated_on,
    )
    inputs.date(rotated_on, "rotatedOn")
    if entry.from_post and entry.from_post == entry.to_post:
        inputs.add(ValidationFailed("轮岗交流前后的岗位不能相同", code="SAME_POST", field="toPost"))
    inputs.done()
    session.add(entry)
    await session.flush()
    await record(
        session,
        actor,
        "person.rotation.add",
        office_id=person.office_id,
        object_id=global_id_of(person),
    )
    return entry


async def add_to_pool(
    session: AsyncSession, actor: Actor, *, person_id: int, pool: PoolKind, since: date
) -> PoolMembership:
    """Put a person in the office's leader pool or talent pool."""
    person = await _editable_person(session, actor, person_id)
    inputs = validation.Inputs()
    inputs.date(since, "since")
    inputs.done()
    if await repository.pool_membership(session, person.office_id, person.id, pool) is not None:
        raise Conflict("此人已在该库中", code="ALREADY_IN_POOL", field="pool")
    membership = PoolMembership(
        office_id=person.office_id, person_id=person.id, pool=pool, since=since
    )
    session.add(membership)
    await session.flush()
    await record(
        session,
        actor,
        "person.pool.add",
        office_id=person.office_id,
        object_id=global_id_of(person),
        detail={"pool": pool.value},
    )
    return membership
