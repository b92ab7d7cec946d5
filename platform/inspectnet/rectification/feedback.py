"""The feedback (反馈, nmg-2016 §29, qh-zrzyt §18) and the rectification clock it starts.

Only after the hearing and the consent the ruleset names (自治区党委 / 厅党组), separately to
the leadership team and to the principal, with the attendees the ruleset names (qh-zrzyt §18)
and, where the leading group asks for it, the circulation (通报, nmg-2016 §29). Feeding back
moves the inspection to ``fed_back`` and makes the target's duties due: one per deadline rule
the feedback starts (``feedback_delivered``), counted from the day the target signs for it,
and one report row per report and recipient the ``rectification.reports`` rule names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.errors import RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections import stages
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.rectification.models import (
    FedBackProblem,
    Feedback,
    FeedbackParty,
    PartyRole,
    PostSiteDecision,
    RectificationDuty,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rectification.service import (
    BODY_ZH,
    beijing_noon,
    decision_rule,
    not_in_future,
    ruleset_of,
)
from inspectnet.reports.approval import require_final
from inspectnet.rules.deadlines import compute_deadline
from inspectnet.rules.format import (
    AttendanceRule,
    DecisionMatter,
    Event,
    RectificationReportRule,
    Ruleset,
)
from inspectnet.rules.service import calendar_from_db

REPORTS_RULE = "rectification.reports"
ATTENDANCE_RULE = "attendance.feedback"


@dataclass(frozen=True)
class Party:
    """Someone who attended the feedback, or a leader or department it was circulated to."""

    role: PartyRole
    name: str


async def _decided(session: AsyncSession, inspection_id: int, matter: DecisionMatter) -> bool:
    found = await session.scalar(
        # system scope: whether the body decided, whoever may read its decision
        select(PostSiteDecision.id).where(
            PostSiteDecision.inspection_id == inspection_id, PostSiteDecision.matter == matter
        )
    )
    return found is not None


async def _require_preconditions(
    session: AsyncSession, inspection: Inspection, ruleset: Ruleset, parties: Sequence[Party]
) -> None:
    if inspection.stage is not Stage.HEARD:
        heard = decision_rule(ruleset, DecisionMatter.HEARING, "inspectionId")
        raise RuleViolation(
            f"尚未听取巡视巡察情况汇报，不能反馈（{heard.article}）",
            code="FEEDBACK_BEFORE_HEARING",
            field="inspectionId",
            rule_id=heard.id,
            article=heard.article,
        )
    consent = decision_rule(ruleset, DecisionMatter.FEEDBACK_CONSENT, "inspectionId")
    if not await _decided(session, inspection.id, DecisionMatter.FEEDBACK_CONSENT):
        raise RuleViolation(
            f"须经{BODY_ZH[consent.params.decided_by.value]}同意后反馈（{consent.article}）",
            code="FEEDBACK_WITHOUT_CONSENT",
            field="inspectionId",
            rule_id=consent.id,
            article=consent.article,
        )
    # 经厅党组同意后反馈 on the report the party group approved (qh-zrzyt §17–18; nmg-2016 §27)
    await require_final(session, inspection, ruleset)
    attendance = ruleset.find(ATTENDANCE_RULE)
    if isinstance(attendance, AttendanceRule):
        present = {p.role.value for p in parties}
        missing = [a for a in attendance.params.attendees if a.value not in present]
        if missing:
            raise RuleViolation(
                f"参加反馈的人员不全：{attendance.quote}（{attendance.article}）",
                code="FEEDBACK_ATTENDEES_MISSING",
                field="attendees",
                rule_id=attendance.id,
                article=attendance.article,
            )
    if any(p.role is PartyRole.CIRCULATED for p in parties):
        circulation = decision_rule(ruleset, DecisionMatter.CIRCULATION, "circulatedTo")
        if not await _decided(session, inspection.id, DecisionMatter.CIRCULATION):
            raise RuleViolation(
                f"通报须根据{BODY_ZH[circulation.params.decided_by.value]}的要求"
                f"（{circulation.article}）",
                code="CIRCULATION_WITHOUT_DECISION",
                field="circulatedTo",
                rule_id=circulation.id,
                article=circulation.article,
            )


def _check_inputs(
    *,
    to_leadership_on: date,
    to_principal_on: date,
    signed_on: date,
    principal_name: str,
    problems: Sequence[str],
    parties: Sequence[Party],
) -> tuple[str, list[str], list[str]]:
    inputs = validation.Inputs()
    principal = inputs.text(Feedback.principal_name, principal_name)
    summaries = [inputs.text(FedBackProblem.summary, p, field="problems") for p in problems]
    names = [inputs.text(FeedbackParty.name, p.name, field="attendees") for p in parties]
    for value, field in (
        (to_leadership_on, "toLeadershipOn"),
        (to_principal_on, "toPrincipalOn"),
        (signed_on, "signedOn"),
    ):
        not_in_future(inputs, value, field)
    if signed_on < min(to_leadership_on, to_principal_on):
        inputs.add(
            ValidationFailed("签收日期不能早于反馈日期", code="INVALID_PERIOD", field="signedOn")
        )
    if not problems:
        # 指出问题 (nmg-2016 §29, qh-zrzyt §18): a feedback names what is to be rectified.
        inputs.add(ValidationFailed("反馈须指出问题", code="REQUIRED", field="problems"))
    inputs.done()
    return principal, summaries, names


async def deliver_feedback(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    to_leadership_on: date,
    to_principal_on: date,
    signed_on: date,
    principal_name: str,
    problems: Sequence[str],
    parties: Sequence[Party] = (),
    principal_user_id: int | None = None,
) -> Feedback:
    """Feed back to the target, once consented; the inspection is ``fed_back`` and the
    rectification clock starts on the day the target signed."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require(session, actor, "update", inspection)
    office_id, target_id = inspection.office_id, inspection.target_id
    await require_in(
        session, actor, "create", Feedback, office_id, target_id, inspection_id=inspection.id
    )
    ruleset = await ruleset_of(session, office_id)
    principal, summaries, names = _check_inputs(
        to_leadership_on=to_leadership_on,
        to_principal_on=to_principal_on,
        signed_on=signed_on,
        principal_name=principal_name,
        problems=problems,
        parties=parties,
    )
    await _require_preconditions(session, inspection, ruleset, parties)
    consent = decision_rule(ruleset, DecisionMatter.FEEDBACK_CONSENT, "inspectionId")
    scoped = {"office_id": office_id, "inspection_id": inspection_id, "target_id": target_id}
    feedback = Feedback(
        **scoped,
        to_leadership_on=to_leadership_on,
        to_principal_on=to_principal_on,
        signed_on=signed_on,
        principal_name=principal,
        principal_user_id=principal_user_id,
        rule_id=consent.id,
        article=consent.article,
    )
    session.add(feedback)
    await session.flush()
    # The stage machine's table wants the feedback on record before the stage moves.
    await stages.advance_inspection(
        session, actor, inspection_id=inspection.id, stage=Stage.FED_BACK
    )
    session.add_all(
        FedBackProblem(**scoped, feedback_id=feedback.id, position=n, summary=summary)
        for n, summary in enumerate(summaries, start=1)
    )
    session.add_all(
        FeedbackParty(**scoped, feedback_id=feedback.id, role=party.role, name=name)
        for party, name in zip(parties, names, strict=True)
    )
    session.add(RectificationPlan(**scoped, feedback_id=feedback.id))
    duties = await _make_duties(session, ruleset, feedback)
    await session.flush()
    await record(
        session,
        actor,
        "rectification.feedback",
        office_id=office_id,
        object_id=global_id_of(feedback),
        detail={"signed_on": signed_on.isoformat(), "problems": len(summaries), "duties": duties},
    )
    return feedback


