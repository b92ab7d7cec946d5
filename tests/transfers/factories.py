"""Transfers 移交 made ready to test: a team's inspection heard by the leading group, its clue,
the body that decides transfers, and a receiving office on the platform with its admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.bodies.models import BodyKind
from inspectnet.casework.models import Clue, Finding
from inspectnet.inspections.models import Stage
from inspectnet.network.models import Office
from inspectnet.transfers import service
from inspectnet.transfers.models import Transfer
from tests.accounts.factories import make_user
from tests.bodies.factories import make_body
from tests.casework.factories import Team, make_clue, make_finding, make_team
from tests.inspections.factories import move_to
from tests.network.factories import make_office

# Who decides a transfer after the inspection in each ruleset (nmg-2016 §31, qh-zrzyt §20).
DECIDING_BODY = {"nmg-2016": BodyKind.FIVE_PERSON_GROUP, "qh-zrzyt": BodyKind.LEADING_GROUP}


@dataclass(frozen=True)
class TransferSetting:
    """A team's inspection with a clue and a finding, its office's admin and deciding body
    member, and a receiving office (with its admin) on the platform."""

    team: Team
    clue: Clue
    other_clue: Clue
    finding: Finding
    decider: UserAccount
    admin: UserAccount
    receiver: Office
    receiver_admin: UserAccount


async def make_transfer_setting(
    session: AsyncSession,
    actor: Actor,
    *,
    ruleset_id: str = "nmg-2016",
    stage: Stage = Stage.HEARD,
) -> TransferSetting:
    """Everything a transfer needs, the inspection moved on to ``stage``."""
    team = await make_team(session, actor, ruleset_id=ruleset_id)
    clue = await make_clue(session, actor, team.inspection, person_name="王建国")
    other = await make_clue(session, actor, team.inspection, person_name="赵立新")
    finding = await make_finding(session, actor, team.inspection)
    await move_to(session, actor, team.inspection, stage)
    body = await make_body(session, actor, team.office, DECIDING_BODY[ruleset_id])
    admin = await make_user(session, actor, team.office, Role.OFFICE_ADMIN)
    receiver = await make_office(session, actor, ruleset_id=ruleset_id)
    receiver_admin = await make_user(session, actor, receiver, Role.OFFICE_ADMIN)
    return TransferSetting(
        team, clue, other, finding, body.members[0], admin, receiver, receiver_admin
    )


async def make_transfer(
    session: AsyncSession,
    actor: Actor,
    setting: TransferSetting,
    *,
    route: str = "transfer.discipline",
    to_office: bool = True,
) -> Transfer:
    """The setting's clue transferred to its receiving office (or to an outside body)."""
    return await service.transfer(
        session,
        actor,
        clue_id=setting.clue.id,
        route=route,
        receiver="discipline_body",
        reason="涉嫌违规收受礼金，移交核查",
        receiver_office_id=setting.receiver.id if to_office else None,
        receiver_name=None if to_office else "某县纪委监委",
    )
