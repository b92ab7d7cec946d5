"""The recusal engine on stored records: ties on either person, the look-back as an office
setting, and forming a team refused whole on bad input (nothing written)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.audit.models import AuditEntry
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.inspections import draw, recusal, service, stages
from inspectnet.inspections.models import Stage, TeamAssignment, TeamRole
from inspectnet.people import service as people
from inspectnet.people.models import TieKind
from inspectnet.rules.format import RecusalGround
from tests.factories import make_office, make_target_with_posts, make_user
from tests.inspections.factories import confirm_team, make_inspection


async def _assignments(session: Any, inspection_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(TeamAssignment)
            .where(TeamAssignment.inspection_id == inspection_id)
        )
        or 0
    )


async def test_a_tie_declared_by_the_targets_leader_counts_against_the_candidate(
    system: Any,
) -> None:
    session, root = system
    office = await make_office(session, root, ruleset_id="qh-zrzyt")
    target, (secretary,) = await make_target_with_posts(session, root, office, ("党委书记",))
    inspection = await make_inspection(session, root, target.id)
    cousin = await make_user(session, root, office)
    clean = await make_user(session, root, office)

    # Given the target's secretary declared a kin tie to the candidate (on the secretary's record)
    tie = await people.add_interest_tie(
        session,
        root,
        person_id=secretary.person_id,
        kind=TieKind.KIN,
        organisation="测试单位",
        relation="表兄弟",
        target_id=None,
        related_person_id=cousin.person_id,
    )

    found = await recusal.conflicts_with(session, inspection, [cousin.person_id, clean.person_id])
    assert found[clean.person_id] == []
    (conflict,) = found[cousin.person_id]
    assert (conflict.ground, conflict.article, conflict.evidence_id) == (
        RecusalGround.OFFICIAL,
        "qh-zrzyt §27",
        f"InterestTie:{tie.id}",
    )
    assert conflict.evidence == f"{target.name}领导班子成员申报与其有亲属关系（表兄弟）"
    # Assigning the candidate is refused with ground and article
    with pytest.raises(RuleViolation) as refused:
        await service.assign_team_role(
            session, root, inspection_id=inspection.id, user_id=cousin.id, role=TeamRole.MEMBER
        )
    assert (refused.value.code, refused.value.article, refused.value.rule_id) == (
        "RECUSAL_CONFLICT",
        "qh-zrzyt §27",
        "recusal.official",
    )
    assert await _assignments(session, inspection.id) == 0


async def test_a_tie_to_oneself_is_refused(system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    person = (await make_user(session, root, office)).person_id
    with pytest.raises(ValidationFailed) as refused:
        await people.add_interest_tie(
            session,
            root,
            person_id=person,
            kind=TieKind.INTEREST,
            organisation="测试单位",
            relation="本人",
            target_id=None,
            related_person_id=person,
        )
    assert (refused.value.code, refused.value.field) == ("TIE_TO_SELF", "relatedPersonId")


async def test_the_look_back_is_an_office_setting_with_a_default_of_five_years(
    system: Any,
) -> None:
    session, root = system
    office = await make_office(session, root, ruleset_id="qh-zrzyt")
    target, _ = await make_target_with_posts(session, root, office)
    inspection = await make_inspection(session, root, target.id)
    member = await make_user(session, root, office)
    await people.add_employment(
        session,
        root,
        person_id=member.person_id,
        organisation=target.name,
        post="科长",
        started_on=date(2015, 1, 1),
        ended_on=date(2022, 6, 30),
        region_code=None,
        target_id=target.id,
    )
    assert recusal.DEFAULT_LOOK_BACK_YEARS == 5
    found = await recusal.conflicts_with(session, inspection, [member.person_id])
    assert [c.ground for c in found[member.person_id]] == [RecusalGround.POST]

    # The office shortens it to three years: the post left in mid-2022 no longer counts
    setting = await recusal.set_look_back(session, root, office_id=office.id, years=3)
    assert setting.look_back_years == 3
    assert (await recusal.conflicts_with(session, inspection, [member.person_id])) == {
        member.person_id: []
    }
    for years in (0, 31):
        with pytest.raises(ValidationFailed) as refused:
            await recusal.set_look_back(session, root, office_id=office.id, years=years)
        assert (refused.value.code, refused.value.field) == ("LOOK_BACK_OUT_OF_RANGE", "years")
    await session.refresh(setting)
    assert setting.look_back_years == 3


async def test_forming_a_team_refuses_bad_input_whole_and_writes_nothing(system: Any) -> None:
    session, root = system
    office = await make_office(session, root, ruleset_id="qh-zrzyt")
    target, _ = await make_target_with_posts(session, root, office)
    inspection = await make_inspection(session, root, target.id)
    people_ = [await make_user(session, root, office) for _ in range(11)]
    team = [(p.id, TeamRole.LEADER if i == 0 else TeamRole.MEMBER) for i, p in enumerate(people_)]
    audited = await session.scalar(select(func.count()).select_from(AuditEntry))

    cases: list[tuple[list[tuple[int, TeamRole]], str, str | None]] = [
        (team[:5], "TEAM_SIZE_OUT_OF_RANGE", "qh-zrzyt §9"),  # qh-zrzyt §9: 6–10
        (team, "TEAM_SIZE_OUT_OF_RANGE", "qh-zrzyt §9"),
        ([(p, TeamRole.MEMBER) for p, _ in team[:6]], "TEAM_LEADER_COUNT", "qh-zrzyt §9"),
        ([*team[:5], team[1]], "DUPLICATE_MEMBER", None),
    ]
    for members, code, article in cases:
        with pytest.raises((RuleViolation, ValidationFailed)) as refused:
            await draw.form_team(session, root, inspection_id=inspection.id, members=members)
        assert (refused.value.code, refused.value.article) == (code, article)
        assert refused.value.field == "members"
    assert await _assignments(session, inspection.id) == 0
    await session.refresh(inspection)
    assert inspection.stage is Stage.PLANNED
    assert await session.scalar(select(func.count()).select_from(AuditEntry)) == audited

    # A well-formed team of six is proposed; it enters team_formed once the bodies confirm it
    proposed = await draw.form_team(session, root, inspection_id=inspection.id, members=team[:6])
    assert proposed.stage is Stage.PLANNED
    assert await _assignments(session, inspection.id) == 6
    with pytest.raises(Conflict) as again:
        await draw.form_team(session, root, inspection_id=inspection.id, members=team[:6])
    assert again.value.code == "TEAM_ALREADY_FORMED"
    await confirm_team(session, root, inspection)
    formed = await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.TEAM_FORMED
    )
    assert formed.stage is Stage.TEAM_FORMED
    # Forming again is out of order
    with pytest.raises(stages.StageOutOfOrder):
        await draw.form_team(session, root, inspection_id=inspection.id, members=team[:6])
