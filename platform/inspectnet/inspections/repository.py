"""Queries over inspections and their teams; every list starts from the readable scope."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.models import Recusal
from inspectnet.authz.scopes import readable
from inspectnet.inspections.conflicts import Candidate, Post, TargetFacts, Tie
from inspectnet.inspections.models import (
    Inspection,
    InspectionNotice,
    InspectionTransition,
    InstructionRequest,
    PreparationItem,
    RecusalCase,
    RecusalCaseStatus,
    RecusalSetting,
    SiteMethodUse,
    Stage,
    TeamAssignment,
    TeamMeeting,
)
from inspectnet.network.models import Office
from inspectnet.paging import Children, children
from inspectnet.people.models import EmploymentRecord, InterestTie, Person, PoolMembership
from inspectnet.rules.format import PoolKind
from inspectnet.targets.models import LeadershipPost, Target


def inspections_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable inspections each office runs: rows of (inspection, office id)."""
    return children(
        readable(actor, Inspection).where(Inspection.office_id.in_(office_ids)),
        Inspection,
        Inspection.office_id,
    )


def team_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable team assignments of each inspection: rows of (assignment, inspection id)."""
    return children(
        readable(actor, TeamAssignment).where(TeamAssignment.inspection_id.in_(inspection_ids)),
        TeamAssignment,
        TeamAssignment.inspection_id,
    )


def preparation_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable preparation items of each inspection: rows of (item, inspection id)."""
    return children(
        readable(actor, PreparationItem).where(PreparationItem.inspection_id.in_(inspection_ids)),
        PreparationItem,
        PreparationItem.inspection_id,
    )


def transitions_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable steps of each inspection: rows of (transition, inspection id)."""
    return children(
        readable(actor, InspectionTransition).where(
            InspectionTransition.inspection_id.in_(inspection_ids)
        ),
        InspectionTransition,
        InspectionTransition.inspection_id,
    )


async def recused(session: AsyncSession, identity_id: int, target_id: int) -> bool:
    """Whether a human is recused from a target now (回避, nmg-2016 §12, qh-zrzyt §27)."""
    found = await session.scalar(
        # system scope: a recusal bars an assignment whoever recorded it, seen or not
        select(Recusal.id).where(
            Recusal.identity_id == identity_id,
            Recusal.target_id == target_id,
            Recusal.ended_at.is_(None),
        )
    )
    return found is not None


def recusal_cases_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable recusal cases of each inspection: rows of (case, inspection id)."""
    return children(
        readable(actor, RecusalCase).where(RecusalCase.inspection_id.in_(inspection_ids)),
        RecusalCase,
        RecusalCase.inspection_id,
    )


def methods_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable methods used on site of each inspection: rows of (use, inspection id)."""
    return children(
        readable(actor, SiteMethodUse).where(SiteMethodUse.inspection_id.in_(inspection_ids)),
        SiteMethodUse,
        SiteMethodUse.inspection_id,
    )


def meetings_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable meetings of each inspection's team (组务会): rows of (meeting, inspection id)."""
    return children(
        readable(actor, TeamMeeting).where(TeamMeeting.inspection_id.in_(inspection_ids)),
        TeamMeeting,
        TeamMeeting.inspection_id,
    )


def requests_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable requests for instruction of each inspection: rows of (request, inspection id)."""
    return children(
        readable(actor, InstructionRequest).where(
            InstructionRequest.inspection_id.in_(inspection_ids)
        ),
        InstructionRequest,
        InstructionRequest.inspection_id,
    )


async def open_case(session: AsyncSession, inspection_id: int, person_id: int) -> int | None:
    """A pending case about the person on the inspection, whoever raised it."""
    # system scope: one pending case per person and inspection, seen by the raiser or not
    return await session.scalar(
        select(RecusalCase.id).where(
            RecusalCase.inspection_id == inspection_id,
            RecusalCase.person_id == person_id,
            RecusalCase.status == RecusalCaseStatus.PENDING,
        )
    )


async def account_of_office(
    session: AsyncSession, office_id: int, user_id: int
) -> UserAccount | None:
    """An account whose person is the office's: who a body may name to its teams."""
    # system scope: a decision body names a replacement from the office's own people; its
    # seats read no accounts, and an account of another office is not found
    return await session.scalar(
        select(UserAccount)
        .join(Person, Person.id == UserAccount.person_id)
        .where(UserAccount.id == user_id, Person.office_id == office_id)
    )