async def _make_duties(session: AsyncSession, ruleset: Ruleset, feedback: Feedback) -> list[str]:
    """The target's duties with their dates, and the reports each recipient is owed."""
    calendar = await calendar_from_db(session)
    started = beijing_noon(feedback.signed_on)
    scoped = {
        "office_id": feedback.office_id,
        "inspection_id": feedback.inspection_id,
        "target_id": feedback.target_id,
    }
    made: dict[str, RectificationDuty] = {}
    for rule in ruleset.deadlines_started_by(Event.FEEDBACK_DELIVERED):
        due = compute_deadline(ruleset, rule, started_at=started, calendar=calendar)
        assert due.due_on is not None  # started: the engine always dates it
        made[rule.id] = RectificationDuty(
            **scoped,
            feedback_id=feedback.id,
            rule_id=rule.id,
            article=rule.article,
            name=rule.name,
            due_on=due.due_on,
        )
    session.add_all(made.values())
    await session.flush()
    reports = ruleset.find(REPORTS_RULE)
    if isinstance(reports, RectificationReportRule):
        duty = made[reports.params.deadline]
        session.add_all(
            RectificationReport(**scoped, duty_id=duty.id, kind=kind, recipient=recipient)
            for kind in reports.params.reports
            for recipient in reports.params.recipients
        )
    return list(made)
