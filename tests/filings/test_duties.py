"""Duties that fall due: the sweep makes due items once; a late answer is met late."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.store import PolicyStore
from inspectnet.errors import Conflict
from inspectnet.filings import duties, warnings
from inspectnet.filings import service as filings
from inspectnet.filings.models import Filing, FilingState, InboxStatus
from inspectnet.rules.calendar import PeriodUnit
from inspectnet.rules.service import calendar_from_db
from tests.factories import make_filing_line, make_region, make_user
from tests.filings.factories import actor_of

TODAY = date(2027, 2, 10)  # the quarter after the one the demo swept


async def _due(session: Any) -> list[Filing]:
    statement = (
        select(Filing)
        .where(Filing.state == FilingState.DUE, Filing.title.like("%2026年第4季度%"))
        .order_by(Filing.id)
    )
    return list((await session.execute(statement)).scalars())


async def test_a_sweep_makes_each_due_item_once_with_the_engines_deadline(system: Any) -> None:
    session, root = system
    region = await make_region(session, root, subordinates=2, counties=1)
    line = await make_filing_line(session, root)
    ours = {o.id: o for o in (*region.offices, line.province, line.dnr)}
    assert (await duties.sweep(session, root, today=TODAY)).created >= 3
    assert (await duties.sweep(session, root, today=TODAY)).created == 0  # idempotent
    items = [i for i in await _due(session) if i.office_id in ours]
    assert len(items) == 3
    by_rule: dict[str, set[str]] = {}
    for item in items:
        by_rule.setdefault(item.rule_id, set()).add(ours[item.office_id].code)
    assert by_rule == {
        "filing.periodic_data": {line.dnr.code},
        # the liaison bodies only: neither the region's top office nor the offices below them
        "filing.liaison_report": {o.code for o in region.subordinates},
    }
    calendar = await calendar_from_db(session)
    due = calendar.end_of_period(date(2026, 12, 31), PeriodUnit.WORKING_DAYS, 10).on
    assert {i.due_on for i in items} == {due}
    # each item turns yellow as many days ahead as the office filed to asks (default 5)
    ahead = await warnings.yellow_days(session, {(i.to_office_id, i.rule_id) for i in items})
    assert {i.warn_on for i in items} == {
        due - timedelta(days=ahead[(i.to_office_id, i.rule_id)]) for i in items
    }
    assert {i.title for i in items if i.rule_id == "filing.periodic_data"} == {
        "巡察工作信息数据定期报送（2026年第4季度）"
    }


async def test_an_answer_is_filed_once_and_met_by_its_date(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    await duties.sweep(session, root, today=TODAY)
    admin = await actor_of(session, policy, await make_user(session, root, dnr))
    item = next(i for i in await _due(session) if i.office_id == dnr.id)
    assert filings.status_of_row(item, TODAY) is InboxStatus.OVERDUE

    filed = await filings.file_report(session, admin, filing_id=item.id, body="第三季度巡察数据")
    assert filed.state is FilingState.SUBMITTED
    assert filed.snapshot == {"title": filed.title, "body": "第三季度巡察数据"}
    # Filed on the (frozen) 2026-11-25, before the January deadline: met on time
    assert filings.status_of_row(filed, TODAY) is InboxStatus.MET_ON_TIME
    before = await session.scalar(select(func.count()).select_from(Filing))
    with pytest.raises(Conflict) as twice:
        await filings.file_report(session, admin, filing_id=item.id, body="再报一次")
    assert twice.value.code == "CONFLICT"
    assert await session.scalar(select(func.count()).select_from(Filing)) == before