async def notice_of(session: AsyncSession, inspection_id: int) -> InspectionNotice | None:
    """The inspection's written notice and announcement, if recorded."""
    # system scope: the stage gate asks whether the notice was recorded, not what it says;
    # a reader's own access to it is checked by get_readable after
    return await session.scalar(
        select(InspectionNotice).where(InspectionNotice.inspection_id == inspection_id)
    )


def _ties(rows: Iterable[InterestTie]) -> tuple[Tie, ...]:
    return tuple(
        Tie(t.id, t.person_id, t.kind, t.relation, t.target_id, t.related_person_id) for t in rows
    )


async def candidates(session: AsyncSession, person_ids: Collection[int]) -> dict[int, Candidate]:
    """What the recusal engine weighs of each person: home region, posts and declared ties."""
    ids = sorted(set(person_ids))
    # system scope: recusal weighs every record of the person, whoever may read it
    persons = await session.scalars(select(Person).where(Person.id.in_(ids)))
    # system scope: as above, the person's career
    posts = await session.scalars(
        select(EmploymentRecord)
        .where(EmploymentRecord.person_id.in_(ids))
        .order_by(EmploymentRecord.id)
    )
    # system scope: as above, the ties the person declared
    ties = await session.scalars(
        select(InterestTie).where(InterestTie.person_id.in_(ids)).order_by(InterestTie.id)
    )
    by_person: dict[int, list[Post]] = {pk: [] for pk in ids}
    for post in posts:
        by_person[post.person_id].append(
            Post(post.id, post.organisation, post.target_id, post.started_on, post.ended_on)
        )
    tied: dict[int, list[InterestTie]] = {pk: [] for pk in ids}
    for tie in ties:
        tied[tie.person_id].append(tie)
    return {
        p.id: Candidate(p.id, p.name, p.home_region_code, tuple(by_person[p.id]), _ties(tied[p.id]))
        for p in persons
    }


async def target_facts(
    session: AsyncSession, target: Target, office_region_code: str, today: date
) -> TargetFacts:
    """What the recusal engine weighs of a target: its region, roster now and roster's ties."""
    # system scope: the whole roster counts, whoever may read each post
    roster = frozenset(
        await session.scalars(
            select(LeadershipPost.person_id).where(
                LeadershipPost.target_id == target.id,
                LeadershipPost.started_on <= today,
                or_(LeadershipPost.ended_on.is_(None), LeadershipPost.ended_on >= today),
            )
        )
    )
    # system scope: ties declared on the roster's records count as well (either side)
    ties = await session.scalars(
        select(InterestTie)
        .where(
            InterestTie.person_id.in_(sorted(roster)), InterestTie.related_person_id.is_not(None)
        )
        .order_by(InterestTie.id)
    )
    return TargetFacts(
        target.id, target.name, target.region_code, office_region_code, roster, _ties(ties)
    )


async def look_back_years(session: AsyncSession, office_id: int) -> int | None:
    """The office's own look-back for post recusal, None when it set none."""
    # system scope: an office setting that binds every check made for the office
    return await session.scalar(
        select(RecusalSetting.look_back_years).where(RecusalSetting.office_id == office_id)
    )


async def setting_of(session: AsyncSession, actor: Actor, office_id: int) -> RecusalSetting | None:
    """The office's recusal setting row, if it set one and the actor may read it."""
    return await session.scalar(
        readable(actor, RecusalSetting).where(RecusalSetting.office_id == office_id)
    )


@dataclass(frozen=True)
class Pooled:
    """A person in one of an office's pools, with their expertise and account (if any)."""

    person_id: int
    name: str
    pool: PoolKind
    expertise: tuple[str, ...]
    user_id: int | None
    rank: str = ""  # 职级, weighed against a position's levels (nmg-2016 §9, §14)


