"""The planner's view of a round (issue 13 item 9): a plan's inspections, each with its stage,
team, recusal cases, ``viewerCan`` and its next deadline with the three-colour warning of its
ruleset (三色预警, rules/deadlines.py). Every part is batched per page, so the statements a page
costs do not grow with the number of inspections on it."""

from __future__ import annotations

from datetime import datetime

from inspectnet import clock
from inspectnet.graphql.context import Info
from inspectnet.inspections import repository, stages
from inspectnet.inspections.models import Stage
from inspectnet.rules.deadlines import Deadline, compute_deadline
from inspectnet.rules.format import Event
from inspectnet.rules.graphql import DeadlineType, deadline_type
from inspectnet.rules.service import calendar_from_db

# The event whose deadlines run while an inspection stands in a stage, and the stage it entered
# with that event (the step's time starts them): the stay on site (qh-zrzyt §11), the hearing
# after leaving (qh-zrzyt §17), rectification after feedback (qh-zrzyt §19, nmg-2016 §30).
RUNNING: dict[Stage, tuple[Event, Stage]] = {
    Stage.ON_SITE: (Event.SITE_ENTERED, Stage.ON_SITE),
    Stage.LEFT_SITE: (Event.SITE_LEFT, Stage.LEFT_SITE),
    Stage.REPORTED: (Event.SITE_LEFT, Stage.LEFT_SITE),
    Stage.FED_BACK: (Event.FEEDBACK_DELIVERED, Stage.FED_BACK),
}


def _next(found: list[Deadline]) -> Deadline | None:
    due = [d for d in found if d.due_on is not None]
    return min(due, key=lambda d: (d.due_on, d.rule_id)) if due else None


async def next_deadline_of(info: Info, pk: int, stage: Stage) -> DeadlineType | None:
    """The earliest deadline running in the inspection's stage, batched across the request."""
    ctx = info.context
    actor = ctx.actor

    async def batch(keys: list[tuple[int, Stage]]) -> list[DeadlineType | None]:
        ids = [key for key, _stage in keys]
        entered = await repository.stage_entries(ctx.session, actor, ids)
        offices = await repository.offices_of(ctx.session, ids)
        calendar = await calendar_from_db(ctx.session)
        today = clock.today_in_china()
        answers: list[DeadlineType | None] = []
        for key, at in keys:
            running = RUNNING.get(at)
            office = offices.get(key)
            started: datetime | None = running and entered[key].get(running[1])
            if running is None or office is None or started is None:
                answers.append(None)
                continue
            ruleset = stages.ruleset_of(office)
            found = _next(
                [
                    compute_deadline(
                        ruleset, rule, started_at=started, calendar=calendar, today=today
                    )
                    for rule in ruleset.deadlines_started_by(running[0])
                ]
            )
            answers.append(deadline_type(found) if found else None)
        return answers

    return await ctx.loader(("inspection", "next_deadline"), batch).load((pk, stage))  # type: ignore[no-any-return]


async def inspection_next_deadline(root: object, info: Info) -> DeadlineType | None:
    """Resolver of ``Inspection.nextDeadline``."""
    return await next_deadline_of(info, root.pk, root.stage)  # type: ignore[attr-defined]
