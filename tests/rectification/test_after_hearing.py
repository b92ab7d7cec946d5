"""After the hearing: the report revised as a new version goes to the party group (qh-zrzyt §17)
and the leading group may hear the target's rectification itself (nmg-2016 §34 ¶2). Each step
is a decision.* rule checked through require_body, refused with its article until what it
waits for exists; nothing written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.store import PolicyStore
from inspectnet.bodies.models import BodyKind
from inspectnet.errors import Forbidden, RuleViolation
from inspectnet.rectification import service
from inspectnet.rectification.models import PostSiteDecision
from inspectnet.reports import service as reports
from inspectnet.rules.format import DecisionMatter
from tests.bodies.factories import make_body
from tests.filings.factories import actor_of
from tests.rectification.factories import (
    NMG,
    QH,
    hear_and_consent,
    make_fed_back_inspection,
    make_reported_inspection,
)
from tests.reports.factories import make_report

TODAY = date(2026, 11, 25)


async def _decisions(session: Any, inspection_id: int, matter: DecisionMatter) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(
                PostSiteDecision.inspection_id == inspection_id, PostSiteDecision.matter == matter
            )
        )
        or 0
    )


async def test_the_revised_report_goes_to_the_party_group_once_revised(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    case = await make_reported_inspection(session, root, ruleset_id=QH)
    report = await make_report(session, root, case.inspection)
    await hear_and_consent(session, root, case)
    party_group = await actor_of(session, policy, case.consent_member)
    admin = await actor_of(session, policy, case.admin)
    step = {
        "inspection_id": case.inspection.id,
        "matter": DecisionMatter.REVISED_REPORT,
        "decided_on": TODAY,
        "text": "厅党组审议修改后的巡察报告",
    }

    with pytest.raises(RuleViolation) as early:
        await service.decide(session, party_group, **step)
    assert (early.value.code, early.value.article, early.value.rule_id) == (
        "REPORT_NOT_REVISED",
        "qh-zrzyt §17",
        "decision.revised_report",
    )
    assert str(early.value.message).endswith("再报厅党组（qh-zrzyt §17）")
    with pytest.raises(Forbidden):  # the office's admin is not the party group
        await service.decide(session, admin, **step)
    assert await _decisions(session, case.inspection.id, DecisionMatter.REVISED_REPORT) == 0

    # the team revises the report after the hearing: a new version, marked as such
    await reports.revise_report(session, root, report_id=report.id, note="按领导小组意见修改")
    decided = await service.decide(session, party_group, **step)
    assert (decided.decided_by, decided.rule_id, decided.article) == (
        "party_group",
        "decision.revised_report",
        "qh-zrzyt §17",
    )


async def test_the_leading_group_hears_the_targets_rectification_once_it_runs(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    before = await make_reported_inspection(session, root, ruleset_id=NMG)
    await hear_and_consent(session, root, before)
    after, _feedback = await make_fed_back_inspection(session, root, ruleset_id=NMG)
    step = {
        "matter": DecisionMatter.RECTIFICATION_HEARING,
        "decided_on": TODAY,
        "text": "领导小组听取被巡视党组织整改情况汇报",
    }

    group = await make_body(session, root, before.office, BodyKind.LEADING_GROUP)
    early_seat = await actor_of(session, policy, group.members[0])
    with pytest.raises(RuleViolation) as early:
        await service.decide(session, early_seat, inspection_id=before.inspection.id, **step)
    assert (early.value.code, early.value.article) == ("RECTIFICATION_NOT_STARTED", "nmg-2016 §34")
    assert await _decisions(session, before.inspection.id, step["matter"]) == 0

    seat = await make_body(session, root, after.office, BodyKind.LEADING_GROUP)
    leading = await actor_of(session, policy, seat.members[0])
    # the five-person group, which decides the use of results, does not hear it in its place
    five = await actor_of(session, policy, after.results_member)
    with pytest.raises(Forbidden):
        await service.decide(session, five, inspection_id=after.inspection.id, **step)
    heard = await service.decide(session, leading, inspection_id=after.inspection.id, **step)
    assert (heard.decided_by, heard.rule_id, heard.article) == (
        "leading_group",
        "decision.rectification_hearing",
        "nmg-2016 §34",
    )
