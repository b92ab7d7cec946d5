"""Use cases on offices and the network's lines."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.errors import Conflict, Forbidden, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.network import repository
from inspectnet.network.models import LinkKind, Office, OfficeKind, OfficeLink
from inspectnet.rules.registry import registry as rulesets

_CODE = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,63}$")


async def create_office(
    session: AsyncSession,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: OfficeKind,
    region_code: str,
    ruleset_id: str,
    superior_id: int | None,
) -> Office:
    """Create an office, linked under ``superior_id`` on the leadership line."""
    name = validation.required(name, "name")
    validation.region_code(region_code, "regionCode")
    if not _CODE.match(code):
        raise ValidationFailed(
            "代码只能包含小写字母、数字、点和连字符", code="INVALID_CODE", field="code"
        )
    if ruleset_id not in rulesets():
        raise ValidationFailed(
            f"未知的规则集 {ruleset_id}", code="RULESET_UNKNOWN", field="rulesetId"
        )
    superior = None
    if superior_id is not None:
        superior = await get_readable(session, actor, Office, superior_id)
        await require(session, actor, "create", superior)
    elif not actor.is_system:
        raise Forbidden("只有平台可以创建顶层办公室", code="FORBIDDEN", field="superiorId")
    if await repository.office_by_code(session, code) is not None:
        raise Conflict(f"代码 {code} 已被使用", code="CODE_TAKEN", field="code")
    office = Office(code=code, name=name, kind=kind, region_code=region_code, ruleset_id=ruleset_id)
    session.add(office)
    await session.flush()
    if superior is not None:
        session.add(
            OfficeLink(kind=LinkKind.LEADERSHIP, superior_id=superior.id, subordinate_id=office.id)
        )
    await record(
        session, actor, "office.create", office_id=office.id, object_id=global_id_of(office)
    )
    return office


async def update_office(
    session: AsyncSession,
    actor: Actor,
    office_id: int,
    *,
    name: str | None,
    region_code: str | None,
) -> Office:
    """Rename an office or correct its region code."""
    office = await get_readable(session, actor, Office, office_id)
    await require(session, actor, "update", office)
    if name is not None:
        office.name = validation.required(name, "name")
    if region_code is not None:
        office.region_code = validation.region_code(region_code, "regionCode")
    await session.flush()
    await record(
        session, actor, "office.update", office_id=office.id, object_id=global_id_of(office)
    )
    return office


async def link_offices(
    session: AsyncSession, actor: Actor, *, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLink:
    """Put ``subordinate`` under ``superior`` on one line; a loop on that line is refused."""
    superior = await get_readable(session, actor, Office, superior_id)
    subordinate = await get_readable(session, actor, Office, subordinate_id)
    await require(session, actor, "link", superior)
    if await repository.find_link(session, kind, superior.id, subordinate.id) is not None:
        raise Conflict("两个办公室之间已有这条联系", code="LINK_EXISTS", field="subordinateId")
    if await repository.would_cycle(session, kind, superior.id, subordinate.id):
        raise Conflict("这条联系会在网络中形成环路", code="LINK_CYCLE", field="subordinateId")
    link = OfficeLink(kind=kind, superior_id=superior.id, subordinate_id=subordinate.id)
    session.add(link)
    await session.flush()
    await record(
        session,
        actor,
        "office.link",
        office_id=superior.id,
        object_id=global_id_of(subordinate),
        detail={"kind": kind.value, "superior": global_id_of(superior)},
    )
    return link
