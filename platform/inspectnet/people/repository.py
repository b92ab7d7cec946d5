"""Queries over persons and their records; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolKind,
    PoolMembership,
)


def persons_of_offices(actor: Actor, office_ids: list[int]) -> Select[tuple[Person, int]]:
    """Readable persons of each office: rows of (person, office id)."""
    return (
        readable(actor, Person)
        .add_columns(Person.office_id.label("parent_id"))
        .where(Person.office_id.in_(office_ids))
    )


def employment_of(actor: Actor, person_ids: list[int]) -> Select[tuple[EmploymentRecord, int]]:
    return (
        readable(actor, EmploymentRecord)
        .add_columns(EmploymentRecord.person_id.label("parent_id"))
        .where(EmploymentRecord.person_id.in_(person_ids))
    )


def ties_of(actor: Actor, person_ids: list[int]) -> Select[tuple[InterestTie, int]]:
    return (
        readable(actor, InterestTie)
        .add_columns(InterestTie.person_id.label("parent_id"))
        .where(InterestTie.person_id.in_(person_ids))
    )


def pools_of(actor: Actor, person_ids: list[int]) -> Select[tuple[PoolMembership, int]]:
    return (
        readable(actor, PoolMembership)
        .add_columns(PoolMembership.person_id.label("parent_id"))
        .where(PoolMembership.person_id.in_(person_ids))
    )


async def pool_membership(
    session: AsyncSession, office_id: int, person_id: int, pool: PoolKind
) -> PoolMembership | None:
    return await session.scalar(
        select(PoolMembership).where(
            PoolMembership.office_id == office_id,
            PoolMembership.person_id == person_id,
            PoolMembership.pool == pool,
        )
    )
