"""Factories: every builder a test needs, from one place, each made through its service.

Each domain keeps its own in ``tests/<domain>/factories.py``; they are re-exported here. The
common shapes are one line each, in the test's own transaction (``system``):

- ``region = await make_region(session, actor, subordinates=2, counties=4)``: a top office,
  two liaison bodies, four offices under each (``region.top``, ``region.subordinates``,
  ``region.counties(office)``);
- ``net = await make_staffed_region(session, actor)``: own office, superior and sibling, with
  the top's admin and auditor and the own office's admin and member;
- ``staff = await make_staff(session, actor, office)``: its admin and a member
  (``staff.admin``, ``staff.member``: usernames to sign in with);
- ``await make_user(session, actor, office, Role.AUDITOR, also=[(other, Role.OFFICE_MEMBER)])``:
  an account with its roles;
- ``await make_person_with_record(session, actor, office)``: a person with an employment and a
  place in a pool; ``make_training`` / ``make_rotation`` add a training (qh-zrzyt §8(3)) or a
  rotation (nmg-2016 §12) to a person's record;
- ``await make_target_with_posts(session, actor, office, ("书记", "副书记"))``: a target and
  its leadership roster;
- ``await make_body(session, actor, office, BodyKind.LEADING_GROUP, (Position.HEAD,))``: a
  decision body with a new member of the office in each position (``.body``, ``.members``);
- ``line = await make_filing_line(session, actor)``: a provincial office with its leading
  group and a department's office filing to it under qh-zrzyt (``line.province``, ``line.dnr``,
  their admins, ``line.group_member``, ``line.target``); ``make_plan``/``make_filed_plan``:
  the department's annual plan over that target, filed for approval;
- ``case, feedback = await make_fed_back_inspection(session, actor, ruleset_id="qh-zrzyt")``:
  an inspection heard, consented and fed back, its rectification clock started, with its
  office's admin, the bodies' seats, a team leader and a target-side account
  (``make_reported_inspection`` stops before the hearing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import domains
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.settings import Settings
from tests.accounts.factories import (
    Staff,
    StaffedRegion,
    make_staff,
    make_staffed_region,
    make_user,
    sign_in_name_of,
)
from tests.archive.factories import (
    TeamedInspection,
    make_archive,
    make_handover,
    make_teamed_inspection,
)
from tests.bodies.factories import SeatedBody, make_body
from tests.casework.factories import (
    Team,
    make_activity,
    make_clue,
    make_finding,
    make_interview,
    make_team,
)
from tests.discipline.factories import (
    DisciplineWorld,
    make_discipline_record,
    make_discipline_world,
)
from tests.disclosure.factories import InspectedOffice, make_disclosure, make_inspected_office
from tests.filings.factories import FilingLine, make_filed_plan, make_filing_line, make_plan
from tests.intake.factories import IntakeTeam, make_intake_team, make_petition
from tests.network.factories import Region, make_network, make_office, make_region
from tests.people.factories import (
    expertise_fields,
    make_person,
    make_person_with_record,
    make_rotation,
    make_training,
)
from tests.rectification.factories import (
    AfterSite,
    make_fed_back_inspection,
    make_reported_inspection,
)
from tests.reports.factories import make_report
from tests.targets.factories import make_leadership_post, make_target, make_target_with_posts
from tests.transfers.factories import TransferSetting, make_transfer, make_transfer_setting

TODAY = date(2026, 11, 25)

T = TypeVar("T")


async def build_in(settings: Settings, build: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    """Run ``build(session, actor)`` as the system, committed, in the database ``settings``
    names: for tests of commands and servers that open the database themselves."""
    database = Database(make_engine(settings))
    try:
        store = domains.policy_store(settings.policy_dir)
        async with database.transaction() as session:
            await store.reload(session)
            return await build(session, Actor.system(store.compiled, name="test"))
    finally:
        await database.dispose()


__all__ = [
    "TODAY",
    "AfterSite",
    "DisciplineWorld",
    "FilingLine",
    "InspectedOffice",
    "IntakeTeam",
    "Region",
    "SeatedBody",
    "Staff",
    "StaffedRegion",
    "Team",
    "TeamedInspection",
    "TransferSetting",
    "build_in",
    "expertise_fields",
    "make_activity",
    "make_archive",
    "make_body",
    "make_clue",
    "make_discipline_record",
    "make_discipline_world",
    "make_disclosure",
    "make_fed_back_inspection",
    "make_filed_plan",
    "make_filing_line",
    "make_finding",
    "make_handover",
    "make_inspected_office",
    "make_intake_team",
    "make_interview",
    "make_leadership_post",
    "make_network",
    "make_office",
    "make_person",
    "make_person_with_record",
    "make_petition",
    "make_plan",
    "make_region",
    "make_report",
    "make_reported_inspection",
    "make_rotation",
    "make_staff",
    "make_staffed_region",
    "make_target",
    "make_target_with_posts",
    "make_team",
    "make_teamed_inspection",
    "make_training",
    "make_transfer",
    "make_transfer_setting",
    "make_user",
    "sign_in_name_of",
]
