"""Duties that fall due: periodic filing duties become due items in the superior's inbox.

The seeds say only that some matters are filed periodically (qh-zrzyt §8(6) 定期报送,
nmg-2016 §16 日常联络) and give no period, deadline or warning. Until offices set their own,
these documented defaults apply:

* period: the calendar quarter (``PERIOD_MONTHS``);
* deadline: ``GRACE_WORKING_DAYS`` working days after the quarter ends, counted by the
  deadline engine's working-day calendar (rules/calendar.py, statutory holidays included);
* yellow: the days before the deadline the office filed to set for the duty, by default
  ``warnings.DEFAULT_YELLOW_DAYS`` calendar days (filings/warnings.py); red: past it.

The sweep then warns the filers of due items that turned yellow or red (filings/notices.py),
and runs the steps other domains plug into it (``SWEEP_STEPS`` of a domain's ``plugins.py``,
domains.py): rectification items and duties that turned yellow or red (rectification/warnings.py).

The sweep is idempotent and safe on several replicas at once: each due item has a unique
(series_key, number) and is inserted with ON CONFLICT DO NOTHING, so a second sweep, or a
concurrent one, adds nothing; each warning moves the item's ``warned`` forward in one
conditional UPDATE, so it is notified by whichever sweep moved it, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, domains
from inspectnet.authz.actor import Actor
from inspectnet.filings import notices, repository, warnings
from inspectnet.filings.models import Filing, FilingState, InboxStatus
from inspectnet.network.models import Office
from inspectnet.rules.calendar import PeriodUnit
from inspectnet.rules.format import FilingDutyRule
from inspectnet.rules.registry import get_ruleset
from inspectnet.rules.service import calendar_from_db

PERIOD_MONTHS = 3
GRACE_WORKING_DAYS = 10
INSERT_CHUNK = 500
IN_NETWORK = frozenset({"superior_office", "superior_leading_group"})


def last_quarter(today: date) -> tuple[int, int, date]:
    """(year, quarter, last day) of the last quarter that ended before ``today``."""
    quarter = (today.month - 1) // PERIOD_MONTHS  # the current quarter, 0-based
    year = today.year
    if quarter == 0:
        year, quarter = year - 1, 4
    first_of_current = date(today.year if quarter != 4 else year + 1, quarter * 3 % 12 + 1, 1)
    return year, quarter, first_of_current - timedelta(days=1)


@dataclass(frozen=True)
class Swept:
    """What one sweep did: due items created, warnings raised (each once), and the warnings
    the plugged-in steps raised."""

    created: int
    due_soon: int
    overdue: int
    plugged: int = 0


async def sweep(session: AsyncSession, actor: Actor, *, today: date | None = None) -> Swept:
    """Create the due items of the last ended quarter that do not exist yet, then warn."""
    today = today or clock.today_in_china()
    created = await _create_due_items(session, actor, today)
    warned = await notices.warn(session, actor, today)
    plugged = 0
    for step in domains.extensions("SWEEP_STEPS"):
        plugged += await step(session, actor, today)
    return Swept(created, warned[InboxStatus.DUE_SOON], warned[InboxStatus.OVERDUE], plugged)


async def make_due_item(
    session: AsyncSession,
    actor: Actor,
    *,
    office_id: int,
    ruleset_id: str,
    rule: FilingDutyRule,
    subject_type: str,
    subject_id: int,
    title: str,
    due_on: date | None = None,
) -> Filing | None:
    """A due item of one filing duty another domain's step owes (the secretary's speech at a
    hearing, qh-zrzyt §17): in the superior's inbox, filed through ``file_report``. None when
    the duty goes outside the network or the office has no superior to file to."""
    if rule.params.recipient.value not in IN_NETWORK:
        return None
    superior = await repository.direct_superior(session, office_id)
    if superior is None:
        return None
    warn_on = None
    if due_on is not None:
        (days,) = (await warnings.yellow_days(session, [(superior, rule.id)])).values()
        warn_on = due_on - timedelta(days=days)
    filing = Filing(
        office_id=office_id,
        to_office_id=superior,
        rule_id=rule.id,
        ruleset_id=ruleset_id,
        mode=rule.params.mode.value,
        recipient=rule.params.recipient.value,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_version=1,
        series_key=f"{subject_type}:{subject_id}:{rule.id}",
        number=1,
        title=title[:200],
        state=FilingState.DUE,
        due_on=due_on,
        warn_on=warn_on,
    )
    session.add(filing)
    await session.flush()
    return filing


async def _create_due_items(session: AsyncSession, actor: Actor, today: date) -> int:
    year, quarter, period_end = last_quarter(today)
    calendar = await calendar_from_db(session)
    due_on = calendar.end_of_period(period_end, PeriodUnit.WORKING_DAYS, GRACE_WORKING_DAYS).on
    now = clock.now()
    rows: list[dict[str, Any]] = []
    plan: list[tuple[Office, int, FilingDutyRule]] = []
    # system scope: the sweep acts for the platform over every office's duties; a retired
    # office (network.retirement) has none any more
    offices = (
        (
            await session.execute(
                select(Office).where(Office.archived_at.is_(None)).order_by(Office.id)
            )
        )
        .scalars()
        .all()
    )
    for office in offices:
        duties = [
            rule
            for rule in get_ruleset(office.ruleset_id).of_type(FilingDutyRule)
            if rule.params.periodic
            and rule.params.recipient.value in IN_NETWORK
            and (not rule.params.filer_kinds or office.kind.value in rule.params.filer_kinds)
        ]
        if not duties:
            continue
        superior = await repository.direct_superior(session, office.id)
        if superior is None:
            continue
        plan.extend((office, superior, rule) for rule in duties)
    thresholds = await warnings.yellow_days(session, [(s, r.id) for _, s, r in plan])
    for office, superior, rule in plan:
        rows.append(
            {
                "office_id": office.id,
                "to_office_id": superior,
                "rule_id": rule.id,
                "ruleset_id": office.ruleset_id,
                "mode": rule.params.mode.value,
                "recipient": rule.params.recipient.value,
                "subject_type": "period",
                "subject_id": year * 10 + quarter,
                "subject_version": 1,
                "series_key": f"duty:{rule.id}:{office.id}:{year}Q{quarter}",
                "number": 1,
                "title": f"{rule.name}（{year}年第{quarter}季度）",
                "state": FilingState.DUE.value,
                "due_on": due_on,
                "warn_on": due_on - timedelta(days=thresholds[(superior, rule.id)]),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    existing = set(
        (
            await session.execute(
                # system scope: which due items exist already, by key, across every office
                select(Filing.series_key).where(
                    Filing.series_key.in_([r["series_key"] for r in rows]), Filing.number == 1
                )
            )
        ).scalars()
    )
    missing = [r for r in rows if r["series_key"] not in existing]
    if not missing:
        return 0
    dialect = session.bind.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # A replica sweeping at the same moment inserts the same keys: the loser's rows are
    # skipped (it waits for the winner's commit on the unique key), and only rows really
    # inserted are counted.
    inserted = 0
    for start in range(0, len(missing), INSERT_CHUNK):  # bound parameters stay under the limit
        statement = (
            insert(Filing)
            .values(missing[start : start + INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["series_key", "number"])
            .returning(Filing.id)
        )
        inserted += len((await session.execute(statement)).all())
    return inserted
