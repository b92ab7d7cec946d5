"""The hearing and the bodies' decisions after it (nmg-2016 §27–28, qh-zrzyt §17, §22).

Who hears and who decides is rule data: each ``decision.*`` rule of the office's ruleset names
its body, and the decision is one ``require_body`` check, so an office admin off that body (or
a member of another body) is refused. The feedback (feedback.py) waits for the consent the
ruleset names; the rectification (plans.py) follows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_body, require_in
from inspectnet.authz.scopes import readable
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.filings.duties import make_due_item
from inspectnet.ids import global_id_of
from inspectnet.inspections import stages
from inspectnet.inspections.models import Inspection, InspectionTransition, Stage
from inspectnet.network.models import Office
from inspectnet.rectification.models import Hearing, PostSiteDecision
from inspectnet.reports.models import ReportVersion
from inspectnet.rules.deadlines import Deadline, compute_deadline
from inspectnet.rules.format import DecisionMatter, DecisionRule, FilingDutyRule, Ruleset
from inspectnet.rules.registry import get_ruleset
from inspectnet.rules.service import calendar_from_db

BODY_ZH = {
    "leading_group": "巡视巡察工作领导小组",
    "five_person_group": "党委“五人小组”会议",
    "party_group": "厅党组",
    "party_committee": "自治区党委",
}
HEARING_DEADLINE = "deadline.hearing"  # qh-zrzyt §17; nmg-2016 §27 says 及时 and sets none
SPEECH_FILING = "filing.hearing_speech"  # qh-zrzyt §17: the secretary's speech, for record


async def ruleset_of(session: AsyncSession, office_id: int) -> Ruleset:
    """The ruleset of the office an inspection belongs to."""
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, office_id)
    assert office is not None  # the foreign key holds it
    return get_ruleset(office.ruleset_id)


def decision_rule(ruleset: Ruleset, matter: DecisionMatter, field: str) -> DecisionRule:
    """The rule naming the body that takes ``matter``; refused when the ruleset has none."""
    rule = ruleset.find(f"decision.{matter.value}")
    if not isinstance(rule, DecisionRule):
        raise RuleViolation(
            f"规则集 {ruleset.id} 未规定此事项", code="RULE_NOT_IN_RULESET", field=field
        )
    return rule


def not_in_future(inputs: validation.Inputs, value: date, field: str) -> None:
    """A date of something that happened: in range and not after today (Beijing)."""
    inputs.date(value, field)
    if value > clock.today_in_china():
        inputs.add(ValidationFailed("日期不能晚于今天", code="DATE_IN_FUTURE", field=field))


def beijing_noon(day: date) -> datetime:
    """The instant a dated event is counted from: midday of that Beijing date."""
    return datetime.combine(day, time(12), tzinfo=clock.CHINA).astimezone(UTC)


async def hearing_of(session: AsyncSession, actor: Actor, inspection_id: int) -> Hearing | None:
    """The inspection's hearing, if recorded and readable."""
    statement = readable(actor, Hearing).where(Hearing.inspection_id == inspection_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def record_hearing(
    session: AsyncSession, actor: Actor, *, inspection_id: int, held_on: date, proposals: str
) -> Hearing:
    """Record that the body the ruleset names heard the team; the inspection is ``heard``."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require(session, actor, "update", inspection)
    await require_in(
        session,
        actor,
        "create",
        Hearing,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    ruleset = await ruleset_of(session, inspection.office_id)
    rule = decision_rule(ruleset, DecisionMatter.HEARING, "inspectionId")
    inputs = validation.Inputs()
    text = inputs.text(Hearing.proposals, proposals)
    not_in_future(inputs, held_on, "heldOn")
    inputs.done()
    # A hearing comes after the report (STAGE_OUT_OF_ORDER), checked before anything is written.
    if inspection.stage is not Stage.REPORTED:
        raise stages.StageOutOfOrder(inspection.stage, Stage.HEARD)
    hearing = Hearing(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        held_on=held_on,
        heard_by=rule.params.decided_by.value,
        rule_id=rule.id,
        article=rule.article,
        proposals=text,
    )
    session.add(hearing)
    await session.flush()
    # The stage machine's table wants the hearing on record before the stage moves.
    await stages.advance_inspection(session, actor, inspection_id=inspection.id, stage=Stage.HEARD)
    speech = ruleset.find(SPEECH_FILING)
    if isinstance(speech, FilingDutyRule):
        # The secretary's speech goes to the superior office for record: a due item in its
        # inbox, answered through the filing line's fileReport (qh-zrzyt §17).
        await make_due_item(
            session,
            actor,
            office_id=inspection.office_id,
            ruleset_id=ruleset.id,
            rule=speech,
            subject_type="hearing",
            subject_id=hearing.id,
            title=f"{speech.name}（{inspection.name}）",
        )
    await record(
        session,
        actor,
        "rectification.hearing",
        office_id=hearing.office_id,
        object_id=global_id_of(hearing),
        detail={"rule": rule.id, "held_on": held_on.isoformat()},
    )
    return hearing


AFTER_FEEDBACK = frozenset({Stage.FED_BACK, Stage.ARCHIVED})


async def _ready_for(
    session: AsyncSession, inspection: Inspection, matter: DecisionMatter, rule: DecisionRule
) -> None:
    """What a matter waits for besides the hearing: the report revised after it (qh-zrzyt §17)
    before it goes to the party group; rectification under way (feedback delivered) before
    the leading group hears the target on it (nmg-2016 §34)."""
    if matter is DecisionMatter.REVISED_REPORT:
        revised = await session.scalar(
            # system scope: whether the team drafted a version after the hearing, not its text
            select(ReportVersion.id)
            .where(
                ReportVersion.inspection_id == inspection.id,
                ReportVersion.after_hearing.is_(True),
            )
            .limit(1)
        )
        if revised is None:
            raise RuleViolation(
                f"须先按听取汇报的意见修改巡察报告（新版本），再报{BODY_ZH[rule.params.decided_by.value]}"
                f"（{rule.article}）",
                code="REPORT_NOT_REVISED",
                field="matter",
                rule_id=rule.id,
                article=rule.article,
            )
    if matter is DecisionMatter.RECTIFICATION_HEARING and inspection.stage not in AFTER_FEEDBACK:
        raise RuleViolation(
            f"反馈后、整改开始方可听取被巡视党组织整改情况汇报（{rule.article}）",
            code="RECTIFICATION_NOT_STARTED",
            field="matter",
            rule_id=rule.id,
            article=rule.article,
        )


async def hearing_deadline(session: AsyncSession, hearing: Hearing) -> Deadline | None:
    """The hearing's deadline where the ruleset sets one (qh-zrzyt §17: 1 month after the
    site), met on the day it was held; None where it says only 及时 (nmg-2016 §27)."""
    ruleset = await ruleset_of(session, hearing.office_id)
    if ruleset.find(HEARING_DEADLINE) is None:
        return None
    left = await session.scalar(
        # system scope: the step the hearing's own record follows, read with the hearing
        select(InspectionTransition.created_at)
        .where(
            InspectionTransition.inspection_id == hearing.inspection_id,
            InspectionTransition.to_stage == Stage.LEFT_SITE,
        )
        .order_by(InspectionTransition.id.desc())
        .limit(1)
    )
    return compute_deadline(
        ruleset,
        HEARING_DEADLINE,
        started_at=left,
        met_at=None if left is None else max(beijing_noon(hearing.held_on), left),
        calendar=await calendar_from_db(session),
    )


async def decide(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    matter: DecisionMatter,
    decided_on: date,
    text: str,
) -> PostSiteDecision:
    """Record a decision after the hearing, taken by the body the ruleset names."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    ruleset = await ruleset_of(session, inspection.office_id)
    if matter is DecisionMatter.HEARING:
        raise ValidationFailed(
            "听取汇报请用 recordHearing 登记", code="INVALID_CODE", field="matter"
        )
    if matter is DecisionMatter.TRANSFER_ANSWER:  # decided on a transfer (transfers/opinions.py)
        raise ValidationFailed(
            "移交办理情况的处理意见请用 decideTransferOpinion 决定",
            code="INVALID_CODE",
            field="matter",
        )
    rule = decision_rule(ruleset, matter, "matter")
    body = rule.params.decided_by.value
    await require_body(session, actor, body, inspection.office_id, "decide", PostSiteDecision)
    inputs = validation.Inputs()
    content = inputs.text(PostSiteDecision.text, text)
    not_in_future(inputs, decided_on, "decidedOn")
    inputs.done()
    hearing = await hearing_of(session, actor, inspection.id)
    if hearing is None:
        heard = decision_rule(ruleset, DecisionMatter.HEARING, "inspectionId")
        raise RuleViolation(
            f"须先听取巡视巡察情况汇报，才能作出此决定（{heard.article}）",
            code="DECISION_BEFORE_HEARING",
            field="inspectionId",
            rule_id=heard.id,
            article=heard.article,
        )
    await _ready_for(session, inspection, matter, rule)
    existing = await session.scalar(
        # system scope: one decision a matter per inspection, whoever may read the first
        select(PostSiteDecision.id).where(
            PostSiteDecision.inspection_id == inspection.id, PostSiteDecision.matter == matter
        )
    )
    if existing is not None:
        raise Conflict("此事项已作出决定", code="DECISION_ALREADY_RECORDED", field="matter")
    decision = PostSiteDecision(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        matter=matter,
        decided_by=body,
        decided_on=decided_on,
        text=content,
        rule_id=rule.id,
        article=rule.article,
    )
    session.add(decision)
    await session.flush()
    await record(
        session,
        actor,
        "rectification.decide",
        office_id=decision.office_id,
        object_id=global_id_of(decision),
        detail={"matter": matter.value, "body": body, "rule": rule.id},
    )
    return decision
