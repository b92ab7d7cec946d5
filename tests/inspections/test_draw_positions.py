"""The draw fills every place the ruleset names (nmg-2016 §9, §13–14): the leader and deputy
from the leader pool, a 副厅级 and a 处级 commissioner, a liaison officer of 厅级 or 处级 rank,
members from the talent pool by the expertise they add; it leaves out everyone recused, saying
why for each, and names each place it could not fill with the reason and article."""

from __future__ import annotations

from datetime import date
from typing import Any

from inspectnet.accounts.models import Role
from inspectnet.authz.recusals import record_recusal
from inspectnet.inspections import draw
from inspectnet.inspections.models import TeamRole
from inspectnet.people import changes as person_changes
from inspectnet.people import service as people
from inspectnet.people.models import PoolKind
from tests.factories import make_office, make_target, make_user
from tests.inspections.factories import make_inspection

# The fields of expertise of nmg-2016 §11(4), the ruleset of these tests' offices.
PARTY_AFFAIRS, POLICY_LAW = "expertise.party_affairs", "expertise.policy_law"


async def _pooled(
    session: Any, root: Any, office: Any, pool: PoolKind, rank: str, *fields: str
) -> int:
    account = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await people.add_to_pool(
        session, root, person_id=account.person_id, pool=pool, since=date(2024, 1, 1)
    )
    await person_changes.update_person(
        session,
        root,
        person_id=account.person_id,
        changes={"rank": rank, "expertise": list(fields)},
    )
    return int(account.person_id)


async def test_the_draw_fills_every_named_place_and_says_why_it_left_anyone_out(
    system: Any,
) -> None:
    session, root = system
    office = await make_office(session, root)  # nmg-2016
    target = await make_target(session, root, office)
    inspection = await make_inspection(session, root, target.id)
    leader = await _pooled(session, root, office, PoolKind.LEADER, "正厅级", PARTY_AFFAIRS)
    deputy = await _pooled(session, root, office, PoolKind.LEADER, "副厅级", PARTY_AFFAIRS)
    senior = await _pooled(session, root, office, PoolKind.TALENT, "副厅级", PARTY_AFFAIRS)
    division = await _pooled(session, root, office, PoolKind.TALENT, "正处级", PARTY_AFFAIRS)
    liaison = await _pooled(session, root, office, PoolKind.TALENT, "副处级")
    narrow = await _pooled(session, root, office, PoolKind.TALENT, "科员", PARTY_AFFAIRS)
    broad = await _pooled(session, root, office, PoolKind.TALENT, "科员", PARTY_AFFAIRS, POLICY_LAW)
    recused = await _pooled(session, root, office, PoolKind.TALENT, "正处级", POLICY_LAW)
    await record_recusal(
        session, root, person_id=recused, target_id=target.id, reason="本人申报：配偶在该单位任职"
    )

    found = await draw.draw_team(session, root, inspection_id=inspection.id, size=7)

    assert [(m.role, m.person_id) for m in found.members] == [
        (TeamRole.LEADER, leader),
        (TeamRole.DEPUTY, deputy),
        (TeamRole.COMMISSIONER, senior),  # 副厅级巡视专员
        (TeamRole.COMMISSIONER, division),  # 处级巡视专员
        (TeamRole.LIAISON, liaison),  # 厅级或者处级 (nmg-2016 §14)
        # members by expertise coverage: a new field (政策法规) before one already covered,
        # though recorded later
        (TeamRole.MEMBER, broad),
        (TeamRole.MEMBER, narrow),
    ]
    assert [m.pool for m in found.members[:2]] == [PoolKind.LEADER, PoolKind.LEADER]
    assert (found.shortfall, found.unfilled) == (0, ())
    assert [(e.person_id, e.reasons) for e in found.excluded] == [
        (recused, ("已决定对该对象回避（nmg-2016 §12）",))
    ]


async def test_a_place_no_one_qualifies_for_is_named_with_its_reason(system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    leader = await _pooled(session, root, office, PoolKind.LEADER, "正厅级", PARTY_AFFAIRS)
    clerks = [
        await _pooled(session, root, office, PoolKind.TALENT, "科员", field)
        for field in (POLICY_LAW, POLICY_LAW, PARTY_AFFAIRS)
    ]

    found = await draw.draw_team(session, root, inspection_id=inspection.id, size=6)

    # The deputy comes from the leader pool (nmg-2016 §9), which has no one left; no clerk is
    # of a commissioner's or the liaison's rank: those places stay empty, each with its reason,
    # and are not filled by members in their stead.
    assert [(m.role, m.person_id) for m in found.members] == [
        (TeamRole.LEADER, leader),
        (TeamRole.MEMBER, clerks[0]),  # equal coverage: the first recorded
    ]
    assert found.shortfall == 4
    assert [(u.role, u.article, u.reason) for u in found.unfilled] == [
        (TeamRole.DEPUTY, "nmg-2016 §9", "组长库中没有未回避的人选（nmg-2016 §9）"),
        (
            TeamRole.COMMISSIONER,
            "nmg-2016 §9",
            "人才库中没有职级为副厅级、未回避的人选（nmg-2016 §9）",
        ),
        (
            TeamRole.COMMISSIONER,
            "nmg-2016 §9",
            "人才库中没有职级为处级、未回避的人选（nmg-2016 §9）",
        ),
        (
            TeamRole.LIAISON,
            "nmg-2016 §14",
            "人才库中没有职级为厅级或处级、未回避的人选（nmg-2016 §14）",
        ),
    ]
