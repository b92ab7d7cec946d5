"""The recusal workflow (回避, nmg-2016 §12, qh-zrzyt §27): a team member or candidate
declares, anyone with standing (the inspected organisation included) challenges, the office
verifies and decides, and the body the ruleset names approves the replacement.

Upheld, the case records the door's recusal (authz/recusals.py): the person reads nothing of
the target from then on, and their place on the team ends. A recusal ends only by a recorded
decision on its case, never by the recused person (the door refuses their own lifting).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.accounts.models import UserAccount
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_body
from inspectnet.authz.models import Recusal
from inspectnet.authz.recusals import end_recusal, identity_of, record_recusal
from inspectnet.concurrency import expect_version, transition
from inspectnet.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections import repository, service
from inspectnet.inspections.conflicts import GROUND_ZH
from inspectnet.inspections.models import (
    Inspection,
    RecusalCase,
    RecusalCaseKind,
    RecusalCaseStatus,
    Stage,
    TeamAssignment,
    TeamRole,
)
from inspectnet.inspections.stages import ruleset_of
from inspectnet.network.models import Office
from inspectnet.people.models import PoolMembership
from inspectnet.rules.format import ApprovalMatter, RecusalGround, RecusalGroundRule, Ruleset

PENDING, UPHELD = RecusalCaseStatus.PENDING, RecusalCaseStatus.UPHELD


async def _ruleset(session: AsyncSession, inspection: Inspection) -> Ruleset:
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    return ruleset_of(office)


def _reasons(attribute: object, value: str, field: str) -> str:
    """A decision's text: required, though the column is empty until the decision."""
    inputs = validation.Inputs()
    text = inputs.text(attribute, value, field=field)  # type: ignore[arg-type]
    inputs.done()
    if text is None:
        raise ValidationFailed("须写明决定及理由", code="REQUIRED", field=field)
    return str(text)


def _ground_rule(ruleset: Ruleset, ground: RecusalGround) -> RecusalGroundRule:
    """The ruleset's rule for a ground; a ground it does not list is refused with its grounds."""
    rules = ruleset.of_type(RecusalGroundRule)
    found = next((r for r in rules if r.params.ground is ground), None)
    if found is None:
        listed = "、".join(GROUND_ZH.get(r.params.ground, r.name) for r in rules)
        raise ValidationFailed(
            f"本机构适用的规定所列回避情形为：{listed}",
            code="GROUND_NOT_IN_RULESET",
            field="ground",
        )
    return found


async def _active_roles(
    session: AsyncSession, inspection_id: int, person_id: int
) -> list[TeamAssignment]:
    """The person's places on the team now, through any of their accounts."""
    now = clock.now()
    # system scope: whether the person stands on the team is weighed whoever asks
    rows = await session.scalars(
        select(TeamAssignment)
        .join(UserAccount, UserAccount.id == TeamAssignment.user_id)
        .where(
            TeamAssignment.inspection_id == inspection_id,
            UserAccount.person_id == person_id,
            or_(TeamAssignment.valid_until.is_(None), TeamAssignment.valid_until > now),
        )
        .order_by(TeamAssignment.id)
    )
    return list(rows)


async def _is_candidate(session: AsyncSession, office_id: int, person_id: int) -> bool:
    """Whether the person is in one of the office's pools (a candidate for its teams)."""
    # system scope: as above, standing on the team's side is weighed whoever asks
    found = await session.scalar(
        select(PoolMembership.id).where(
            PoolMembership.office_id == office_id, PoolMembership.person_id == person_id
        )
    )
    return found is not None


