"""Use cases that change or remove a person's record and its parts (update, archive, remove)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.changes import apply, snapshot
from inspectnet.errors import Conflict
from inspectnet.ids import global_id_of
from inspectnet.network.models import Office
from inspectnet.people import repository
from inspectnet.people.expertise import checked_expertise
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolMembership,
    RotationRecord,
    TrainingRecord,
)
from inspectnet.targets.models import Target

Part = TypeVar(
    "Part", EmploymentRecord, InterestTie, PoolMembership, TrainingRecord, RotationRecord
)


async def _editable(session: AsyncSession, actor: Actor, person_id: int) -> Person:
    person = await get_readable(session, actor, Person, person_id)
    await require(session, actor, "update", person)
    return person


async def _part(session: AsyncSession, actor: Actor, model: type[Part], pk: int) -> Part:
    """A part of a person's record, changeable where the person is (its parent)."""
    part = await get_readable(session, actor, model, pk)
    await _editable(session, actor, part.person_id)
    return part


async def _audit(
    session: AsyncSession, actor: Actor, action: str, row: Any, detail: dict[str, Any]
) -> None:
    await record(
        session, actor, action, office_id=row.office_id, object_id=global_id_of(row), detail=detail
    )


async def update_person(
    session: AsyncSession, actor: Actor, *, person_id: int, changes: Mapping[str, Any]
) -> Person:
    """Correct a person's record: the fields named in ``changes``, each checked as on create."""
    person = await _editable(session, actor, person_id)
    inputs = validation.Inputs()
    checked = inputs.changes(Person, changes)
    inputs.done()
    if "expertise" in checked:
        # system scope: the ruleset of the office keeping the record, read after require()
        office = await session.get(Office, person.office_id)
        assert office is not None  # a person's office is never removed
        checked["expertise"] = checked_expertise(office.ruleset_id, checked["expertise"])
    changed = apply(person, checked)
    await session.flush()
    await _audit(session, actor, "person.update", person, {"changed": changed})
    return person


async def archive_person(session: AsyncSession, actor: Actor, *, person_id: int) -> Person:
    """Archive a person's record: kept as evidence (recusal, rosters), gone from lists."""
    person = await _editable(session, actor, person_id)
    if person.archived_at is None:
        person.archived_at = clock.now()
        await session.flush()
        await _audit(session, actor, "person.archive", person, {})
    return person


async def _linked_target(session: AsyncSession, actor: Actor, changes: dict[str, Any]) -> None:
    if changes.get("target_id") is not None:
        changes["target_id"] = (await get_readable(session, actor, Target, changes["target_id"])).id


async def update_employment(
    session: AsyncSession, actor: Actor, *, record_id: int, changes: Mapping[str, Any]
) -> EmploymentRecord:
    """Correct a post in a person's career."""
    entry = await _part(session, actor, EmploymentRecord, record_id)
    inputs = validation.Inputs()
    checked = inputs.changes(EmploymentRecord, changes)
    inputs.period(
        checked.get("started_on", entry.started_on), checked.get("ended_on", entry.ended_on)
    )
    inputs.done()
    await _linked_target(session, actor, checked)
    changed = apply(entry, checked)
    await session.flush()
    await _audit(session, actor, "person.employment.update", entry, {"changed": changed})
    return entry


async def update_interest_tie(
    session: AsyncSession, actor: Actor, *, tie_id: int, changes: Mapping[str, Any]
) -> InterestTie:
    """Correct a declared kin or interest tie."""
    tie = await _part(session, actor, InterestTie, tie_id)
    inputs = validation.Inputs()
    checked = inputs.changes(InterestTie, changes)
    inputs.done()
    await _linked_target(session, actor, checked)
    changed = apply(tie, checked)
    await session.flush()
    await _audit(session, actor, "person.tie.update", tie, {"changed": changed})
    return tie


async def update_pool_membership(
    session: AsyncSession, actor: Actor, *, membership_id: int, changes: Mapping[str, Any]
) -> PoolMembership:
    """Correct a pool membership (the pool, or since when)."""
    membership = await _part(session, actor, PoolMembership, membership_id)
    inputs = validation.Inputs()
    checked = inputs.changes(PoolMembership, changes)
    inputs.done()
    pool = checked.get("pool", membership.pool)
    if pool != membership.pool and await repository.pool_membership(
        session, membership.office_id, membership.person_id, pool
    ):
        raise Conflict("此人已在该库中", code="ALREADY_IN_POOL", field="pool")
    changed = apply(membership, checked)
    await session.flush()
    await _audit(session, actor, "person.pool.update", membership, {"changed": changed})
    return membership


async def remove_part(
    session: AsyncSession, actor: Actor, *, model: type[Part], pk: int, action: str
) -> Part:
    """Remove a post, tie, pool membership, training or rotation entered by mistake; the audit
    entry keeps it."""
    part = await _part(session, actor, model, pk)
    kept = snapshot(part)
    await session.delete(part)
    await session.flush()
    await _audit(session, actor, action, part, {"removed": kept})
    return part
