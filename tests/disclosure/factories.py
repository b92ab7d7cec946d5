"""Disclosures made through the service, and a test-local protected-name source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.disclosure import service
from inspectnet.disclosure.models import Disclosure
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.network.models import Office
from inspectnet.rules.format import DisclosureStage
from tests.accounts.factories import Staff, make_staff
from tests.inspections.factories import make_inspection, move_to
from tests.network.factories import make_office
from tests.targets.factories import make_target

# What ``protected_for_test`` answers, by inspection id: a test puts the names its registered
# domain would hold (a petitioner, a person under a clue) here.
PROTECTED: dict[int, list[str]] = {}
SOURCE = "tests.disclosure.factories:protected_for_test"


async def protected_for_test(
    session: AsyncSession, office_id: int, inspection_id: int
) -> Iterable[str]:
    """A protected-name source as a domain registers one (disclosure/names.py)."""
    return PROTECTED.get(inspection_id, [])


@dataclass(frozen=True)
class InspectedOffice:
    """An office with its admin and member and one inspection of one of its targets."""

    office: Office
    staff: Staff
    inspection: Inspection


async def make_inspected_office(
    session: AsyncSession,
    actor: Actor,
    stage: Stage = Stage.FED_BACK,
    *,
    ruleset_id: str = "nmg-2016",
    target_name: str | None = None,
) -> InspectedOffice:
    """An office, its staff, and an inspection of its target moved on to ``stage``."""
    office = await make_office(session, actor, ruleset_id=ruleset_id)
    staff = await make_staff(session, actor, office)
    target = await make_target(session, actor, office, target_name)
    inspection = await make_inspection(session, actor, target.id)
    inspection = await move_to(session, actor, inspection, stage)
    return InspectedOffice(office, staff, inspection)


async def make_disclosure(
    session: AsyncSession,
    actor: Actor,
    inspection: Inspection,
    stage: DisclosureStage = DisclosureStage.FEEDBACK,
    *,
    approved: bool = False,
    published: bool = False,
) -> Disclosure:
    """A drafted disclosure, approved and published when asked."""
    found = await service.draft_disclosure(session, actor, inspection_id=inspection.id, stage=stage)
    if approved or published:
        found = await service.approve_disclosure(session, actor, disclosure_id=found.id)
    if published:
        found = await service.publish_disclosure(session, actor, disclosure_id=found.id)
    return found