async def raise_case(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    person_id: int,
    kind: RecusalCaseKind,
    ground: RecusalGround,
    statement: str,
) -> RecusalCase:
    """Declare one's own recusal, or challenge a team member's or candidate's standing."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    ruleset = await _ruleset(session, inspection)
    inputs = validation.Inputs()
    text = inputs.text(RecusalCase.statement, statement)
    rule: RecusalGroundRule | None = None
    try:
        rule = _ground_rule(ruleset, ground)
    except ValidationFailed as problem:
        inputs.add(problem)
    own = actor.person_id is not None and (
        await identity_of(session, actor.person_id) == await identity_of(session, person_id)
    )
    if kind is RecusalCaseKind.DECLARATION and not own:
        inputs.add(
            ValidationFailed(
                "本人申请回避只能由本人提出；对他人请提出回避申请",
                code="DECLARATION_NOT_OWN",
                field="personId",
            )
        )
    inputs.done()
    assert rule is not None  # a missing rule was reported above
    case = RecusalCase(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        person_id=person_id,
        kind=kind,
        ground=ground,
        rule_id=rule.id,
        article=rule.article,
        statement=text,
        status=PENDING,
    )
    # Standing: the office, the team on its mission, or the inspected organisation (policy).
    await require(session, actor, "create", case)
    if inspection.stage is Stage.ARCHIVED:
        raise Conflict("巡视（巡察）已归档", code="INSPECTION_ARCHIVED", field="inspectionId")
    on_team = await _active_roles(session, inspection.id, person_id)
    if not on_team and not await _is_candidate(session, inspection.office_id, person_id):
        raise RuleViolation(
            f"回避针对的是巡视（巡察）组成员或人选，该人员不在组内也不是人选（{rule.article}）",
            code="RECUSAL_SUBJECT_NOT_ON_TEAM",
            field="personId",
            rule_id=rule.id,
            article=rule.article,
        )
    if await repository.recused(session, await identity_of(session, person_id), case.target_id):
        raise Conflict("该人员已对此对象回避", code="ALREADY_RECUSED", field="personId")
    if await repository.open_case(session, inspection.id, person_id) is not None:
        raise Conflict("该人员已有待审核的回避申请", code="RECUSAL_CASE_PENDING", field="personId")
    session.add(case)
    await session.flush()
    await record(
        session,
        actor,
        f"recusal_case.{kind.value}",
        office_id=case.office_id,
        object_id=global_id_of(case),
        detail={"person": person_id, "ground": ground.value, "article": rule.article},
    )
    return case


async def _own_case(session: AsyncSession, actor: Actor, case: RecusalCase) -> bool:
    if actor.person_id is None:
        return False
    return await identity_of(session, actor.person_id) == await identity_of(session, case.person_id)


async def decide_case(
    session: AsyncSession,
    actor: Actor,
    *,
    case_id: int,
    upheld: bool,
    decision: str,
    version: int | None = None,
) -> RecusalCase:
    """The office's verification: upheld records the recusal and ends the person's place on
    the team; dismissed keeps them, with the reasons. One decision wins (CONFLICT for others)."""
    case = await get_readable(session, actor, RecusalCase, case_id)
    await require(session, actor, "decide", case)
    expect_version(case, version)
    if await _own_case(session, actor, case):
        raise Forbidden("不得审核本人的回避申请", code=Forbidden.default_code)
    reasons = _reasons(RecusalCase.decision, decision, "decision")
    if case.status is not PENDING:
        raise Conflict("该回避申请已有决定", code="RECUSAL_CASE_DECIDED", field="caseId")
    status = UPHELD if upheld else RecusalCaseStatus.DISMISSED
    now = clock.now()
    values: dict[str, object] = {
        "decision": reasons,
        "decided_by": actor.user_id,
        "decided_at": now,
    }
    if upheld:
        recusal = await record_recusal(
            session,
            actor,
            person_id=case.person_id,
            target_id=case.target_id,
            reason=f"{GROUND_ZH.get(case.ground, '回避')}（{case.article}）：{reasons}"[:500],
        )
        roles = await _active_roles(session, case.inspection_id, case.person_id)
        for assignment in roles:
            await service.end_team_role(session, actor, assignment_id=assignment.id)
        values |= {"recusal_id": recusal.id, "vacated_role": roles[0].role if roles else None}
    await transition(
        session,
        RecusalCase,
        case.id,
        from_states=(PENDING,),
        to_state=status,
        values=values,
        state_column="status",
    )
    await session.refresh(case)
    await record(
        session,
        actor,
        "recusal_case.decide",
        office_id=case.office_id,
        object_id=global_id_of(case),
        detail={"status": status.value, "decision": reasons},
    )
    return case


async def approve_replacement(
    session: AsyncSession,
    actor: Actor,
    *,
    case_id: int,
    user_id: int,
    role: TeamRole | None = None,
) -> RecusalCase:
    """Fill the place an upheld recusal left, as the body the ruleset names approves it
    (审定巡察组组成人员, qh-zrzyt §6(3); a leader as the leader's appointing body)."""
    case = await get_readable(session, actor, RecusalCase, case_id)
    inspection = await get_readable(session, actor, Inspection, case.inspection_id)
    ruleset = await _ruleset(session, inspection)
    place = role or case.vacated_role
    matter = ApprovalMatter.TEAM_LEADER if place is TeamRole.LEADER else None
    rule = (matter and ruleset.approval(matter)) or ruleset.approval(
        ApprovalMatter.TEAM_COMPOSITION
    )
    if rule is None:  # tests/rules hold every ruleset to a composition rule
        raise RuleViolation(
            "本机构适用的规定未规定审定巡视（巡察）组组成人员的机构", code="NO_TEAM_APPROVER"
        )
    await require_body(
        session, actor, rule.params.decided_by.value, case.office_id, "approve", RecusalCase
    )
    if case.status is not UPHELD or case.vacated_role is None:
        raise Conflict(
            "只有经决定回避、空出组内职务的申请才需补充人选",
            code="NO_PLACE_TO_FILL",
            field="caseId",
        )
    if case.replacement_id is not None:
        raise Conflict("该职务已补充人选", code="PLACE_FILLED", field="caseId")
    assert place is not None
    account = await repository.account_of_office(session, case.office_id, user_id)
    if account is None:
        raise NotFound(field="userId")
    assignment = await service.grant_team_role(
        session, actor, inspection=inspection, account=account, role=place
    )
    case.replacement_id = assignment.id
    await session.flush()
    await record(
        session,
        actor,
        "recusal_case.replace",
        office_id=case.office_id,
        object_id=global_id_of(case),
        detail={"assignment": assignment.id, "rule": rule.id, "article": rule.article},
    )
    return case


async def end_case(
    session: AsyncSession, actor: Actor, *, case_id: int, decision: str
) -> RecusalCase:
    """End an upheld recusal by a recorded decision; never by the recused person."""
    case = await get_readable(session, actor, RecusalCase, case_id)
    await require(session, actor, "decide", case)
    if await _own_case(session, actor, case):
        raise Forbidden("不得自行解除回避", code=Forbidden.default_code)
    reasons = _reasons(RecusalCase.end_decision, decision, "decision")
    if case.status is not UPHELD or case.recusal_id is None:
        raise Conflict("只有经决定的回避才能经决定终止", code="RECUSAL_NOT_UPHELD", field="caseId")
    # system scope: the case names its recusal; ending it goes through the door's own check
    recusal = await session.get(Recusal, case.recusal_id)
    if recusal is not None and recusal.ended_at is None:
        await end_recusal(session, actor, recusal_id=recusal.id)
    await transition(
        session,
        RecusalCase,
        case.id,
        from_states=(UPHELD,),
        to_state=RecusalCaseStatus.ENDED,
        values={"end_decision": reasons},
        state_column="status",
    )
    await session.refresh(case)
    await record(
        session,
        actor,
        "recusal_case.end",
        office_id=case.office_id,
        object_id=global_id_of(case),
        detail={"decision": reasons},
    )
    return case