async def pooled(session: AsyncSession, actor: Actor, office_id: int) -> list[Pooled]:
    """The office's leader pool and talent pool, as the actor may read them, by person."""
    memberships = list(
        await session.scalars(
            readable(actor, PoolMembership)
            .where(PoolMembership.office_id == office_id)
            .order_by(PoolMembership.person_id, PoolMembership.pool)
        )
    )
    ids = sorted({m.person_id for m in memberships})
    persons = {
        p.id: p
        for p in await session.scalars(
            readable(actor, Person).where(Person.id.in_(ids), Person.archived_at.is_(None))
        )
    }
    found = [(m, persons[m.person_id]) for m in memberships if m.person_id in persons]
    # system scope: an account is named only to say which person can hold a role
    users = await session.execute(
        select(UserAccount.person_id, UserAccount.id).where(UserAccount.person_id.in_(ids))
    )
    account = {person: user for person, user in users}
    return [
        Pooled(
            m.person_id,
            p.name,
            m.pool,
            tuple(p.expertise or ()),
            account.get(m.person_id),
            p.rank,
        )
        for m, p in found
    ]


async def accounts(
    session: AsyncSession, actor: Actor, user_ids: Collection[int]
) -> dict[int, int]:
    """The person behind each readable account: {user id: person id}."""
    rows = await session.execute(
        readable(actor, UserAccount)
        .where(UserAccount.id.in_(sorted(set(user_ids))))
        .with_only_columns(UserAccount.id, UserAccount.person_id)
    )
    return {user: person for user, person in rows}


async def site_steps(
    session: AsyncSession, actor: Actor | None, inspection_ids: Collection[int]
) -> dict[int, list[tuple[Stage, datetime]]]:
    """Entry and departure steps of each inspection, as ``actor`` reads them (None: all)."""
    # system scope: without an actor, the office's own check of a departure weighs every step
    everything = select(InspectionTransition)
    base = everything if actor is None else readable(actor, InspectionTransition)
    rows = await session.scalars(
        base.where(
            InspectionTransition.inspection_id.in_(sorted(set(inspection_ids))),
            InspectionTransition.to_stage.in_((Stage.ON_SITE, Stage.LEFT_SITE)),
        ).order_by(InspectionTransition.id)
    )
    found: dict[int, list[tuple[Stage, datetime]]] = {pk: [] for pk in inspection_ids}
    for step in rows:
        found[step.inspection_id].append((step.to_stage, step.created_at))
    return found


async def stage_entries(
    session: AsyncSession, actor: Actor, inspection_ids: Collection[int]
) -> dict[int, dict[Stage, datetime]]:
    """When each inspection entered each stage, as the actor reads its steps."""
    rows = await session.execute(
        readable(actor, InspectionTransition)
        .where(InspectionTransition.inspection_id.in_(sorted(set(inspection_ids))))
        .with_only_columns(
            InspectionTransition.inspection_id,
            InspectionTransition.to_stage,
            InspectionTransition.created_at,
        )
        .order_by(InspectionTransition.id)
    )
    found: dict[int, dict[Stage, datetime]] = {pk: {} for pk in inspection_ids}
    for pk, stage, at in rows:
        found[pk][stage] = at
    return found


def inspections_of_plans(actor: Actor, plan_ids: list[int]) -> Children:
    """Readable inspections carrying out each plan: rows of (inspection, plan id)."""
    return children(
        readable(actor, Inspection).where(Inspection.plan_id.in_(plan_ids)),
        Inspection,
        Inspection.plan_id,
    )


async def offices_of(session: AsyncSession, inspection_ids: Collection[int]) -> dict[int, Office]:
    """The office running each inspection (its ruleset binds the inspection)."""
    rows = await session.execute(
        # system scope: an office row, read for its ruleset after the inspection was read
        select(Inspection.id, Office)
        .join(Office, Office.id == Inspection.office_id)
        .where(Inspection.id.in_(sorted(set(inspection_ids))))
    )
    return {pk: office for pk, office in rows}
