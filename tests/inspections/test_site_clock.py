"""The on-site clock (qh-zrzyt §11): working days on the Chinese calendar, bounds need a decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from inspectnet import clock
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import RuleViolation
from inspectnet.filings import service as filings
from inspectnet.filings.models import Decision
from inspectnet.ids import global_id
from inspectnet.inspections import service, stages
from inspectnet.inspections.models import Stage
from inspectnet.inspections.site_clock import clock_of, working_days_between
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from inspectnet.rules.calendar import WorkingDayCalendar
from inspectnet.rules.registry import get_ruleset
from tests.conftest import Api
from tests.factories import make_office, make_staff, make_target
from tests.filings.factories import actor_of, make_filing_line
from tests.inspections.factories import make_inspection, move_to

# 2026's National Day: 1–7 October off, Sunday 27 September and Saturday 10 October worked.
HOLIDAYS = [date(2026, 10, d) for d in range(1, 8)]
MAKE_UP = [date(2026, 9, 27), date(2026, 10, 10)]
CALENDAR = WorkingDayCalendar.weekends_only().with_year(
    2026, holidays=HOLIDAYS, workdays=MAKE_UP, source="test"
)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [
        (date(2026, 11, 2), date(2026, 11, 2), 1),  # the entry day counts
        (date(2026, 11, 2), date(2026, 11, 13), 10),  # two working weeks
        (date(2026, 11, 7), date(2026, 11, 8), 0),  # a weekend
        (date(2026, 9, 21), date(2026, 10, 16), 17),  # 5+1+3 | 1–7 Oct off | 2+1+5
        (date(2026, 11, 3), date(2026, 11, 2), 0),
    ],
)
def test_working_days_count_both_ends_on_the_chinese_calendar(
    first: date, last: date, days: int
) -> None:
    assert working_days_between(CALENDAR, first, last) == days


def test_the_clock_of_a_stay_states_its_convention_and_bounds() -> None:
    qh = get_ruleset("qh-zrzyt")
    events = [(Stage.ON_SITE, at(date(2026, 11, 2))), (Stage.LEFT_SITE, at(date(2026, 11, 13)))]
    found = clock_of(events, qh, CALENDAR, date(2026, 11, 25))
    assert found is not None
    assert (found.working_days, found.min_days, found.max_days, found.outside) == (10, 20, 40, True)
    assert (found.left, found.until, found.provisional) == (True, date(2026, 11, 13), False)
    assert "进驻当日和撤离当日如为工作日均计入" in found.convention
    # Still on site: counted to today; nmg sets no bounds, so nothing is outside
    nmg = clock_of(events[:1], get_ruleset("nmg-2016"), CALENDAR, date(2027, 1, 4))
    assert nmg is not None and (nmg.left, nmg.rule, nmg.outside) == (False, None, False)
    assert nmg.provisional  # 2027 is not in this calendar: weekends alone, said so
    assert clock_of([], qh, CALENDAR, date(2026, 11, 25)) is None


async def _on_site_in_qinghai(session: Any, root: Actor, policy: PolicyStore) -> tuple[Actor, Any]:
    line = await make_filing_line(session, root)
    dnr = await actor_of(session, policy, line.dnr_admin)
    group = await actor_of(session, policy, line.group_member)
    plan = await planning.create_plan(
        session,
        dnr,
        office_id=line.dnr.id,
        kind=PlanKind.ANNUAL,
        title="2026年度巡察工作计划",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    await planning.set_item(
        session, dnr, plan_id=plan.id, target_id=line.target.id, mode="mode.regular", leader="韩明"
    )
    filed = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id="filing.work_approval")
    await filings.decide(session, group, filing_id=filed.id, decision=Decision.APPROVE)
    inspection = await service.create_inspection(
        session, dnr, target_id=line.target.id, name="2026年第二轮巡察", plan_id=plan.id
    )
    with clock.frozen(at(date(2026, 11, 2))):
        inspection = await move_to(session, dnr, inspection, Stage.ON_SITE)
    return dnr, inspection


async def test_leaving_after_ten_working_days_needs_the_offices_recorded_decision(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr, inspection = await _on_site_in_qinghai(session, root, policy)

    with clock.frozen(at(date(2026, 11, 13))):
        with pytest.raises(RuleViolation) as refused:
            await stages.advance_inspection(
                session, dnr, inspection_id=inspection.id, stage=Stage.LEFT_SITE
            )
        assert (refused.value.code, refused.value.article, refused.value.field) == (
            "SITE_STAY_NEEDS_DECISION",
            "qh-zrzyt §11",
            "decision",
        )
        assert "现场巡察10个工作日" in refused.value.message
        await session.refresh(inspection)
        assert inspection.stage is Stage.ON_SITE

        left = await stages.advance_inspection(
            session,
            dnr,
            inspection_id=inspection.id,
            stage=Stage.LEFT_SITE,
            decision="巡察办会议决定：该单位规模较小，现场巡察10个工作日即可完成",
        )
    assert left.stage is Stage.LEFT_SITE


async def test_leaving_within_the_bounds_needs_no_decision(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    dnr, inspection = await _on_site_in_qinghai(session, root, policy)
    # 2 November to 27 November 2026 (no holiday): 20 working days, the minimum
    with clock.frozen(at(date(2026, 11, 2) + timedelta(days=25))):
        left = await stages.advance_inspection(
            session, dnr, inspection_id=inspection.id, stage=Stage.LEFT_SITE
        )
    assert left.stage is Stage.LEFT_SITE


CLOCK = """query($id: ID!) { node(id: $id) { ... on Inspection {
  siteClock { enteredOn until left workingDays minDays maxDays outside convention }
  transitions(first: 1, orderBy: {field: ID, direction: DESC}) { nodes { decision } } } } }"""


async def test_the_clock_reads_over_graphql(api: Api, system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    staff = await make_staff(session, root, office)
    with clock.frozen(at(date(2026, 11, 2))):
        inspection = await make_inspection(
            session, root, (await make_target(session, root, office)).id
        )
        await move_to(session, root, inspection, Stage.ON_SITE)
    await session.commit()
    await api.reload_policy()
    with clock.frozen(at(date(2026, 11, 6))):
        read = await api.gql(
            CLOCK, {"id": global_id("Inspection", inspection.id)}, user=staff.member
        )
    node = read["data"]["node"]
    assert node["siteClock"] == {
        "enteredOn": "2026-11-02",
        "until": "2026-11-06",
        "left": False,
        "workingDays": 5,
        "minDays": None,  # nmg-2016 sets no stay
        "maxDays": None,
        "outside": False,
        "convention": node["siteClock"]["convention"],
    }
    assert node["transitions"]["nodes"] == [{"decision": None}]
