"""The superior's inbox: three colours, counts that agree with rows, bounded statements and rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import Any
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, insert

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.filings import service as filings
from inspectnet.filings.models import Filing, FilingState
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from tests.conftest import FROZEN_AT, Api
from tests.factories import make_region, make_user
from tests.filings.factories import actor_of
from tests.sqlcount import count_statements

TODAY = FROZEN_AT.date()  # 2026-11-25, 17:00 in Beijing: the same date
RULE = "filing.liaison_report"
# The test's rows fall due from mid-November: the filter keeps them, and shows it works.
RECENT = {"dueFrom": "2026-11-01"}

INBOX = """query($id: ID!, $first: Int, $after: String, $filter: FilingFilter) {
  node(id: $id) { ... on Office {
    inbox(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id title status colour office { id } toOffice { code } dueOn } }
    inboxCounts(filter: $filter) { status count } } } }"""


@dataclass(frozen=True)
class Leagues:
    """A region of the test's own with twelve leagues' liaison bodies (as 内蒙古 has), the
    region's admin and the first league's admin."""

    region: Office
    leagues: list[Office]
    region_admin: UserAccount
    league_admin: str


async def _leagues(api: Api, db: Database) -> Leagues:
    async with db.transaction() as session:
        actor = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        made = await make_region(session, actor, subordinates=12)
        admin = await make_user(session, actor, made.top, Role.OFFICE_ADMIN)
        league = await make_user(session, actor, made.subordinates[0], Role.OFFICE_ADMIN)
    await api.reload_policy()
    return Leagues(made.top, list(made.subordinates), admin, league.username)


def _row(n: int, office: Office, to: Office, *, state: FilingState, due: date, **kw: Any) -> dict:
    return {
        "office_id": office.id,
        "to_office_id": to.id,
        "rule_id": RULE,
        "ruleset_id": "nmg-2016",
        "mode": "record",
        "recipient": "superior_office",
        "subject_type": "report",
        "subject_id": n,
        "subject_version": 1,
        "series_key": f"report:{office.id}:{n}",
        "number": 1,
        "title": kw.pop("title", f"{office.name}第{n}期联络工作情况"),
        "state": state,
        "due_on": due,
        "warn_on": due - timedelta(days=5),
        "created_at": FROZEN_AT,
        "updated_at": FROZEN_AT,
        "version": 1,
        **kw,
    }


async def _fill(
    db: Database, region: Office, leagues: list[Office], total: int, start: int = 0
) -> None:
    """``total`` items over the leagues: overdue, due soon, open, met on time and met late."""
    rows = []
    for n in range(start, start + total):
        league = leagues[n % len(leagues)]
        kind = n % 5
        if kind == 0:  # overdue: due three days ago, nothing filed
            rows.append(_row(n, league, region, state=FilingState.DUE, due=TODAY - timedelta(3)))
        elif kind == 1:  # due in two days: inside the 5-day warning
            rows.append(_row(n, league, region, state=FilingState.DUE, due=TODAY + timedelta(2)))
        elif kind == 2:  # due in thirty days
            rows.append(_row(n, league, region, state=FilingState.DUE, due=TODAY + timedelta(30)))
        else:  # filed: on time (kind 3) or two days late (kind 4)
            filed = TODAY - timedelta(10)
            due = filed if kind == 3 else filed - timedelta(2)
            rows.append(
                _row(
                    n,
                    league,
                    region,
                    state=FilingState.ACKNOWLEDGED,
                    due=due,
                    submitted_at=FROZEN_AT - timedelta(10),
                    submitted_on=filed,
                    snapshot={"title": "情况报告"},
                )
            )
    async with db.transaction() as session:
        for start in range(0, len(rows), 2000):
            await session.execute(insert(Filing), rows[start : start + 2000])


@contextmanager
def loaded_filings() -> Iterator[list[int]]:
    """How many Filing rows the ORM materialises inside the block."""
    seen = [0]

    def on_load(*_args: Any) -> None:
        seen[0] += 1

    event.listen(Filing, "load", on_load)
    try:
        yield seen
    finally:
        event.remove(Filing, "load", on_load)


async def test_the_region_inbox_shows_overdue_red_and_its_counts_agree_with_its_rows(
    api: Api, db: Database
) -> None:
    net = await _leagues(api, db)
    region, leagues, admin = net.region, net.leagues, net.region_admin.username
    await _fill(db, region, leagues, 60)
    rid = global_id("Office", region.id)
    seen: list[dict] = []
    after = None
    while True:
        result = await api.gql(
            INBOX, {"id": rid, "first": 25, "after": after, "filter": RECENT}, user=admin
        )
        assert "errors" not in result, result
        inbox = result["data"]["node"]["inbox"]
        seen.extend(inbox["nodes"])
        if not inbox["pageInfo"]["hasNextPage"]:
            break
        after = inbox["pageInfo"]["endCursor"]
    counts = {c["status"]: c["count"] for c in result["data"]["node"]["inboxCounts"]}
    assert counts == {
        "OVERDUE": 12,
        "DUE_SOON": 12,
        "OPEN": 12,
        "MET_ON_TIME": 12,
        "MET_LATE": 12,
    }
    assert Counter(n["status"] for n in seen) == Counter(counts)
    assert inbox["totalCount"] == len(seen) == 60
    colours = {(n["status"], n["colour"]) for n in seen}
    assert colours == {
        ("OVERDUE", "RED"),
        ("DUE_SOON", "YELLOW"),
        ("OPEN", "GREEN"),
        ("MET_ON_TIME", None),
        ("MET_LATE", None),
    }
    # Filtered by one league and by status: counts and rows still agree
    league = leagues[1]
    narrowed = {"fromOfficeId": global_id("Office", league.id), "status": "OVERDUE"} | RECENT
    result = await api.gql(INBOX, {"id": rid, "first": 100, "filter": narrowed}, user=admin)
    node = result["data"]["node"]
    rows = node["inbox"]["nodes"]
    assert {r["office"]["id"] for r in rows} == {global_id("Office", league.id)}
    assert {r["status"] for r in rows} == {"OVERDUE"}
    assert {r["toOffice"]["code"] for r in rows} == {region.code}
    assert {c["status"]: c["count"] for c in node["inboxCounts"]}["OVERDUE"] == len(rows) == 1


async def test_a_league_sees_neither_the_region_inbox_nor_another_leagues_filings(
    api: Api, db: Database
) -> None:
    net = await _leagues(api, db)
    region, leagues, mine = net.region, net.leagues, net.league_admin
    await _fill(db, region, leagues, 24)
    other_league = leagues[3]
    made = """query($id: ID!) { node(id: $id) { ... on Office {
      filingsMade(first: 50) { totalCount } } } }"""
    own = await api.gql(made, {"id": global_id("Office", leagues[0].id)}, user=mine)
    assert own["data"]["node"]["filingsMade"]["totalCount"] == 2  # the two made here
    other = await api.gql(made, {"id": global_id("Office", other_league.id)}, user=mine)
    assert other["data"]["node"] is None or other["data"]["node"]["filingsMade"]["totalCount"] == 0
    inbox = await api.gql(INBOX, {"id": global_id("Office", region.id), "first": 10}, user=mine)
    node = inbox["data"]["node"]
    # Through the region's inbox a league sees its own filings and no other league's
    league = global_id("Office", leagues[0].id)
    assert node["inbox"]["totalCount"] == 2
    assert {n["office"]["id"] for n in node["inbox"]["nodes"]} == {league}
    assert sum(c["count"] for c in node["inboxCounts"]) == 2


@pytest.mark.parametrize("total", [100, 10_000])
async def test_the_inbox_costs_the_same_statements_and_a_page_of_rows_whatever_its_size(
    api: Api, db: Database, total: int
) -> None:
    net = await _leagues(api, db)
    region, leagues, admin = net.region, net.leagues, net.region_admin.username
    rid = global_id("Office", region.id)
    await _fill(db, region, leagues[:3], total * 3 // 4)  # from three leagues ...
    engine = api.app.state.graphql.database.sync_engine

    async def measure(first: int) -> tuple[int, int]:
        with count_statements(engine) as statements, loaded_filings() as rows:
            result = await api.gql(INBOX, {"id": rid, "first": first}, user=admin)
        assert "errors" not in result, result
        assert len(result["data"]["node"]["inbox"]["nodes"]) == first
        return statements.count, rows[0]

    small, small_rows = await measure(5)
    large, large_rows = await measure(50)
    await _fill(db, region, leagues, total // 4, start=total)  # ... then from all twelve
    after_more_offices, more_rows = await measure(50)
    assert small == large == after_more_offices
    # A page and the one row that says whether another page follows; counts are aggregates
    assert (small_rows, large_rows, more_rows) == (6, 51, 51)


async def test_the_xlsx_export_has_the_inbox_rows_and_a_formula_title_stays_text(
    api: Api, db: Database
) -> None:
    net = await _leagues(api, db)
    region, leagues, admin = net.region, net.leagues, net.region_admin.username
    await _fill(db, region, leagues, 24)
    injected = '=HYPERLINK("http://evil.example","点此")'
    async with db.transaction() as session:
        await session.execute(
            insert(Filing),
            [_row(999, leagues[0], region, state=FilingState.DUE, due=TODAY, title=injected)],
        )
    rid = global_id("Office", region.id)
    result = await api.gql(INBOX, {"id": rid, "first": 100}, user=admin)
    nodes = result["data"]["node"]["inbox"]["nodes"]
    policy = api.app.state.graphql.policy
    async with db.transaction() as session:
        actor = await actor_of(session, policy, net.region_admin)
        progress: list[tuple[int, int]] = []
        data = await filings.export_inbox(
            session, actor, office_id=region.id, progress=lambda d, t: progress.append((d, t))
        )
    sheet = load_workbook(BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header == [
        "报送机构",
        "报备报批事项",
        "标题",
        "版本",
        "状态",
        "预警",
        "报送期限",
        "报送日期",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 48
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(nodes) == 25  # the test's 24 and the injected one
    assert sorted(r[2].value for r in rows) == sorted(n["title"] for n in nodes)
    assert progress[-1] == (len(rows), len(rows))
    cell = next(r[2] for r in rows if r[2].value == injected)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    # The file holds it as a shared string, not a formula element
    with ZipFile(BytesIO(data)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()
    statuses = Counter(r[5].value for r in rows)
    assert statuses["逾期"] == Counter(n["status"] for n in nodes)["OVERDUE"] == 5
