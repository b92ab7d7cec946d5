"""Problem clues 问题线索 on cadres: recorded from their sources, assessed, merged when two
name one person (the merge recorded on the clue merged away, which is archived, never deleted).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable, require
from inspectnet.casework import service
from inspectnet.casework.links import Resolved, resolve_links
from inspectnet.casework.models import Clue, ClueSource, ClueState
from inspectnet.concurrency import expect_version, transition
from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.people.models import Person


async def create_clue(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    category: str,
    summary: str,
    person_post: str,
    person_id: int | None = None,
    person_name: str | None = None,
    assessment: str | None = None,
    source_ids: Sequence[str] = (),
) -> Clue:
    """Record a clue about a cadre: a known person record, or the name and post as reported."""
    inspection = await service.inspection_for(session, actor, inspection_id, Clue)
    person = None if person_id is None else await get_readable(session, actor, Person, person_id)
    inputs = validation.Inputs()
    name = inputs.text(Clue.person_name, person_name if person is None else person.name)
    post = inputs.text(Clue.person_post, person_post)
    text = inputs.text(Clue.summary, summary)
    assessed = inputs.text(Clue.assessment, assessment)
    ruleset = await service.ruleset_for(session, inspection.office_id)
    try:
        service.category_of(ruleset, category)
    except ValidationFailed as problem:
        inputs.add(problem)
    inputs.done()
    sources = await resolve_links(
        session,
        actor,
        source_ids,
        inspection_id=inspection.id,
        use="clue_source",
        field="sourceIds",
    )
    clue = Clue(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        person_id=None if person is None else person.id,
        person_name=name,
        person_post=post,
        category=category,
        summary=text,
        assessment=assessed,
        state=ClueState.OPEN,
    )
    session.add(clue)
    await session.flush()
    _add_sources(session, clue, sources)
    await session.flush()
    await record(
        session,
        actor,
        "clue.create",
        office_id=clue.office_id,
        object_id=global_id_of(clue),
        detail={"sources": len(sources)},
    )
    return clue


def _add_sources(session: AsyncSession, clue: Clue, sources: Sequence[Resolved]) -> None:
    for link in sources:
        session.add(
            ClueSource(
                office_id=clue.office_id,
                inspection_id=clue.inspection_id,
                target_id=clue.target_id,
                clue_id=clue.id,
                kind=link.kind.name,
                ref_id=link.ref_id,
            )
        )


async def _open_clue(session: AsyncSession, actor: Actor, clue_id: int, action: str) -> Clue:
    clue = await get_readable(session, actor, Clue, clue_id)
    await require(session, actor, action, clue)
    if clue.state is not ClueState.OPEN:
        raise Conflict("该线索已了结或已并入其他线索", code="CLUE_NOT_OPEN", field="clueId")
    return clue


async def update_clue(
    session: AsyncSession,
    actor: Actor,
    *,
    clue_id: int,
    version: int | None = None,
    category: str | None = None,
    summary: str | None = None,
    assessment: str | None = None,
    person_name: str | None = None,
    person_post: str | None = None,
) -> Clue:
    """Change an open clue's category, content, assessment or the name and post it names."""
    clue = await _open_clue(session, actor, clue_id, "update")
    expect_version(clue, version)
    given = {
        key: value
        for key, value in (
            ("summary", summary),
            ("assessment", assessment),
            ("person_name", person_name),
            ("person_post", person_post),
        )
        if value is not None
    }
    inputs = validation.Inputs()
    changes = inputs.changes(Clue, given)
    if category is not None:
        ruleset = await service.ruleset_for(session, clue.office_id)
        try:
            service.category_of(ruleset, category)
            changes["category"] = category
        except ValidationFailed as problem:
            inputs.add(problem)
    inputs.done()
    for key, value in changes.items():
        setattr(clue, key, value)
    await session.flush()
    await record(
        session,
        actor,
        "clue.update",
        office_id=clue.office_id,
        object_id=global_id_of(clue),
        detail={"fields": sorted(changes)},
    )
    return clue


async def add_clue_sources(
    session: AsyncSession, actor: Actor, *, clue_id: int, source_ids: Sequence[str]
) -> Clue:
    """Link more sources to an open clue (a link already there is kept once)."""
    clue = await _open_clue(session, actor, clue_id, "update")
    sources = await resolve_links(
        session,
        actor,
        source_ids,
        inspection_id=clue.inspection_id,
        use="clue_source",
        field="sourceIds",
    )
    if not sources:
        raise ValidationFailed("请至少关联一项来源", code="REQUIRED", field="sourceIds")
    known = await service.linked_refs(session, ClueSource, ClueSource.clue_id, clue.id)
    _add_sources(session, clue, [s for s in sources if (s.kind.name, s.ref_id) not in known])
    await session.flush()
    await record(
        session,
        actor,
        "clue.sources.add",
        office_id=clue.office_id,
        object_id=global_id_of(clue),
    )
    return clue


async def close_clue(session: AsyncSession, actor: Actor, *, clue_id: int, assessment: str) -> Clue:
    """Close an open clue with its final assessment (了结)."""
    clue = await _open_clue(session, actor, clue_id, "update")
    inputs = validation.Inputs()
    text = inputs.text(Clue.assessment, assessment)
    inputs.done()
    if text is None:
        raise ValidationFailed("请填写处置意见", code="REQUIRED", field="assessment")
    await transition(
        session,
        Clue,
        clue.id,
        from_states=(ClueState.OPEN,),
        to_state=ClueState.CLOSED,
        values={"assessment": text},
    )
    await session.refresh(clue)
    await record(
        session, actor, "clue.close", office_id=clue.office_id, object_id=global_id_of(clue)
    )
    return clue


async def merge_clues(session: AsyncSession, actor: Actor, *, clue_id: int, into_id: int) -> Clue:
    """Merge a duplicate into the clue kept: the duplicate is archived with who, when and
    which it went into; its sources stay on it, where the kept clue lists it."""
    if clue_id == into_id:
        raise ValidationFailed("线索不能并入自身", code="MERGE_INTO_ITSELF", field="intoClueId")
    merged = await _open_clue(session, actor, clue_id, "merge")
    kept = await get_readable(session, actor, Clue, into_id)
    await require(session, actor, "merge", kept)
    if kept.state is not ClueState.OPEN:
        raise Conflict("只能并入未了结的线索", code="CLUE_NOT_OPEN", field="intoClueId")
    if kept.office_id != merged.office_id:
        raise ValidationFailed(
            "只能合并同一机构的线索", code="MERGE_OTHER_OFFICE", field="intoClueId"
        )
    now = clock.now()
    await transition(
        session,
        Clue,
        merged.id,
        from_states=(ClueState.OPEN,),
        to_state=ClueState.MERGED,
        values={
            "merged_into_id": kept.id,
            "merged_by": actor.user_id,
            "merged_at": now,
            "archived_at": now,
        },
    )
    await session.refresh(merged)
    await record(
        session,
        actor,
        "clue.merge",
        office_id=merged.office_id,
        object_id=global_id_of(merged),
        detail={"into": global_id_of(kept)},
    )
    return kept
