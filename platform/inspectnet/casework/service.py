"""What every casework change starts from: the inspection it belongs to, checked for the
change, and the office's ruleset that names categories and methods."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require_in
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.inspections.models import Inspection
from inspectnet.network.models import Office
from inspectnet.rules.format import ProblemCategoryRule, RuleBase, Ruleset
from inspectnet.rules.registry import get_ruleset

R = TypeVar("R", bound=RuleBase)


async def inspection_for(
    session: AsyncSession, actor: Actor, inspection_id: int, model: type[Any]
) -> Inspection:
    """The inspection a new ``model`` row joins, once the actor may create one there.

    The policy gives the team ``create`` in the inspection's ``mission`` phase only, so a
    write after the hearing's feedback is FORBIDDEN like any other refused change.
    """
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        model,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    return inspection


async def ruleset_for(session: AsyncSession, office_id: int) -> Ruleset:
    """The ruleset binding an office's casework."""
    # system scope: the office's ruleset binds every record made in it, read after the record
    office = await session.get(Office, office_id)
    if office is None:  # the inspection was read through the door: its office exists
        raise NotFound()
    return get_ruleset(office.ruleset_id)


def rule_named(
    ruleset: Ruleset, rule_id: str, cls: type[R], *, code: str, message: str, field: str
) -> R:
    """The ruleset's rule ``rule_id`` of kind ``cls``, or ``code`` on ``field``."""
    rule = ruleset.find(rule_id)
    if not isinstance(rule, cls):
        raise ValidationFailed(f"{message}（规则集 {ruleset.id}）", code=code, field=field)
    return rule


def category_of(
    ruleset: Ruleset, category: str, field: str = "categoryRule"
) -> ProblemCategoryRule:
    """A problem category of the ruleset (nmg-2016 §18, qh-zrzyt §12)."""
    return rule_named(
        ruleset,
        category,
        ProblemCategoryRule,
        code="CATEGORY_NOT_IN_RULESET",
        message="问题类别须为本机构规定所列类别",
        field=field,
    )


async def linked_refs(
    session: AsyncSession, model: type[Any], owner_column: Any, owner_id: int
) -> set[tuple[str, int]]:
    """The ``(kind, ref_id)`` links a clue or finding already has."""
    # system scope: the owner was read and checked for change; its links are part of it
    rows = await session.execute(select(model.kind, model.ref_id).where(owner_column == owner_id))
    return {(kind, ref) for kind, ref in rows}
