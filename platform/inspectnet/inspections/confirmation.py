"""The team confirmed before it is formed (一次一任命、一次一授权): 巡察办 proposes the team and its
leader (qh-zrzyt §8(2), ``formTeam``), the body the ruleset names confirms the composition
(审定巡察组组成人员, qh-zrzyt §6(3): the leading group) and the body it names authorises the
leader (组长由厅党组确定并授权, qh-zrzyt §9; nmg-2016 §9: 从组长库中确定组长、副组长). The
inspection enters ``team_formed`` only with each confirmation recorded for the team as it is.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.accounts.models import UserAccount
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_body
from inspectnet.authz.recusals import identity_of
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections import repository
from inspectnet.inspections.models import (
    Inspection,
    Stage,
    TeamAssignment,
    TeamConfirmation,
    TeamRole,
)
from inspectnet.network.models import Office
from inspectnet.rules.format import ApprovalMatter, ApprovalRule, RecusalGroundRule, Ruleset
from inspectnet.rules.registry import get_ruleset

# The matters a team waits for before it is formed, in the order they are shown.
TEAM_MATTERS = (ApprovalMatter.TEAM_COMPOSITION, ApprovalMatter.TEAM_LEADER)
MATTER_ZH = {
    ApprovalMatter.TEAM_COMPOSITION.value: "审定巡视（巡察）组组成人员",
    ApprovalMatter.TEAM_LEADER.value: "确定并授权组长",
}
BODY_ZH = {
    "leading_group": "巡视巡察工作领导小组",
    "five_person_group": "五人小组",
    "party_group": "党组",
    "party_committee": "党委",
}
Roster = list[list[object]]


async def roster_of(session: AsyncSession, inspection_id: int) -> Roster:
    """The team as it stands: each current grant as [account, role], in account order."""
    now = clock.now()
    rows = await session.execute(
        # system scope: the team a body confirms is the whole team, whoever may read each grant
        select(TeamAssignment.user_id, TeamAssignment.role)
        .where(
            TeamAssignment.inspection_id == inspection_id,
            or_(TeamAssignment.valid_until.is_(None), TeamAssignment.valid_until > now),
        )
        .order_by(TeamAssignment.user_id, TeamAssignment.role)
    )
    return [[user, TeamRole(role).value] for user, role in rows]


async def require_none_recused(
    session: AsyncSession, inspection: Inspection, ruleset: Ruleset, roster: Roster
) -> None:
    """Refuse a team on which anyone is recused from the target now (回避, nmg-2016 §12,
    qh-zrzyt §27): a recusal recorded after the assignment bars the team too."""
    users = [int(str(user)) for user, _role in roster]
    # system scope: the accounts on the team, to weigh each human's recusal
    rows = await session.execute(
        select(UserAccount.id, UserAccount.person_id).where(UserAccount.id.in_(users))
    )
    for _user, person in rows:
        if person is not None and await repository.recused(
            session, await identity_of(session, person), inspection.target_id
        ):
            grounds = ruleset.of_type(RecusalGroundRule)
            article = grounds[0].article if grounds else None
            raise RuleViolation(
                f"巡视（巡察）组中有须对该对象回避的人员，须先调整人选（{article}）",
                code="RECUSED",
                field="inspectionId",
                rule_id=grounds[0].id if grounds else None,
                article=article,
            )


def team_rules(ruleset: Ruleset) -> list[ApprovalRule]:
    """The ruleset's rules naming who confirms the team and who authorises its leader."""
    return [rule for m in TEAM_MATTERS if (rule := ruleset.approval(m)) is not None]


async def _latest(
    session: AsyncSession, inspection_id: int, matter: ApprovalMatter
) -> TeamConfirmation | None:
    return await session.scalar(
        # system scope: whether the body confirmed, whoever may read its confirmation
        select(TeamConfirmation)
        .where(
            TeamConfirmation.inspection_id == inspection_id,
            TeamConfirmation.matter == matter.value,
        )
        .order_by(TeamConfirmation.id.desc())
        .limit(1)
    )


async def require_confirmed(
    session: AsyncSession, inspection: Inspection, ruleset: Ruleset
) -> None:
    """Refuse ``team_formed`` until each named body confirmed the team as it now stands, no
    one on it recused."""
    roster = await roster_of(session, inspection.id)
    await require_none_recused(session, inspection, ruleset, roster)
    for rule in team_rules(ruleset):
        body = BODY_ZH[rule.params.decided_by.value]
        found_matter = rule.params.matter.value
        found = await _latest(session, inspection.id, rule.params.matter)
        cited = f"，不能组建巡视（巡察）组（{rule.article}：{rule.quote}）"
        if found is None:
            raise RuleViolation(
                f"尚未经{body}{MATTER_ZH[found_matter]}{cited}",
                code="TEAM_NOT_CONFIRMED",
                field="stage",
                rule_id=rule.id,
                article=rule.article,
            )
        if found.roster != roster:
            raise RuleViolation(
                f"巡视（巡察）组人员在{body}确认后有变动，须重新确认{cited}",
                code="TEAM_CHANGED",
                field="stage",
                rule_id=rule.id,
                article=rule.article,
            )


async def confirm_team(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    matter: ApprovalMatter,
    decided_on: date,
) -> TeamConfirmation:
    """Record the named body's confirmation of the proposed team, or its authorisation of the
    proposed leader, for the team as it stands."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    ruleset = get_ruleset(office.ruleset_id)
    rule = ruleset.approval(matter) if matter in TEAM_MATTERS else None
    if rule is None:
        raise ValidationFailed(
            "本机构适用的规定未规定由机构确认此事项", code="INVALID_CODE", field="matter"
        )
    await require_body(
        session, actor, rule.params.decided_by.value, office.id, "confirm", TeamConfirmation
    )
    inputs = validation.Inputs()
    inputs.date(decided_on, "decidedOn")
    if decided_on > clock.today_in_china():
        inputs.add(ValidationFailed("日期不能晚于今天", code="DATE_IN_FUTURE", field="decidedOn"))
    inputs.done()
    if inspection.stage is not Stage.PLANNED:
        raise Conflict("巡视（巡察）组已组建", code="TEAM_ALREADY_FORMED", field="inspectionId")
    roster = await roster_of(session, inspection.id)
    await require_none_recused(session, inspection, ruleset, roster)
    if sum(role == TeamRole.LEADER.value for _user, role in roster) != 1:
        # 巡察办提出巡察组组长人选 (qh-zrzyt §8(2)); one leader, 组长负责制 (nmg-2016 §10).
        leader = ruleset.find("role.leader")
        raise RuleViolation(
            f"须先由巡察办提出唯一的组长人选，方可确认（{leader.article if leader else ''}）",
            code="TEAM_LEADER_COUNT",
            field="inspectionId",
            rule_id=leader.id if leader else None,
            article=leader.article if leader else None,
        )
    confirmation = TeamConfirmation(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        matter=matter.value,
        decided_by=rule.params.decided_by.value,
        rule_id=rule.id,
        article=rule.article,
        decided_on=decided_on,
        roster=roster,
    )
    session.add(confirmation)
    await session.flush()
    await record(
        session,
        actor,
        "inspection.team.confirm",
        office_id=inspection.office_id,
        object_id=global_id_of(inspection),
        detail={"matter": matter.value, "rule": rule.id, "roster": roster},
    )
    return confirmation
