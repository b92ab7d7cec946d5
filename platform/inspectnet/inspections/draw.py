"""Drawing a team from the office's pools and forming it (一次一授权, nmg-2016 §9, §13;
qh-zrzyt §9): the leader from the leader pool, the rest from the talent pool, ranked by the
expertise they add, within the ruleset's team size, leaving out everyone the recusal engine
finds conflicted with the target and saying why for each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.authz.recusals import identity_of
from inspectnet.errors import Conflict, RuleViolation, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.inspections import repository, service, stages
from inspectnet.inspections.confirmation import roster_of
from inspectnet.inspections.conflicts import RecusalConflict
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment, TeamRole
from inspectnet.inspections.positions import counted, fill, member_position, named_positions
from inspectnet.inspections.recusal import conflicts_with, refusal
from inspectnet.inspections.repository import Pooled
from inspectnet.network.models import Office
from inspectnet.rules.format import (
    PoolKind,
    RecusalGroundRule,
    Ruleset,
    TeamRoleRule,
    TeamSizeRule,
)


@dataclass(frozen=True)
class Drawn:
    """A person the draw puts on the team, in a role."""

    person_id: int
    name: str
    role: TeamRole
    pool: PoolKind
    expertise: tuple[str, ...]
    user_id: int | None  # the person's account, needed to hold the role


@dataclass(frozen=True)
class Excluded:
    """A pooled person the draw leaves out, every conflict and every stated reason why."""

    person_id: int
    name: str
    conflicts: tuple[RecusalConflict, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unfilled:
    """A place the ruleset names that no eligible person was left for, and why."""

    role: TeamRole
    rule_id: str
    article: str
    reason: str


@dataclass(frozen=True)
class TeamDraw:
    size: int
    members: tuple[Drawn, ...]
    excluded: tuple[Excluded, ...]
    shortfall: int  # places no eligible person was left for
    rule: TeamSizeRule | None
    ruleset_id: str  # whose expertise.* rules the members' fields name
    unfilled: tuple[Unfilled, ...] = ()


def size_rule(ruleset: Ruleset) -> TeamSizeRule | None:
    """The ruleset's team size, if it sets one (nmg-2016 sets none; qh-zrzyt §9: 6–10)."""
    found = ruleset.of_type(TeamSizeRule)
    return found[0] if found else None


def require_size(ruleset: Ruleset, size: int, *, field: str) -> TeamSizeRule | None:
    """Refuse a team size outside the ruleset's bounds, citing its article."""
    rule = size_rule(ruleset)
    low, high = (rule.params.min_members, rule.params.max_members) if rule else (1, None)
    if size < low or (high is not None and size > high):
        bounds = f"{low}～{high}人" if high is not None else f"至少{low}人"
        cited = f"（{rule.article}：{rule.quote}）" if rule else ""
        raise RuleViolation(
            f"巡视（巡察）组人数须为{bounds}，现为{size}人{cited}",
            code="TEAM_SIZE_OUT_OF_RANGE",
            field=field,
            rule_id=rule.id if rule else None,
            article=rule.article if rule else None,
        )
    return rule


async def _office_of(session: AsyncSession, inspection: Inspection) -> Office:
    # system scope: the office an inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    return office


