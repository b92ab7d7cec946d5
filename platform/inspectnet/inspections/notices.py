"""The written notice and the public announcement (qh-zrzyt §13), the briefing of the target's
principal on entry (nmg-2016 §25), and the gate that lets no team in before the notice.

The office records the notice (its date and what it says of the inspection) and the
announcement (scope, method, schedule, address, mailbox, phone and, once online intake exists,
its address) as structured data, kept for disclosure and generated as a DOCX on request
(announcement.py). Both may change until the team enters; from then they are what was
published. The inspected organisation reads them (``__authz_target_side__``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.concurrency import expect_version
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, InspectionNotice, Stage
from inspectnet.inspections.repository import notice_of
from inspectnet.inspections.stages import ruleset_of
from inspectnet.network.models import Office
from inspectnet.rules.format import Ruleset, StageRule

# Written and announced before the team goes in (于巡察组进驻前, qh-zrzyt §13).
BEFORE_ENTRY = (Stage.PLANNED, Stage.TEAM_FORMED, Stage.NOTIFIED)
ANNOUNCED = (
    "scope",
    "method",
    "site_from",
    "site_until",
    "address",
    "mailbox",
    "phone",
    "online_address",
)


def _check(
    inputs: validation.Inputs, notice_on: date, site_from: date, site_until: date, article: str
) -> None:
    inputs.date(notice_on, "noticeOn")
    inputs.date(site_from, "siteFrom")
    inputs.date(site_until, "siteUntil")
    if site_until < site_from:
        inputs.add(
            ValidationFailed(
                "进驻结束日期不能早于开始日期", code="PERIOD_INVALID", field="siteUntil"
            )
        )
    if notice_on > site_from:
        inputs.add(
            ValidationFailed(
                f"书面通知须于巡视（巡察）组进驻前发出（{article}）",
                code="NOTICE_AFTER_ENTRY",
                field="noticeOn",
            )
        )


async def record_notice(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    notice_on: date,
    scope: str,
    method: str,
    site_from: date,
    site_until: date,
    address: str,
    mailbox: str,
    phone: str,
    online_address: str | None = None,
    version: int | None = None,
) -> InspectionNotice:
    """Record (or, before entry, correct) the written notice and the announcement."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    found = await notice_of(session, inspection.id)
    if found is None:
        await require_in(
            session,
            actor,
            "create",
            InspectionNotice,
            inspection.office_id,
            inspection.target_id,
            inspection_id=inspection.id,
        )
    else:
        found = await get_readable(session, actor, InspectionNotice, found.id)
        await require(session, actor, "update", found)
        expect_version(found, version)
    inputs = validation.Inputs()
    values = {
        "scope": inputs.text(InspectionNotice.scope, scope),
        "method": inputs.text(InspectionNotice.method, method),
        "address": inputs.text(InspectionNotice.address, address),
        "mailbox": inputs.text(InspectionNotice.mailbox, mailbox),
        "phone": inputs.text(InspectionNotice.phone, phone),
        "online_address": inputs.text(
            InspectionNotice.online_address, online_address, field="onlineAddress"
        ),
    }
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    rule = entry_rule(ruleset_of(office))
    _check(inputs, notice_on, site_from, site_until, rule.article if rule else "")
    inputs.done()
    if inspection.stage not in BEFORE_ENTRY:
        raise Conflict(
            "巡察组已进驻，书面通知和巡察公告已发布，不能再修改",
            code="NOTICE_PUBLISHED",
            field="inspectionId",
        )
    dates = {"notice_on": notice_on, "site_from": site_from, "site_until": site_until}
    notice = found or InspectionNotice(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
    )
    for name, value in (values | dates).items():
        setattr(notice, name, value)
    session.add(notice)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.notice.record" if found is None else "inspection.notice.update",
        office_id=notice.office_id,
        object_id=global_id_of(notice),
        detail={"notice_on": notice_on.isoformat(), "site": [str(site_from), str(site_until)]},
    )
    return notice


async def record_briefing(
    session: AsyncSession,
    actor: Actor,
    *,
    notice_id: int,
    briefed_on: date,
    principal: str,
    version: int | None = None,
) -> InspectionNotice:
    """Record that the team briefed the target's principal on its task and arrangements, after
    entering (进驻后…通报巡视任务和工作安排, nmg-2016 §25)."""
    notice = await get_readable(session, actor, InspectionNotice, notice_id)
    await require(session, actor, "update", notice)
    expect_version(notice, version)
    inspection = await get_readable(session, actor, Inspection, notice.inspection_id)
    inputs = validation.Inputs()
    person = inputs.text(InspectionNotice.briefed_person, principal, field="principal")
    inputs.date(briefed_on, "briefedOn")
    if person is None:
        inputs.add(ValidationFailed("须写明被通报的主要负责人", code="REQUIRED", field="principal"))
    inputs.done()
    if inspection.stage is not Stage.ON_SITE:
        raise Conflict(
            "向被巡视党组织主要负责人通报在巡视组进驻后、现场巡视期间进行（nmg-2016 §25）",
            code="BRIEFING_NOT_ON_SITE",
            field="noticeId",
        )
    notice.briefed_on, notice.briefed_person = briefed_on, person
    await session.flush()
    await record(
        session,
        actor,
        "inspection.notice.briefing",
        office_id=notice.office_id,
        object_id=global_id_of(notice),
        detail={"briefed_on": briefed_on.isoformat()},
    )
    return notice


def entry_rule(ruleset: Ruleset) -> StageRule | None:
    """The rule naming the written notice (``stage.notified``), cited by the gate."""
    return ruleset.stage_rule(Stage.NOTIFIED)
