"""Queries over persons and their records; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolKind,
    PoolMembership,
    RotationRecord,
    TrainingRecord,
)


def persons_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable persons of each office: rows of (person, office id)."""
    return children(
        readable(actor, Person).where(Person.office_id.in_(office_ids)), Person, Person.office_id
    )


def employment_of(actor: Actor, person_ids: list[int]) -> Children:
    return children(
        readable(actor, EmploymentRecord).where(EmploymentRecord.person_id.in_(person_ids)),
        EmploymentRecord,
        EmploymentRecord.person_id,
    )


def ties_of(actor: Actor, person_ids: list[int]) -> Children:
    return children(
        readable(actor, InterestTie).where(InterestTie.person_id.in_(person_ids)),
        InterestTie,
        InterestTie.person_id,
    )


def trainings_of(actor: Actor, person_ids: list[int]) -> Children:
    return children(
        readable(actor, TrainingRecord).where(TrainingRecord.person_id.in_(person_ids)),
        TrainingRecord,
        TrainingRecord.person_id,
    )


def rotations_of(actor: Actor, person_ids: list[int]) -> Children:
    return children(
        readable(actor, RotationRecord).where(RotationRecord.person_id.in_(person_ids)),
        RotationRecord,
        RotationRecord.person_id,
    )


def pools_of(actor: Actor, person_ids: list[int]) -> Children:
    return children(
        readable(actor, PoolMembership).where(PoolMembership.person_id.in_(person_ids)),
        PoolMembership,
        PoolMembership.person_id,
    )


async def pool_membership(
    session: AsyncSession, office_id: int, person_id: int, pool: PoolKind
) -> PoolMembership | None:
    return await session.scalar(
        # system scope: a duplicate membership is looked for after the change passed require()
        select(PoolMembership).where(
            PoolMembership.office_id == office_id,
            PoolMembership.person_id == person_id,
            PoolMembership.pool == pool,
        )
    )
