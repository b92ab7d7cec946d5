""" "The body the ruleset names decides" (qh-zrzyt §3): the rule names the body (``decided_by``),
and the door admits only its seats; an office admin off the body, a member of another body of
the same office, or a member of the same kind of body elsewhere is refused, and nothing changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies import repository as bodies_repository
from inspectnet.bodies import service as bodies
from inspectnet.bodies.models import BodyKind, Position
from inspectnet.errors import Forbidden, NotFound
from inspectnet.filings import service as filings
from inspectnet.filings.models import Decision, FilingDecision, FilingState
from inspectnet.planning import service as planning
from inspectnet.planning.models import PlanKind
from inspectnet.rules.format import FilingDutyRule
from inspectnet.rules.params import FilingDutyParams
from inspectnet.rules.registry import get_ruleset
from tests.factories import make_user
from tests.filings.factories import actor_of, make_filing_line


async def _seat(session: Any, root: Any, office: Any, kind: BodyKind, position: Position) -> Any:
    body = await bodies_repository.find_body(session, root, office.id, kind)
    if body is None:
        body = await bodies.create_body(
            session, root, office_id=office.id, kind=kind, name=f"{kind.value}测试"
        )
    account = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await bodies.seat_member(session, root, body_id=body.id, user_id=account.id, position=position)
    return account


def test_the_approval_rule_names_its_deciding_body_and_a_record_names_none() -> None:
    rule = get_ruleset("qh-zrzyt").rule_of("filing.work_approval", FilingDutyRule)
    assert rule.params.decided_by is not None and rule.params.decided_by.value == "leading_group"
    assert (
        get_ruleset("qh-zrzyt").rule_of("filing.annual_plan", FilingDutyRule).params.decided_by
        is None
    )
    base = {"recipient": "superior_leading_group", "recipient_zh": "省委巡视工作领导小组"}
    with pytest.raises(ValidationError, match="decided_by"):
        FilingDutyParams.model_validate({"mode": "approval", **base})
    with pytest.raises(ValidationError, match="decided_by"):
        FilingDutyParams.model_validate({"mode": "record", "decided_by": "leading_group", **base})


async def test_only_a_seat_of_the_named_body_decides_an_approval(
    system: Any, policy: PolicyStore
) -> None:
    session, root = system
    line = await make_filing_line(session, root)
    # The province's five-person group, and the DNR's own leading group: bodies, not the one.
    five = await _seat(session, root, line.province, BodyKind.FIVE_PERSON_GROUP, Position.HEAD)
    dnr_group = await _seat(session, root, line.dnr, BodyKind.LEADING_GROUP, Position.HEAD)
    dnr = await actor_of(session, policy, line.dnr_admin)
    plan = await planning.create_plan(
        session,
        dnr,
        office_id=line.dnr.id,
        kind=PlanKind.ANNUAL,
        title="2027年度巡察工作计划",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    await planning.set_item(
        session, dnr, plan_id=plan.id, target_id=line.target.id, mode="mode.regular", leader="韩明"
    )
    filing = await filings.file_plan(session, dnr, plan_id=plan.id, rule_id="filing.work_approval")
    before = await session.scalar(select(func.count()).select_from(FilingDecision))

    refused = {
        "five-person group": (await actor_of(session, policy, five), Forbidden),
        "province admin": (await actor_of(session, policy, line.province_admin), Forbidden),
        # the filer's own leading group: not the office filed to, and not a recipient of it
        "dnr leading group": (await actor_of(session, policy, dnr_group), (Forbidden, NotFound)),
    }
    for who, (actor, error) in refused.items():
        with pytest.raises(error):
            await filings.decide(session, actor, filing_id=filing.id, decision=Decision.APPROVE)
        await session.refresh(filing)
        assert filing.state is FilingState.SUBMITTED, who
    assert await session.scalar(select(func.count()).select_from(FilingDecision)) == before

    member = await actor_of(session, policy, line.group_member)
    await filings.decide(session, member, filing_id=filing.id, decision=Decision.APPROVE)
    await session.refresh(filing)
    assert filing.state is FilingState.APPROVED
