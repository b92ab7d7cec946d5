"""Who decides a filing: for record, the office filed to acknowledges it; for approval, the body
of that office the filer's rule names (``decided_by``, qh-zrzyt §3), through the door's
``require_body``. Notices of a new filing go to exactly the accounts this admits."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import body_action, require_body, require_in
from inspectnet.filings.models import Filing, FilingDecision
from inspectnet.rules.format import DecisionBody, FilingDutyRule
from inspectnet.rules.registry import get_ruleset

DECIDE = "decide"


def _body(filing: Filing) -> DecisionBody | None:
    # A stored filing names a rule of its filer's ruleset (checked when it was filed).
    return get_ruleset(filing.ruleset_id).rule_of(filing.rule_id, FilingDutyRule).params.decided_by


def decide_action(filing: Filing) -> str:
    """The action deciding ``filing`` needs in the office filed to (see ``require_decider``)."""
    body = _body(filing)
    return DECIDE if body is None else body_action(DECIDE, body.value)


async def require_decider(session: AsyncSession, actor: Actor, filing: Filing) -> None:
    """Refuse unless the actor may decide ``filing``: its office's staff for record, the named
    body's members for approval."""
    body = _body(filing)
    if body is None:
        await require_in(session, actor, DECIDE, FilingDecision, filing.to_office_id)
    else:
        await require_body(session, actor, body.value, filing.to_office_id, DECIDE, FilingDecision)
