"""Rows of the domains built after the demo (casework, intake, reports, rectification,
disclosure, discipline, archive, transfers), made with each domain's test factories.

Each factory builds offices of its own (``test.oN``), which no demo user can see: what they
make is hidden from the demo's readers, and a team role given to ``reader`` makes the team's
rows readable to it, for the tests that need rows of every Node type or child model.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.casework import proposals
from inspectnet.inspections.models import Inspection, TeamRole
from inspectnet.intake import conduct
from inspectnet.intake import service as intake
from inspectnet.intake.models import (
    GiftRefusal,
    Petition,
    PetitionAttachment,
    PetitionMaterial,
)
from inspectnet.ledger import service as ledger
from inspectnet.network.models import Office
from inspectnet.rectification import closure, plans
from inspectnet.rules.vocabulary import DisclosureStage
from tests.accounts.factories import make_user
from tests.archive.factories import make_archive
from tests.casework.factories import (
    make_activity,
    make_clue,
    make_finding,
    make_interview,
    make_team,
)
from tests.discipline.factories import make_discipline_record, make_discipline_world
from tests.disclosure.factories import make_disclosure
from tests.inspections.factories import make_assignment
from tests.intake.factories import make_intake_team, make_petition
from tests.rectification.factories import QH, AfterSite, make_fed_back_inspection, make_items
from tests.reports.factories import make_report
from tests.transfers.factories import make_transfer, make_transfer_setting

# What the petitioner's evidence file would be: only its row is needed, never its bytes.
_FILE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


async def _petition_rows(session: AsyncSession, actor: Actor, inspection: Inspection) -> Petition:
    """A named petition with the team's reply, the petitioner's added material and its file."""
    petition = await make_petition(
        session, actor, inspection, petitioner_name="李某", petitioner_contact="13900000000"
    )
    await intake.reply_to_petition(session, actor, petition_id=petition.id, body="已受理")
    # The petitioner adds material with the receipt code on the public route; the rows it
    # leaves are what is needed here, so they are written as that route writes them.
    material = PetitionMaterial(
        office_id=petition.office_id,
        petition_id=petition.id,
        inspection_id=petition.inspection_id,
        target_id=petition.target_id,
        text="补充材料一份",
    )
    session.add(material)
    await session.flush()
    session.add(
        PetitionAttachment(
            office_id=petition.office_id,
            petition_id=petition.id,
            material_id=material.id,
            inspection_id=petition.inspection_id,
            target_id=petition.target_id,
            storage_key=hashlib.sha256(_FILE).hexdigest(),
            media_type="image/png",
            size=len(_FILE),
            sha256=hashlib.sha256(_FILE).hexdigest(),
        )
    )
    await session.flush()
    return petition


async def add_casework_rows(
    session: AsyncSession, actor: Actor, reader: UserAccount | None = None
) -> None:
    """Casework, petitions and a report on new offices' inspections; ``reader`` on both teams
    (a member of the casework team, the intake handler of the petitions' one)."""
    team = await make_team(session, actor)
    if reader is not None:
        await make_assignment(session, actor, team.inspection, reader.id, TeamRole.MEMBER)
    interview = await make_interview(session, actor, team)
    await make_activity(session, actor, team.inspection)
    clue = await make_clue(session, actor, team.inspection, sources=[interview])
    finding = await make_finding(session, actor, team.inspection, ready=True, evidence=[clue])
    await proposals.propose_fix(
        session,
        actor,
        inspection_id=team.inspection.id,
        problem="公务接待超标",
        proposal="立即清理规范",
        finding_id=finding.id,
    )
    await make_report(session, actor, team.inspection, findings=[finding], clues=[clue])
    # The mid-term report is a patrol's (qh-zrzyt), where make_team's default ruleset names it.
    await proposals.save_mid_term_report(
        session, actor, inspection_id=team.inspection.id, progress="已谈话12人", plan="下沉调研"
    )
    intake_team = await make_intake_team(session, actor)
    if reader is not None:
        await make_assignment(
            session, actor, intake_team.inspection, reader.id, TeamRole.INTAKE_HANDLER
        )
    await _petition_rows(session, actor, intake_team.inspection)
    await _conduct_rows(session, actor, intake_team.inspection)


async def _conduct_rows(session: AsyncSession, actor: Actor, inspection: Inspection) -> None:
    """A complaint about the team and a gift a team member refused."""
    await conduct.file_complaint(
        session, actor, inspection_id=inspection.id, summary="反映巡察组成员接受宴请"
    )
    # A refusal is declared by the member in person (conduct.declare_gift_refusal checks the
    # actor's own assignment): the row is written as that declaration writes it.
    office = await session.get(Office, inspection.office_id)
    assert office is not None
    member = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    assignment = await make_assignment(session, actor, inspection, member.id, TeamRole.MEMBER)
    session.add(
        GiftRefusal(
            office_id=inspection.office_id,
            inspection_id=inspection.id,
            target_id=inspection.target_id,
            assignment_id=assignment.id,
            offered_by="某局办公室",
            description="拒收土特产一箱",
            refused_on=date(2026, 11, 24),
        )
    )
    await session.flush()


async def add_fed_back_rows(session: AsyncSession, actor: Actor) -> AfterSite:
    """A department's patrol (qh-zrzyt) of a new filing line, fed back (its attendees
    recorded, as nmg-2016 does not), one rectification item closed, its disclosure approved
    and its materials archived: the rows its office's members read."""
    case, feedback = await make_fed_back_inspection(session, actor, ruleset_id=QH)
    items = await make_items(session, actor, feedback)
    # A department's plan is in force once its party group approves it (qh-zrzyt).
    await plans.approve_plan(session, actor, plan_id=items[0].plan_id)
    await plans.complete_item(session, actor, item_id=items[0].id, evidence="整改佐证材料")
    await closure.close_item(session, actor, item_id=items[0].id, note="核对属实")
    # qh-zrzyt discloses the entry and the rectification, not the feedback (§13, §23).
    await make_disclosure(session, actor, case.inspection, DisclosureStage.ENTRY, approved=True)
    await make_archive(session, actor, case.inspection)
    return case


async def add_after_site_rows(session: AsyncSession, actor: Actor) -> None:
    """Feedback, rectification, disclosure, archive, discipline, transfer and ledger rows,
    in new offices."""
    await add_fed_back_rows(session, actor)
    discipline = await make_discipline_world(session, actor)
    await make_discipline_record(session, actor, discipline.inspection)
    setting = await make_transfer_setting(session, actor)
    await make_transfer(session, actor, setting)
    await ledger.compile_ledger(session, actor, office_id=setting.team.office.id)
    await ledger.request_opinion(
        session,
        actor,
        target_id=setting.team.target.id,
        requested_by="市委组织部",
        cadre_name="王建国",
        cadre_post="副局长",
        purpose="拟提拔使用",
    )


async def add_new_domain_rows(
    session: AsyncSession, actor: Actor, reader: UserAccount | None = None
) -> None:
    """Every newer domain's rows, in offices of their own."""
    await add_casework_rows(session, actor, reader)
    await add_after_site_rows(session, actor)
