"""Use cases of the archive (归档, qh-zrzyt §27, §8(5)): the team hands its materials over, the
office archives the inspection (its stage becomes ``archived``: every team grant ends) with a
signed manifest of every registered source's material, and exports it as one package."""

from __future__ import annotations

import base64

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import validation
from inspectnet.archive import package, repository, sources
from inspectnet.archive.models import ArchiveItem, InspectionArchive, MaterialHandover
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.errors import Conflict, RuleViolation
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.inspections.stages import advance_inspection, ruleset_of, stage_rule
from inspectnet.network.models import Office


async def hand_over_materials(
    session: AsyncSession, actor: Actor, *, inspection_id: int, note: str
) -> MaterialHandover:
    """Record the team's materials handed to the office once the work is over (qh-zrzyt §27)."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session,
        actor,
        "create",
        MaterialHandover,
        inspection.office_id,
        inspection.target_id,
        inspection_id=inspection.id,
    )
    inputs = validation.Inputs()
    text = inputs.text(MaterialHandover.note, note)
    inputs.done()
    if inspection.stage is not Stage.FED_BACK:
        raise Conflict(
            "巡视巡察反馈后、归档前方可移交材料", code="HANDOVER_NOT_DUE", field="inspectionId"
        )
    if await repository.handover_of(session, actor, inspection.id) is not None:
        raise Conflict(
            "该巡视巡察的材料已移交", code="MATERIALS_ALREADY_HANDED_OVER", field="inspectionId"
        )
    handover = MaterialHandover(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        user_id=actor.user_id,
        actor_name=actor.username,
        note=text,
    )
    session.add(handover)
    await session.flush()
    await record(
        session,
        actor,
        "archive.handover",
        office_id=handover.office_id,
        object_id=global_id_of(inspection),
    )
    return handover


async def archive_inspection(
    session: AsyncSession, actor: Actor, *, inspection_id: int, version: int | None = None
) -> InspectionArchive:
    """Archive a fed-back inspection whose materials were handed over: its stage becomes
    ``archived`` (team grants end) and its material is listed, checksummed and signed."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session, actor, "create", InspectionArchive, inspection.office_id, inspection.target_id
    )
    # system scope: the office a readable inspection belongs to binds it to its ruleset
    office = await session.get(Office, inspection.office_id)
    assert office is not None  # the foreign key holds it
    rule = stage_rule(ruleset_of(office), Stage.ARCHIVED)
    if await repository.handover_of(session, actor, inspection.id) is None:
        raise RuleViolation(
            f"巡视巡察组尚未移交工作材料，不能归档（{rule.article}）",
            code="MATERIALS_NOT_HANDED_OVER",
            field="inspectionId",
            rule_id=rule.id,
            article=rule.article,
        )
    # The stage machine checks the order (only a fed-back inspection), the version and the
    # actor's update, records the step under the rule and reloads the policy: the team's
    # grants end with this transaction.
    inspection = await advance_inspection(
        session, actor, inspection_id=inspection.id, stage=Stage.ARCHIVED, version=version
    )
    collected = await sources.collect(session, actor, inspection)
    listed = [
        {
            "path": member.path,
            "source": source,
            "sha256": package.checksum(member.content),
            "size": len(member.content),
        }
        for source, member in collected
    ]
    header = {
        "inspection": global_id_of(inspection),
        "office": office.code,
        "rule": rule.id,
        "article": rule.article,
        "archivedBy": actor.username,
    }
    signed = package.sign(header, listed)
    archive = InspectionArchive(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        user_id=actor.user_id,
        actor_name=actor.username,
        rule_id=rule.id,
        article=rule.article,
        manifest=signed.manifest.decode(),
        signature=signed.signature,
        key_version=signed.key_version,
    )
    session.add(archive)
    await session.flush()
    session.add_all(
        ArchiveItem(
            office_id=archive.office_id,
            archive_id=archive.id,
            target_id=archive.target_id,
            path=entry["path"],
            source=entry["source"],
            sha256=entry["sha256"],
            size=entry["size"],
            content=base64.b64encode(member.content).decode(),
        )
        for entry, (_, member) in zip(listed, collected, strict=True)
    )
    await session.flush()
    await record(
        session,
        actor,
        "archive.create",
        office_id=archive.office_id,
        object_id=global_id_of(archive),
        detail={"inspection": global_id_of(inspection), "members": len(listed)},
    )
    return archive


async def export_package(session: AsyncSession, actor: Actor, *, archive_id: int) -> bytes:
    """The archive as one signed zip, rebuilt from what was archived."""
    archive = await get_readable(session, actor, InspectionArchive, archive_id)
    await require(session, actor, "export", archive)
    rows = await repository.items(session, actor, archive.id)
    contents = {row.path: base64.b64decode(row.content) for row in rows}
    signed = package.Signed(archive.manifest.encode(), archive.signature, archive.key_version)
    await record(
        session,
        actor,
        "archive.export",
        office_id=archive.office_id,
        object_id=global_id_of(archive),
    )
    return package.build(signed, contents)
