"""One unit of work for both adapters: a refusal and a policy change look the same from either."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from chinese_calendar import constants as chinese_calendar
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.audit.refusals import Pending
from inspectnet.authz.actor import user_subject
from inspectnet.authz.models import PolicyState
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.store import PolicyStore
from inspectnet.cli.platform import change_operator
from inspectnet.cli.rules import load_year
from inspectnet.cli.runtime import Runtime
from inspectnet.db import Database
from inspectnet.errors import DomainError
from inspectnet.rules.calendar import CalendarYearData
from inspectnet.rules.models import CalendarYear
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.factories import make_office, make_user

LOAD = """mutation($input: LoadCalendarYearInput!) { loadCalendarYear(input: $input) {
  calendarYear { year } userErrors { field code message } } }"""

SHIPPED_2026 = CalendarYearData(
    year=2026,
    holidays=tuple(sorted(d for d in chinese_calendar.holidays if d.year == 2026)),
    workdays=tuple(sorted(d for d in chinese_calendar.workdays if d.year == 2026)),
    source="国务院办公厅通知（测试）",
)
# What a refusal says, apart from who refused and when.
SAME = ("office_id", "action", "object_id", "outcome", "detail")


def _captured(outbox: Any, monkeypatch: pytest.MonkeyPatch) -> list[Pending]:
    """Every item the unit of work hands to ``outbox`` (and still hand it on)."""
    seen: list[Pending] = []
    put = outbox.put

    def spy(items: list[Pending]) -> None:
        seen.extend(items)
        put(items)

    monkeypatch.setattr(outbox, "put", spy)
    return seen


def _said(draft: Any) -> tuple[Any, ...]:
    values = asdict(draft) if not isinstance(draft, AuditEntry) else vars(draft)
    return tuple(values[name] for name in SAME)


async def _calendar_refusals(db: Database) -> list[AuditEntry]:
    async with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == "calendar.load")
        return list((await session.scalars(query.order_by(AuditEntry.id))).all())


async def _new_operator(api: Api, system: Any, rt: Runtime) -> str:
    """An office member made platform operator through the CLI's unit of work."""
    session, actor = system
    office = await make_office(session, actor)
    account = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    await session.commit()
    await change_operator(rt, f"{office.code}/{account.username}", grant=True)
    return account.username


async def test_a_cli_policy_change_reloads_the_policy_as_the_api_does(
    db: Database, settings: Settings, policy: PolicyStore, system: Any
) -> None:
    session, actor = system
    office = await make_office(session, actor)
    account = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    await session.commit()
    rt = Runtime(settings, db, policy)
    before = policy.snapshot.version
    grant = PolicyLine("g", (user_subject(account.id), Role.PLATFORM_OPERATOR.value, "platform"))
    assert grant not in policy.snapshot.lines

    await change_operator(rt, f"{office.code}/{account.username}", grant=True)

    async with db.session() as session:
        stamped = await session.scalar(select(PolicyState.version).where(PolicyState.id == 1))
    assert policy.snapshot.version == stamped > before
    assert grant in policy.snapshot.lines


async def test_a_refused_change_through_the_cli_leaves_what_graphql_leaves(
    api: Api,
    db: Database,
    settings: Settings,
    policy: PolicyStore,
    system: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rt = Runtime(settings, db, policy)
    operator = await _new_operator(api, system, rt)
    from_api = _captured(api.app.state.graphql.outbox, monkeypatch)
    from_cli = _captured(rt.outbox, monkeypatch)
    values = {
        "year": 2026,
        "holidays": [d.isoformat() for d in SHIPPED_2026.holidays],
        "workdays": [d.isoformat() for d in SHIPPED_2026.workdays],
        "source": SHIPPED_2026.source,
    }

    result = await api.gql(LOAD, {"input": values}, user=operator)
    with pytest.raises(DomainError) as refused:
        await load_year(rt, SHIPPED_2026, replace=False)

    payload = result["data"]["loadCalendarYear"]
    assert payload["calendarYear"] is None
    assert [e["code"] for e in payload["userErrors"]] == [refused.value.code]
    assert refused.value.code == "CALENDAR_YEAR_EXISTS"
    expected = (
        None,
        "calendar.load",
        None,
        Outcome.FAILED,
        {"code": "CALENDAR_YEAR_EXISTS", "field": "replace"},
    )
    assert [_said(p.draft) for p in from_api] == [expected]
    assert [_said(p.draft) for p in from_cli] == [expected]
    await api.flush_audit()
    rows = await _calendar_refusals(db)
    # The command writes its refusals before it exits; the API's are written after the answer.
    assert [(_said(r), r.actor_name) for r in rows] == [
        (expected, "calendar"),
        (expected, operator),
    ]
    async with db.session() as session:
        assert (await session.scalars(select(CalendarYear))).all() == []
