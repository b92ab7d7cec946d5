"""Use cases of the recusal engine (回避, nmg-2016 §12, qh-zrzyt §27): conflicts of people with
an inspection's target, the refusal to assign a conflicted person, and the confirmation that
records the door's recusal (authz/recusals.py) so the person reads nothing of that target.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.authz.models import Recusal
from inspectnet.authz.recusals import record_recusal
from inspectnet.errors import RuleViolation, ValidationFailed
from inspectnet.inspections import repository
from inspectnet.inspections.conflicts import RecusalConflict, conflicts_of
from inspectnet.inspections.models import Inspection, RecusalSetting
from inspectnet.inspections.stages import ruleset_of
from inspectnet.network.models import Office
from inspectnet.people.models import Person
from inspectnet.rules.format import RecusalGroundRule
from inspectnet.targets.models import Target

# The seeds give no look-back for post recusal (nmg-2016 §12 names the ground, not a period):
# five years, one term of a party committee (nmg-2016 §2 "一届任期内…全覆盖"), unless the office
# sets its own (setRecusalLookBack).
DEFAULT_LOOK_BACK_YEARS = 5
LOOK_BACK_RANGE = range(1, 31)


async def conflicts_with(
    session: AsyncSession, inspection: Inspection, person_ids: Collection[int]
) -> dict[int, list[RecusalConflict]]:
    """Every conflict of each person with the inspection's target (none: an empty list)."""
    # system scope: the office binds its inspections to its ruleset and settings
    office = await session.get(Office, inspection.office_id)
    target = await session.get(Target, inspection.target_id)
    assert office is not None and target is not None  # foreign keys hold both
    grounds = ruleset_of(office).of_type(RecusalGroundRule)
    years = await repository.look_back_years(session, office.id) or DEFAULT_LOOK_BACK_YEARS
    today = clock.today_in_china()
    facts = await repository.target_facts(session, target, office.region_code, today)
    found = await repository.candidates(session, person_ids)
    return {
        pk: conflicts_of(candidate, facts, grounds, today=today, look_back_years=years)
        for pk, candidate in found.items()
    }


def refusal(conflict: RecusalConflict, *, field: str) -> RuleViolation:
    """The refusal to put a conflicted person on the target's team, naming ground and article."""
    return RuleViolation(
        f"该人员须回避，不能编入巡视（巡察）组：{conflict.reason}",
        code="RECUSAL_CONFLICT",
        field=field,
        rule_id=conflict.rule_id,
        article=conflict.article,
    )


async def require_no_conflict(
    session: AsyncSession, inspection: Inspection, person_id: int, *, field: str
) -> None:
    """Refuse a person the engine finds conflicted with the inspection's target."""
    found = (await conflicts_with(session, inspection, [person_id])).get(person_id, [])
    if found:
        raise refusal(found[0], field=field)


async def conflicts_of_person(
    session: AsyncSession, actor: Actor, *, inspection_id: int, person_id: int
) -> list[RecusalConflict]:
    """What the engine finds between one person and an inspection's target."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    person = await get_readable(session, actor, Person, person_id)
    return (await conflicts_with(session, inspection, [person.id])).get(person.id, [])


async def confirm_recusal(
    session: AsyncSession, actor: Actor, *, inspection_id: int, person_id: int
) -> Recusal:
    """Confirm the engine's conflict: the person is recused from the target by the door."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    person = await get_readable(session, actor, Person, person_id)
    found = (await conflicts_with(session, inspection, [person.id])).get(person.id, [])
    if not found:
        raise ValidationFailed(
            "未发现该人员对此对象的回避情形", code="NO_RECUSAL_GROUND", field="personId"
        )
    return await record_recusal(
        session,
        actor,
        person_id=person.id,
        target_id=inspection.target_id,
        reason="；".join(c.reason for c in found)[:500],
    )


async def set_look_back(
    session: AsyncSession, actor: Actor, *, office_id: int, years: int
) -> RecusalSetting:
    """Set how many years after leaving a post at a target a person stays recused from it."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "update", RecusalSetting, office.id)
    if years not in LOOK_BACK_RANGE:
        raise ValidationFailed(
            f"回避追溯年限须为{LOOK_BACK_RANGE.start}至{LOOK_BACK_RANGE.stop - 1}年",
            code="LOOK_BACK_OUT_OF_RANGE",
            field="years",
        )
    setting = await repository.setting_of(session, actor, office.id)
    if setting is None:
        setting = RecusalSetting(office_id=office.id, look_back_years=years)
        session.add(setting)
    else:
        setting.look_back_years = years
    await session.flush()
    await record(
        session,
        actor,
        "recusal.look_back",
        office_id=office.id,
        object_id=f"Office:{office.id}",
        detail={"years": years},
    )
    return setting
