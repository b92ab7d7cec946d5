"""The common shapes are one line each and only what they say: a region sees itself alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.people.models import EmploymentRecord, PoolKind, PoolMembership
from tests.conftest import Api
from tests.factories import (
    make_person_with_record,
    make_region,
    make_staff,
    make_target_with_posts,
    make_user,
)

OFFICES = "{ offices(first: 100) { totalCount nodes { code } } }"


async def test_a_region_is_all_a_county_member_sees(api: Api, system: Any) -> None:
    session, actor = system
    region = await make_region(session, actor, subordinates=2, counties=2)
    near, far = region.subordinates
    county = region.counties(near)[0]
    staff = await make_staff(session, actor, county)
    await session.commit()
    await api.reload_policy()
    seen = (await api.gql(OFFICES, user=staff.member))["data"]["offices"]
    # Its own office, the two above it, nothing beside it, nothing of the demo.
    assert {n["code"] for n in seen["nodes"]} == {county.code, near.code, region.top.code}
    assert seen["totalCount"] == 3
    assert len(region.offices) == 7 and far.code not in {n["code"] for n in seen["nodes"]}


async def test_an_account_holds_every_role_it_was_given(api: Api, system: Any) -> None:
    session, actor = system
    one, other = (await make_region(session, actor, subordinates=2)).subordinates
    account = await make_user(
        session, actor, one, Role.OFFICE_MEMBER, also=[(other, Role.OFFICE_MEMBER)]
    )
    await session.commit()
    await api.reload_policy()
    seen = (await api.gql(OFFICES, user=account.username))["data"]["offices"]
    assert seen["totalCount"] == 3  # both liaison bodies and the top office they file to


async def test_a_person_with_a_record_and_a_target_with_posts(system: Any) -> None:
    session, actor = system
    office = (await make_region(session, actor, subordinates=1)).subordinates[0]
    person = await make_person_with_record(session, actor, office, "测试人")
    target, roster = await make_target_with_posts(session, actor, office, ("书记", "副书记"))
    employments = (
        await session.scalars(
            select(EmploymentRecord).where(EmploymentRecord.person_id == person.id)
        )
    ).all()
    pools = (
        await session.scalars(
            select(PoolMembership.pool).where(PoolMembership.person_id == person.id)
        )
    ).all()
    assert [e.organisation for e in employments] == ["测试单位"]
    assert pools == [PoolKind.TALENT]
    assert person.office_id == office.id and target.office_id == office.id
    assert [p.post for p in roster] == ["书记", "副书记"]
    assert all(p.target_id == target.id for p in roster)
