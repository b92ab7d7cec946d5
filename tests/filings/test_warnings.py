"""Deadlines as offices set them: a yellow threshold per duty (an office setting with a documented
default), and an override of a computed deadline with its reason, shown to the superior; a duty
met late stays distinct from one met on time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import DomainError, ValidationFailed
from inspectnet.filings import duties, warnings
from inspectnet.filings import service as filings
from inspectnet.filings.models import Filing, FilingState, FilingWarningSetting, InboxStatus
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_filed_plan, make_filing_line, make_region, make_user
from tests.filings.factories import actor_of

SWEPT = date(2027, 1, 2)  # 2026 Q4 falls due
LIAISON = "filing.liaison_report"
PERIODIC = "filing.periodic_data"


async def _due(session: Any, office_id: int) -> Filing:
    statement = select(Filing).where(
        Filing.office_id == office_id,
        Filing.state == FilingState.DUE,
        Filing.title.like("%2026年第4季度%"),
    )
    return (await session.execute(statement)).scalar_one()


async def test_the_office_filed_to_sets_a_yellow_threshold_per_duty(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    made = await make_region(session, root, subordinates=1)
    region, liaison = made.top, made.subordinates[0]  # a region and one league's liaison body
    await duties.sweep(session, root, today=SWEPT)
    item = await _due(session, liaison.id)
    due_on = item.due_on
    assert due_on is not None
    # by default yellow starts DEFAULT_YELLOW_DAYS before the deadline
    assert item.warn_on == due_on - timedelta(days=warnings.DEFAULT_YELLOW_DAYS)
    ten_before = due_on - timedelta(days=10)
    assert filings.status_of_row(item, ten_before) is InboxStatus.OPEN

    admin = await actor_of(session, policy, await make_user(session, root, region))
    setting = await warnings.set_yellow_days(
        session, admin, office_id=region.id, rule_id=LIAISON, days=15
    )
    assert (setting.office_id, setting.rule_id, setting.yellow_days) == (region.id, LIAISON, 15)
    # every item still due to the region under that duty takes it at once
    await session.refresh(item)
    assert item.warn_on == due_on - timedelta(days=15)
    assert filings.status_of_row(item, ten_before) is InboxStatus.DUE_SOON
    # changing it again updates the one setting
    await warnings.set_yellow_days(session, admin, office_id=region.id, rule_id=LIAISON, days=20)
    assert [
        (s.rule_id, s.yellow_days) for s in await warnings.settings_of(session, admin, region.id)
    ] == [(LIAISON, 20)]
    # the next quarter's items are made with it
    await duties.sweep(session, root, today=date(2027, 4, 2))
    nxt = (
        await session.execute(
            select(Filing).where(
                Filing.office_id == liaison.id, Filing.title.like("%2027年第1季度%")
            )
        )
    ).scalar_one()
    assert nxt.warn_on == nxt.due_on - timedelta(days=20)  # type: ignore[operator]


async def test_a_subordinate_cannot_set_its_superiors_threshold_nor_a_bad_one(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    made = await make_region(session, root, subordinates=1)
    region, liaison = made.top, made.subordinates[0]  # a region and one league's liaison body
    league = await actor_of(session, policy, await make_user(session, root, liaison))
    admin = await actor_of(session, policy, await make_user(session, root, region))
    before = await session.scalar(select(func.count()).select_from(FilingWarningSetting))
    with pytest.raises(DomainError) as refused:
        await warnings.set_yellow_days(
            session, league, office_id=region.id, rule_id=LIAISON, days=15
        )
    assert refused.value.code in {"FORBIDDEN", "NOT_FOUND"}
    with pytest.raises(ValidationFailed) as bad:
        await warnings.set_yellow_days(
            session, admin, office_id=region.id, rule_id="filing.annual_plan", days=0
        )
    assert sorted((e.code, e.field) for e in bad.value.errors) == [
        ("OUT_OF_RANGE", "yellowDays"),
        ("RULE_NOT_PERIODIC", "ruleId"),
    ]
    assert await session.scalar(select(func.count()).select_from(FilingWarningSetting)) == before


async def test_an_overridden_deadline_keeps_its_reason_and_decides_met_late(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    await duties.sweep(session, root, today=SWEPT)
    item = await _due(session, dnr.id)
    computed, item_id = item.due_on, item.id
    assert computed is not None
    admin = await actor_of(session, policy, await make_user(session, root, dnr))

    moved = await warnings.override_deadline(
        session, admin, filing_id=item_id, due_on=date(2027, 2, 15), reason="数据系统升级，顺延一月"
    )
    assert (moved.due_on, moved.computed_due_on, moved.override_reason) == (
        date(2027, 2, 15),
        computed,
        "数据系统升级，顺延一月",
    )
    ahead = (await warnings.yellow_days(session, [(moved.to_office_id, moved.rule_id)])).popitem()
    assert moved.warn_on == date(2027, 2, 15) - timedelta(days=ahead[1])
    logged = await session.scalar(
        select(AuditEntry.detail).where(AuditEntry.action == "filing.deadline.override")
    )
    assert logged == {
        "from": computed.isoformat(),
        "to": "2027-02-15",
        "reason": "数据系统升级，顺延一月",
    }
    # filed after the computed deadline, before the overridden one: met on time
    with clock.frozen(datetime(2027, 2, 1, 2, 0, tzinfo=UTC)):
        filed = await filings.file_report(session, admin, filing_id=item_id, body="第四季度数据")
    assert filings.status_of_row(filed, date(2027, 3, 1)) is InboxStatus.MET_ON_TIME


async def test_an_item_filed_after_its_deadline_is_met_late(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr = (await make_filing_line(session, root)).dnr
    await duties.sweep(session, root, today=SWEPT)
    item = await _due(session, dnr.id)
    item_id, due_on = item.id, item.due_on
    assert due_on is not None
    admin = await actor_of(session, policy, await make_user(session, root, dnr))
    late = datetime.combine(due_on + timedelta(days=1), datetime.min.time(), UTC)
    with clock.frozen(late.replace(hour=2)):
        filed = await filings.file_report(session, admin, filing_id=item_id, body="第四季度数据")
    assert filings.status_of_row(filed, due_on + timedelta(days=30)) is InboxStatus.MET_LATE


async def test_an_override_needs_a_reason_a_future_date_its_own_office_and_a_default_deadline(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr, province = line.dnr, line.province
    await make_filed_plan(session, root, line)
    await duties.sweep(session, root, today=SWEPT)
    item = await _due(session, dnr.id)
    item_id, due_on = item.id, item.due_on
    admin = await actor_of(session, policy, await make_user(session, root, dnr))
    superior = await actor_of(session, policy, await make_user(session, root, province))

    with pytest.raises(ValidationFailed) as bad:
        await warnings.override_deadline(
            session, admin, filing_id=item_id, due_on=date(2026, 1, 1), reason="  "
        )
    assert sorted((e.code, e.field) for e in bad.value.errors) == [
        ("DATE_IN_PAST", "dueOn"),
        ("REQUIRED", "reason"),
    ]
    # the superior reads the item but the deadline is the filing office's to move
    with pytest.raises(DomainError) as forbidden:
        await warnings.override_deadline(
            session, superior, filing_id=item_id, due_on=date(2027, 3, 1), reason="延期"
        )
    assert forbidden.value.code == "FORBIDDEN"
    # a filing whose duty is not periodic has no computed deadline to move
    plan_filing = (
        (
            await session.execute(
                select(Filing).where(Filing.office_id == dnr.id, Filing.subject_type == "plan")
            )
        )
        .scalars()
        .first()
    )
    assert plan_filing is not None
    with pytest.raises(DomainError) as fixed:
        await warnings.override_deadline(
            session, admin, filing_id=plan_filing.id, due_on=date(2027, 3, 1), reason="延期"
        )
    assert fixed.value.code == "DEADLINE_FIXED"
    await session.refresh(item)
    assert (item.due_on, item.computed_due_on, item.override_reason) == (due_on, None, None)


OVERRIDE = """mutation($input: OverrideFilingDeadlineInput!) { overrideFilingDeadline(input: $input) {
  filing { dueOn computedDueOn overrideReason } userErrors { field code } } }"""
RECEIVED = """query($id: ID!) { node(id: $id) { ... on Office {
  filingsReceived(first: 50) { nodes { title dueOn computedDueOn overrideReason } } } } }"""
WARN = """mutation($input: SetFilingWarningInput!) { setFilingWarning(input: $input) {
  setting { ruleId yellowDays } userErrors { field code } } }"""


async def test_the_superior_sees_the_override_and_its_reason_over_the_api(
    api: Api, system: Any
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    dnr, province = line.dnr, line.province
    await duties.sweep(session, root, today=SWEPT)
    item = await _due(session, dnr.id)
    item_gid, computed = global_id("Filing", item.id), item.due_on.isoformat()  # type: ignore[union-attr]
    await session.commit()
    await api.reload_policy()
    moved = await api.gql(
        OVERRIDE,
        {"input": {"filingId": item_gid, "dueOn": "2027-02-15", "reason": "系统升级"}},
        user=line.dnr_admin.username,
    )
    assert moved["data"]["overrideFilingDeadline"] == {
        "filing": {"dueOn": "2027-02-15", "computedDueOn": computed, "overrideReason": "系统升级"},
        "userErrors": [],
    }
    seen = await api.gql(
        RECEIVED, {"id": global_id("Office", province.id)}, user=line.province_admin.username
    )
    rows = [
        n for n in seen["data"]["node"]["filingsReceived"]["nodes"] if "2026年第4季度" in n["title"]
    ]
    assert [(r["dueOn"], r["computedDueOn"], r["overrideReason"]) for r in rows] == [
        ("2027-02-15", computed, "系统升级")
    ]
    warned = await api.gql(
        WARN,
        {
            "input": {
                "officeId": global_id("Office", province.id),
                "ruleId": PERIODIC,
                "yellowDays": 10,
            }
        },
        user=line.province_admin.username,
    )
    assert warned["data"]["setFilingWarning"] == {
        "setting": {"ruleId": PERIODIC, "yellowDays": 10},
        "userErrors": [],
    }
