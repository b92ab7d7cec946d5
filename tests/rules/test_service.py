"""Calendar service on the migrated databases: who may load, what a load needs, what it leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.actor import Actor
from inspectnet.authz.platform import grant_platform_role
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import Conflict, Forbidden, ValidationFailed
from inspectnet.network.models import OfficeKind
from inspectnet.rules import repository
from inspectnet.rules.calendar import read_calendar_file
from inspectnet.rules.calendar_checks import CalendarImplausible
from inspectnet.rules.service import calendar_from_db, load_calendar_year
from tests.factories import make_office, make_user

FULL_2027 = read_calendar_file(Path(__file__).parent / "fixtures" / "calendar-2027-full.yaml")


async def _load(session: Any, actor: Actor, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "year": FULL_2027.year,
        "holidays": FULL_2027.holidays,
        "workdays": FULL_2027.workdays,
        "source": "a.yaml",
    }
    return await load_calendar_year(session, actor, **(values | overrides))


async def _actor_of(session: Any, policy: PolicyStore, account: Any) -> Actor:
    await session.flush()
    snapshot = await policy.reload(session)
    return Actor(username=account.username, policy=snapshot.compiled, user_id=account.id)


async def test_the_platform_loads_a_new_year_and_records_the_diff(system: Any) -> None:
    session, actor = system
    loaded = await _load(session, actor)
    assert (loaded.row.year, loaded.row.source, loaded.row.loaded_by_user_id) == (
        2027,
        "a.yaml",
        None,
    )
    assert loaded.diff.replaces is None
    assert len(loaded.diff.holidays_added) == 29
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.load"))
    assert entry.object_id == "CalendarYear:2027"
    assert entry.detail["summary"] == loaded.diff.summary()
    assert entry.detail["diff"]["replaces"] is None


async def test_an_existing_year_is_refused_without_replace_and_nothing_changes(
    system: Any,
) -> None:
    session, actor = system
    await _load(session, actor)
    with pytest.raises(Conflict) as caught:
        await _load(session, actor, source="b.yaml", workdays=FULL_2027.workdays[:-1])
    assert (caught.value.code, caught.value.field) == ("CALENDAR_YEAR_EXISTS", "replace")
    assert "取消调休上班日 1 天" in caught.value.message
    [row] = await repository.list_calendar_years(session)
    assert (row.source, len(row.workdays)) == ("a.yaml", 4)

    replaced = await _load(
        session, actor, source="b.yaml", workdays=FULL_2027.workdays[:-1], replace=True
    )
    assert replaced.diff.replaces == "a.yaml"
    assert replaced.diff.workdays_removed == (date(2027, 10, 9),)
    [row] = await repository.list_calendar_years(session)
    assert (row.source, len(row.workdays)) == ("b.yaml", 3)


async def test_an_implausible_year_is_refused_before_anything_is_written(system: Any) -> None:
    session, actor = system
    with pytest.raises(CalendarImplausible) as caught:
        await _load(session, actor, year=2026, holidays=[date(2026, 1, 1)], workdays=[])
    assert [p.code for p in caught.value.problems] == [
        "CALENDAR_WORKING_DAYS_IMPLAUSIBLE",
        "CALENDAR_HOLIDAY_COUNT_IMPLAUSIBLE",
        "CALENDAR_WORKDAY_COUNT_IMPLAUSIBLE",
        "CALENDAR_HOLIDAY_BLOCKS_TOO_FEW",
    ]
    assert await repository.list_calendar_years(session) == []


async def test_a_malformed_year_is_refused_naming_the_field(system: Any) -> None:
    session, actor = system
    with pytest.raises(ValidationFailed) as caught:
        await _load(session, actor, holidays=[*FULL_2027.holidays, date(2026, 12, 31)])
    assert (caught.value.code, caught.value.field) == ("CALENDAR_INVALID", "holidays")
    assert await repository.list_calendar_years(session) == []


async def test_an_office_admin_is_forbidden_and_the_denial_is_remembered(
    system: Any, policy: PolicyStore
) -> None:
    session, actor = system
    region = await make_office(session, actor, kind=OfficeKind.REGIONAL_OFFICE)
    admin = await _actor_of(session, policy, await make_user(session, actor, region))
    with pytest.raises(Forbidden):
        await _load(session, admin)
    assert [(d.action, d.object_type, d.object_id) for d in admin.denials] == [
        ("load", "calendar_year", "calendar_year:2027")
    ]
    assert await repository.list_calendar_years(session) == []


async def test_a_platform_operator_may_load_and_is_named_as_loader(
    system: Any, policy: PolicyStore
) -> None:
    session, actor = system
    qh = await make_office(session, actor, ruleset_id="qh-zrzyt")
    account = await make_user(session, actor, qh, Role.OFFICE_MEMBER)
    await grant_platform_role(session, actor, user_id=account.id)
    operator = await _actor_of(session, policy, account)
    loaded = await _load(session, operator)
    assert loaded.row.loaded_by_user_id == account.id


async def test_calendar_from_db_lays_loaded_years_over_the_package(system: Any) -> None:
    session, actor = system
    await _load(session, actor, source="x.yaml")
    calendar = await calendar_from_db(session)
    assert calendar.covers(2025) and calendar.covers(2027)
    assert calendar.sources[2027] == "x.yaml"
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday made a working day
    assert not calendar.is_workday(date(2027, 1, 1))
