"""Loading the demo network (``demo_data``: Inner Mongolia's region office with its 12
league/city bodies, some counties and region departments, and Qinghai's provincial office with
the Department of Natural Resources' patrol office), then each domain's own demo.

Loading is idempotent: what exists (by code or name) is kept.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import demo_work, domains
from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import RoleGrant, TargetBinding, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.demo_data import DEMO_USERS, PEOPLE, demo_offices, target_class
from inspectnet.network import service as network
from inspectnet.network.models import LinkKind, Office, OfficeLink
from inspectnet.people import service as people
from inspectnet.people.models import Person
from inspectnet.targets import service as targets
from inspectnet.targets.models import Target

__all__ = ["DEMO_USERS", "load_demo"]


async def load_demo(session: AsyncSession, actor: Actor, *, with_round: bool = True) -> int:
    """Create whatever of the demo network is missing, and with it the region's round of
    inspections at every stage (demo_work.py) unless ``with_round`` is false; the number of
    objects created."""
    created = 0
    by_code: dict[str, Office] = {
        # system scope: the demo loader looks for what exists (idempotent), as the platform
        o.code: o
        for o in (await session.execute(select(Office))).scalars()
    }
    for spec in demo_offices():
        if spec.code not in by_code:
            superior = by_code[spec.superior].id if spec.superior else None
            by_code[spec.code] = await network.create_office(
                session,
                actor,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                region_code=spec.region_code,
                ruleset_id=spec.ruleset_id,
                superior_id=superior,
            )
            created += 1
        office = by_code[spec.code]
        if spec.guided_by and not await _linked(session, by_code[spec.guided_by].id, office.id):
            await network.link_offices(
                session,
                actor,
                kind=LinkKind.GUIDANCE,
                superior_id=by_code[spec.guided_by].id,
                subordinate_id=office.id,
            )
            created += 1
        existing = set(
            (
                # system scope: the demo loader looks for what exists (idempotent), as the platform
                await session.execute(select(Target.name).where(Target.office_id == office.id))
            ).scalars()
        )
        for name, region in spec.targets:
            if name not in existing:
                await targets.create_target(
                    session,
                    actor,
                    office_id=office.id,
                    name=name,
                    region_code=region,
                    target_class=target_class(spec, name),
                )
                created += 1
    persons: dict[str, Person] = {}
    for code, entries in PEOPLE.items():
        office = by_code[code]
        for name, unit, rank, home, expertise, pool in entries:
            person = await session.scalar(
                # system scope: the demo loader looks for what exists (idempotent), as the platform
                select(Person).where(Person.office_id == office.id, Person.name == name)
            )
            if person is None:
                person = await people.create_person(
                    session,
                    actor,
                    office_id=office.id,
                    name=name,
                    unit=unit,
                    rank=rank,
                    home_region_code=home,
                    expertise=expertise,
                )
                await people.add_employment(
                    session,
                    actor,
                    person_id=person.id,
                    organisation=unit,
                    post="干部",
                    started_on=date(2018, 3, 1),
                    ended_on=None,
                    region_code=home,
                    target_id=None,
                )
                await people.add_to_pool(
                    session, actor, person_id=person.id, pool=pool, since=date(2024, 1, 1)
                )
                created += 3
            persons[name] = person
    for user in DEMO_USERS:
        account = await session.scalar(
            # system scope: the demo loader looks for what exists (idempotent), as the platform
            select(UserAccount).where(
                UserAccount.office_id == persons[user.person].office_id,
                UserAccount.username == user.username,
            )
        )
        if account is None:
            account = await accounts.create_account(
                session, actor, person_id=persons[user.person].id, username=user.username
            )
            created += 1
        office = by_code[user.office]
        if user.role is None:
            created += await _bind(session, actor, account, office, user.target or "")
            continue
        grant = await session.scalar(
            # system scope: the demo loader looks for what exists (idempotent), as the platform
            select(RoleGrant).where(
                RoleGrant.user_id == account.id,
                RoleGrant.office_id == office.id,
                RoleGrant.role == user.role,
            )
        )
        if grant is None:
            await accounts.grant_role(
                session, actor, user_id=account.id, office_id=office.id, role=user.role
            )
            created += 1
    created += await _domain_demos(session, actor)
    return created + (await demo_work.load(session, actor) if with_round else 0)


async def _bind(
    session: AsyncSession, actor: Actor, account: UserAccount, office: Office, target_name: str
) -> int:
    """Bind a target-side demo account to its target, unless it is bound already."""
    # system scope: the demo loader looks for what exists (idempotent), as the platform
    if await session.scalar(select(TargetBinding.id).where(TargetBinding.user_id == account.id)):
        return 0
    target = await session.scalar(
        # system scope: the demo loader finds the demo's target by name, as the platform
        select(Target).where(Target.office_id == office.id, Target.name == target_name)
    )
    assert target is not None, target_name  # demo_data names a target of the office
    await accounts.bind_to_target(session, actor, user_id=account.id, target_id=target.id)
    return 1


async def _domain_demos(session: AsyncSession, actor: Actor) -> int:
    """Each registered domain's own demo data (its ``demo.load``), after the network exists."""
    created = 0
    for domain in domains.installed():
        module = domain.module("demo")
        if module is not None:
            created += int(await module.load(session, actor) or 0)
    return created


async def _linked(session: AsyncSession, superior_id: int, subordinate_id: int) -> bool:
    found = await session.scalar(
        select(OfficeLink.id).where(
            OfficeLink.kind == LinkKind.GUIDANCE,
            OfficeLink.superior_id == superior_id,
            OfficeLink.subordinate_id == subordinate_id,
        )
    )
    return found is not None
