"""The positions of a team the ruleset names and how the draw fills them (nmg-2016 §9, §13–14;
qh-zrzyt §9): the leader (and, where the ruleset says so, the deputy) from the leader pool,
commissioners at the levels the ruleset names, a liaison officer of the rank it names, and
members from the talent pool, each chosen by the expertise they add to the team.

A position's level is weighed against the person's recorded rank (职级, free text such as
"正处级"): the rank qualifies when it contains one of the levels the rule names ("处级" in
"正处级"; "厅级" in "副厅级"). The seeds name levels, not a closed list of ranks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from inspectnet.inspections.models import TeamRole
from inspectnet.inspections.repository import Pooled
from inspectnet.rules.format import ExpertiseRule, PoolKind, Ruleset, TeamRoleRule

# The rule id of each position the rulesets name (role.* rules, same id in every ruleset).
ROLE_OF_RULE: dict[str, TeamRole] = {
    "role.leader": TeamRole.LEADER,
    "role.deputy_leader": TeamRole.DEPUTY,
    "role.commissioner": TeamRole.COMMISSIONER,
    "role.liaison": TeamRole.LIAISON,
}
# Without a pool in the rule, the leader comes from the leader pool (组长库, nmg-2016 §9) and
# everyone else from the talent pool (人才库, nmg-2016 §13, qh-zrzyt §9).
DEFAULT_POOL = {TeamRole.LEADER: PoolKind.LEADER}
POOL_ZH = {PoolKind.LEADER: "组长库", PoolKind.TALENT: "人才库"}


@dataclass(frozen=True)
class Position:
    """One place of the team: its role, the pool it is filled from, the levels that qualify."""

    role: TeamRole
    pool: PoolKind
    levels: tuple[str, ...]
    rule_id: str
    article: str

    def admits(self, person: Pooled) -> bool:
        """Whether a pooled person may fill this place (pool and rank)."""
        if person.pool is not self.pool:
            return False
        return not self.levels or any(level in person.rank for level in self.levels)

    def missing(self) -> str:
        """Why no one filled this place, naming the pool, the levels and the article."""
        levels = f"职级为{'或'.join(self.levels)}、" if self.levels else ""
        return f"{POOL_ZH[self.pool]}中没有{levels}未回避的人选（{self.article}）"


def named_positions(ruleset: Ruleset) -> list[Position]:
    """The places the ruleset names besides its members, in the order the draw fills them:
    leader, deputy, a commissioner per level named (副厅级、处级), the liaison officer."""
    found: list[Position] = []
    for rule in ruleset.of_type(TeamRoleRule):
        role = ROLE_OF_RULE.get(rule.id)
        if role is None:
            continue
        pool = rule.params.from_pool or DEFAULT_POOL.get(role, PoolKind.TALENT)
        levels = rule.params.levels_zh
        # 副厅级巡视专员、处级巡视专员 (nmg-2016 §9): one place per level; a liaison officer is
        # one place of any of its levels (厅级或者处级, nmg-2016 §14).
        per_level = role is TeamRole.COMMISSIONER and len(levels) > 1
        for each in [(level,) for level in levels] if per_level else [levels]:
            found.append(Position(role, pool, each, rule.id, rule.article))
    order = list(ROLE_OF_RULE.values())
    return sorted(found, key=lambda p: order.index(p.role))


def member_position(ruleset: Ruleset) -> Position:
    """The members' place: the talent pool, any rank."""
    rule = ruleset.find("role.member")
    article = rule.article if rule is not None else "nmg-2016 §13"
    return Position(TeamRole.MEMBER, PoolKind.TALENT, (), "role.member", article)


def counted(ruleset: Ruleset, pooled: Sequence[Pooled]) -> list[Pooled]:
    """The pooled people with only the fields of expertise the ruleset lists (its
    ``expertise.*`` rules, in its order): the fields the draw's coverage counts."""
    fields = [rule.id for rule in ruleset.of_type(ExpertiseRule)]
    return [replace(p, expertise=tuple(f for f in fields if f in p.expertise)) for p in pooled]


def best(candidates: Sequence[Pooled], covered: set[str]) -> Pooled | None:
    """The candidate adding the most fields of expertise not yet covered (qh-zrzyt §9,
    nmg-2016 §11(4); ``counted`` keeps the ruleset's), then the broadest, then the first
    recorded."""
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda p: (len(set(p.expertise) - covered), len(p.expertise), -p.person_id),
    )


def fill(
    positions: Sequence[Position], eligible: Sequence[Pooled]
) -> tuple[list[tuple[Position, Pooled]], list[Position]]:
    """Fill each position in turn with the best eligible person not yet drawn: the drawn
    (position, person) pairs and the positions left empty."""
    covered: set[str] = set()
    taken: set[int] = set()
    drawn: list[tuple[Position, Pooled]] = []
    empty: list[Position] = []
    for position in positions:
        chosen = best(
            [p for p in eligible if p.person_id not in taken and position.admits(p)], covered
        )
        if chosen is None:
            empty.append(position)
            continue
        taken.add(chosen.person_id)
        covered |= set(chosen.expertise)
        drawn.append((position, chosen))
    return drawn, empty
