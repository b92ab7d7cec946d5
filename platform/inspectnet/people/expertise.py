"""A person's fields of expertise (专业领域): ``expertise.*`` rule ids of the office's ruleset.

The ruleset lists the fields (qh-zrzyt §9: the talent pool's six fields; nmg-2016 §11(4): the
two every staff member must know); a person holds the ids of those they know, and the draw ranks
members by the fields they add to the team (inspections/positions.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from inspectnet.errors import ValidationFailed
from inspectnet.rules.format import ExpertiseRule, Ruleset
from inspectnet.rules.registry import get_ruleset

FIELD = "expertise"


def checked_expertise(ruleset_id: str, fields: Iterable[str], *, field: str = FIELD) -> list[str]:
    """The fields, sorted and each once, if every one is an expertise rule of the ruleset;
    ``EXPERTISE_NOT_IN_RULESET`` on ``field`` naming the first that is not."""
    ruleset = get_ruleset(ruleset_id)
    wanted = sorted(set(fields))
    for rule_id in wanted:
        if not isinstance(ruleset.find(rule_id), ExpertiseRule):
            raise ValidationFailed(
                f"专业领域 {rule_id} 不在本机构规定所列领域之中（规则集 {ruleset.id}：{_listed(ruleset)}）",
                code="EXPERTISE_NOT_IN_RULESET",
                field=field,
            )
    return wanted


def expertise_rules(ruleset_id: str, fields: Iterable[str]) -> list[ExpertiseRule]:
    """The ruleset's rules for the fields a person holds, in the ruleset's order; an id the
    ruleset no longer lists is left out."""
    held = set(fields)
    return [rule for rule in get_ruleset(ruleset_id).of_type(ExpertiseRule) if rule.id in held]


def _listed(ruleset: Ruleset) -> str:
    return "、".join(f"{r.name}（{r.id}）" for r in ruleset.of_type(ExpertiseRule)) or "无"