async def draw_team(
    session: AsyncSession, actor: Actor, *, inspection_id: int, size: int
) -> TeamDraw:
    """Draw a team of ``size`` from the office's pools, leaving out every conflicted person."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        TeamAssignment,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    ruleset = stages.ruleset_of(await _office_of(session, inspection))
    rule = require_size(ruleset, size, field="size")
    pooled = await repository.pooled(session, actor, inspection.office_id)
    excluded = await _excluded(session, inspection, ruleset, pooled)
    eligible = counted(ruleset, [p for p in pooled if p.person_id not in excluded])
    named = named_positions(ruleset)[:size]
    wanted = named + [member_position(ruleset)] * (size - len(named))
    chosen, empty = fill(wanted, eligible)
    members = [_drawn(person, position.role) for position, person in chosen]
    draw = TeamDraw(
        size=size,
        members=tuple(members),
        excluded=tuple(excluded[pk] for pk in sorted(excluded)),
        shortfall=size - len(members),
        rule=rule,
        ruleset_id=ruleset.id,
        # Each named place left empty, and the members' place once however many it lacks.
        unfilled=tuple(
            Unfilled(p.role, p.rule_id, p.article, p.missing())
            for at, p in enumerate(empty)
            if p not in empty[:at]
        ),
    )
    await record(
        session,
        actor,
        "inspection.team.draw",
        office_id=inspection.office_id,
        object_id=global_id_of(inspection),
        detail={
            "size": size,
            "drawn": [m.person_id for m in members],
            "excluded": {str(e.person_id): list(e.reasons) for e in draw.excluded},
            "unfilled": [u.role.value for u in draw.unfilled],
        },
    )
    return draw


async def _excluded(
    session: AsyncSession, inspection: Inspection, ruleset: Ruleset, pooled: Sequence[Pooled]
) -> dict[int, Excluded]:
    """Everyone recused from the target, by a recorded recusal or a conflict the engine finds,
    each with every reason stated (nmg-2016 §12, qh-zrzyt §27)."""
    people = {p.person_id: p.name for p in pooled}
    conflicts = await conflicts_with(session, inspection, set(people))
    grounds = ruleset.of_type(RecusalGroundRule)
    article = grounds[0].article if grounds else None
    found: dict[int, Excluded] = {}
    for pk, name in people.items():
        reasons = [c.reason for c in conflicts.get(pk, [])]
        if await repository.recused(session, await identity_of(session, pk), inspection.target_id):
            reasons.insert(
                0, f"已决定对该对象回避（{article}）" if article else "已决定对该对象回避"
            )
        if reasons:
            found[pk] = Excluded(pk, name, tuple(conflicts.get(pk, [])), tuple(reasons))
    return found


def _drawn(pooled: Pooled, role: TeamRole) -> Drawn:
    return Drawn(
        pooled.person_id, pooled.name, role, pooled.pool, tuple(pooled.expertise), pooled.user_id
    )


async def form_team(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    members: Sequence[tuple[int, TeamRole]],
) -> Inspection:
    """巡察办 proposes a planned inspection's whole team, leader included (qh-zrzyt §8(2)), in
    one go, all or nothing; it enters ``team_formed`` once the named bodies confirm it
    (confirmation.confirm_team, qh-zrzyt §6(3), §9)."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        TeamAssignment,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    if inspection.stage is not Stage.PLANNED:
        raise stages.StageOutOfOrder(inspection.stage, Stage.TEAM_FORMED)
    if await roster_of(session, inspection.id):
        raise Conflict(
            "该巡视（巡察）组已提出人选，变更须逐人调整并重新审定",
            code="TEAM_ALREADY_FORMED",
            field="inspectionId",
        )
    ruleset = stages.ruleset_of(await _office_of(session, inspection))
    require_size(ruleset, len(members), field="members")
    users = [user for user, _role in members]
    if len(set(users)) != len(users):
        raise ValidationFailed(
            "同一人不能在组内担任两个职务", code="DUPLICATE_MEMBER", field="members"
        )
    leader_rule = ruleset.find("role.leader")
    leaders = sum(role is TeamRole.LEADER for _user, role in members)
    if leaders != 1:
        article = leader_rule.article if isinstance(leader_rule, TeamRoleRule) else None
        raise RuleViolation(
            f"巡视（巡察）组须有且只有一名组长，实行组长负责制（{article or 'nmg-2016 §10'}）",
            code="TEAM_LEADER_COUNT",
            field="members",
            rule_id=leader_rule.id if leader_rule else None,
            article=article,
        )
    accounts = await repository.accounts(session, actor, users)
    missing = [u for u in users if u not in accounts]
    if missing:
        raise ValidationFailed("账号不存在或无权查看", code="NOT_FOUND", field="members")
    # Every member is weighed before anything is written: one recusal or conflict refuses the
    # whole team.
    found = await conflicts_with(session, inspection, set(accounts.values()))
    for user in users:
        identity = await identity_of(session, accounts[user])
        if await repository.recused(session, identity, inspection.target_id):
            raise RuleViolation(
                "该人员对此巡视对象须回避，不能编入巡视组", code="RECUSED", field="members"
            )
        conflicted = found.get(accounts[user], [])
        if conflicted:
            raise refusal(conflicted[0], field="members")
    for user, role in members:
        await service.assign_team_role(
            session, actor, inspection_id=inspection.id, user_id=user, role=role
        )
    return inspection
