"""What an archive holds: a registry of sources each domain plugs into with one line.

A source is ``async def f(session, actor, inspection) -> list[Member]``: the material of one
inspection that its domain keeps, read as the archiving actor reads it (through ``readable``:
need-to-know fields such as the team's phones or a petitioner's identity stay out unless the
archivist may read them). ``SOURCES`` names them ``"package.module:function"``; the lead adds
one line per domain. Here: the inspection itself, its transitions, its team and its
preparation items (defined here, since the inspections domain keeps them); then intake's
petitions (never who petitioned), casework and the rectification plan, each in its domain's
``archive.py``. Casework is read in system scope there: nobody outside the team reads it
until it reaches the office with the archive (qh-zrzyt §27).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from importlib import import_module
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.ids import global_id
from inspectnet.inspections.models import (
    Inspection,
    InspectionTransition,
    PreparationItem,
    TeamAssignment,
)
from inspectnet.targets.models import Target


@dataclass(frozen=True)
class Member:
    """One file of the archive: its path in the package and its bytes."""

    path: str
    content: bytes


Source = Callable[[AsyncSession, Actor, Inspection], Awaitable[list[Member]]]

SOURCES: list[str] = [
    "inspectnet.archive.sources:inspection_record",
    "inspectnet.archive.sources:transitions",
    "inspectnet.archive.sources:team",
    "inspectnet.archive.sources:preparation",
    "inspectnet.intake.archive:petitions",  # without identities
    "inspectnet.casework.archive:interviews",
    "inspectnet.casework.archive:activities",
    "inspectnet.casework.archive:clues",
    "inspectnet.casework.archive:findings",
    "inspectnet.casework.archive:fix_proposals",
    "inspectnet.reports.archive:reports",  # each version's DOCX from the evidence store
    "inspectnet.rectification.archive:plan",
]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_json(value: Any) -> bytes:
    """Stable JSON bytes (sorted keys, UTF-8): the same material gives the same checksum."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=_plain).encode()


async def inspection_record(
    session: AsyncSession, actor: Actor, inspection: Inspection
) -> list[Member]:
    """The inspection: its name, target, stage and the plan or first inspection it names."""
    target = await session.scalar(readable(actor, Target).where(Target.id == inspection.target_id))
    record = {
        "id": global_id("Inspection", inspection.id),
        "name": inspection.name,
        "target": None if target is None else target.name,
        "stage": inspection.stage,
        "plan": None if inspection.plan_id is None else global_id("Plan", inspection.plan_id),
        "follows": None
        if inspection.follows_id is None
        else global_id("Inspection", inspection.follows_id),
        "createdAt": inspection.created_at,
    }
    return [Member("inspection/inspection.json", as_json(record))]


async def transitions(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """Every step of the inspection's life: who, when, under which rule and article."""
    rows = await session.scalars(
        readable(actor, InspectionTransition)
        .where(InspectionTransition.inspection_id == inspection.id)
        .order_by(InspectionTransition.id)
    )
    steps = [
        {
            "from": r.from_stage,
            "to": r.to_stage,
            "by": r.actor_name,
            "at": r.created_at,
            "rule": r.rule_id,
            "article": r.article,
            "decision": r.decision,
        }
        for r in rows
    ]
    return [Member("inspection/transitions.json", as_json(steps))]


async def team(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """The team: each role, its holder's account and its period (phones are not archived)."""
    rows = await session.execute(
        readable(actor, TeamAssignment)
        .add_columns(UserAccount.username)
        .join(UserAccount, UserAccount.id == TeamAssignment.user_id)
        .where(TeamAssignment.inspection_id == inspection.id)
        .order_by(TeamAssignment.id)
    )
    members = [
        {
            "role": a.role,
            "account": username,
            "validFrom": a.valid_from,
            "validUntil": a.valid_until,
        }
        for a, username in rows
    ]
    return [Member("inspection/team.json", as_json(members))]


async def preparation(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """The requests to the bodies before entry and their answers (nmg-2016 §24)."""
    rows = await session.scalars(
        readable(actor, PreparationItem)
        .where(PreparationItem.inspection_id == inspection.id)
        .order_by(PreparationItem.id)
    )
    items = [
        {
            "body": r.body,
            "question": r.question,
            "dueOn": r.due_on,
            "answer": r.answer,
            "answeredOn": r.answered_on,
            "withdrawn": r.archived_at is not None,
        }
        for r in rows
    ]
    return [Member("inspection/preparation.json", as_json(items))]


def _resolve(path: str) -> Source:
    module, _, name = path.partition(":")
    source: Source = getattr(import_module(module), name)
    return source


async def collect(
    session: AsyncSession, actor: Actor, inspection: Inspection
) -> list[tuple[str, Member]]:
    """Every registered source's members, as ``(source, member)`` in registration order."""
    found: list[tuple[str, Member]] = []
    for path in SOURCES:
        found.extend((path, m) for m in await _resolve(path)(session, actor, inspection))
    return found
