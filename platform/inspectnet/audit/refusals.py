"""What a request remembers it refused, in memory and without SQL, for the outbox to write.

"read of Person 7 refused", "createPerson refused with NOT_FOUND": each is a ``Pending`` entry
whose office (and whether its object exists at all) is looked up later, off the request path, by
``resolve``; so a hidden object and a missing one cost the request exactly the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.models import Outcome
from inspectnet.audit.service import Draft
from inspectnet.authz.actor import Actor
from inspectnet.authz.resources import office_column
from inspectnet.ids import global_id

_PENDING = "inspectnet.audit.pending"
_READS = "inspectnet.audit.reads"
_CONCERN = "inspectnet.audit.concern"
_RESOLVE_CHUNK = 500


@dataclass(frozen=True)
class Probe:
    """An object named by model and primary key, whose existence and office are looked up later."""

    model: type[Any]
    pk: int


@dataclass(frozen=True)
class Pending:
    """A refusal waiting to be written: the entry, and what is still to be looked up."""

    draft: Draft
    # When set, the office is the probed object's; a read of a missing object is no event.
    probe: Probe | None = None
    drop_if_missing: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self.draft)
        if self.probe is not None:
            data["probe"] = [self.probe.model.__name__, self.probe.pk]
        return data


@dataclass(frozen=True)
class Concern:
    """The office an action concerns, as far as the request knows it (or the object to ask)."""

    office_id: int | None = None
    probe: Probe | None = None


def _draft(actor: Actor, action: str, outcome: Outcome, **values: Any) -> Draft:
    return Draft(
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        request_id=actor.request_id or None,
        outcome=outcome,
        **({"office_id": None, "object_id": None, "detail": {}} | values),
    )


def _pending(session: AsyncSession) -> list[Pending]:
    found: list[Pending] = session.info.setdefault(_PENDING, [])
    return found


def note_concern(session: AsyncSession, concern: Concern) -> None:
    """Remember the office (or object) the action under way concerns, for its refusal row."""
    session.info[_CONCERN] = concern


def take_concern(session: AsyncSession) -> Concern:
    """The concern noted since the last call (and forget it)."""
    return session.info.pop(_CONCERN, None) or Concern()


def refused_read(session: AsyncSession, actor: Actor, model: type[Any], pk: int) -> None:
    """Remember "read of ``model`` ``pk`` refused" without asking whether it exists."""
    probe = Probe(model, pk)
    note_concern(session, Concern(probe=probe))
    draft = _draft(
        actor,
        f"{_authz_type(model)}.read",
        Outcome.DENIED,
        object_id=global_id(model.__name__, pk),
        detail={"code": "NOT_FOUND"},
    )
    _pending(session).append(Pending(draft, probe, drop_if_missing=True))


def remember(session: AsyncSession, item: Pending) -> None:
    """Queue an entry for the outbox with the request's refusals (audit/reads.py: reads)."""
    _pending(session).append(item)


def refused_action(
    session: AsyncSession,
    actor: Actor,
    action: str,
    outcome: Outcome,
    concern: Concern,
    detail: dict[str, Any],
) -> None:
    """Remember a refused or failed mutation, to be recorded with the office it concerns."""
    draft = _draft(actor, action, outcome, office_id=concern.office_id, detail=detail)
    _pending(session).append(Pending(draft, concern.probe))


def note_read(
    session: AsyncSession, actor: Actor, action: str, office_id: int, object_id: str
) -> None:
    """Remember a read of confidential material (a petitioner's identity), to be written with
    the request's refusals: one entry per action and office per request, naming every object
    read, written after the response by the outbox, so recording can never fail the read."""
    batches: dict[tuple[str, int], list[str]] = session.info.setdefault(_READS, {})
    objects = batches.get((action, office_id))
    if objects is None:
        objects = batches[(action, office_id)] = []
        detail = {"objects": objects}
        draft = _draft(actor, action, Outcome.SUCCESS, office_id=office_id, detail=detail)
        _pending(session).append(Pending(draft))
    if object_id not in objects:
        objects.append(object_id)


def take(session: AsyncSession, actor: Actor) -> list[Pending]:
    """Everything the request refused, in order (and forget it): the outbox's input."""
    denials, actor.denials = actor.denials, []
    found = [
        Pending(
            _draft(
                actor,
                f"{d.object_type}.{d.action}",
                Outcome.DENIED,
                office_id=d.office_id,
                object_id=d.object_id,
                detail={"code": d.code},
            )
        )
        for d in denials
    ]
    found.extend(session.info.pop(_PENDING, []))
    session.info.pop(_READS, None)
    return found


def _authz_type(model: type[Any]) -> str:
    return str(getattr(model, "__authz_type__", model.__name__.lower()))


async def resolve(session: AsyncSession, items: list[Pending]) -> list[Draft]:
    """Each item's entry with its office filled in; reads of missing objects left out."""
    wanted: dict[type[Any], set[int]] = {}
    for item in items:
        if item.probe is not None:
            wanted.setdefault(item.probe.model, set()).add(item.probe.pk)
    offices: dict[tuple[type[Any], int], int | None] = {}
    for model, pks in wanted.items():
        ordered = sorted(pks)
        for start in range(0, len(ordered), _RESOLVE_CHUNK):
            chunk = ordered[start : start + _RESOLVE_CHUNK]
            rows = await session.execute(
                select(model.id, office_column(model)).where(model.id.in_(chunk))
            )
            for pk, office in rows:
                offices[(model, pk)] = office
    drafts = []
    for item in items:
        if item.probe is None:
            drafts.append(item.draft)
            continue
        key = (item.probe.model, item.probe.pk)
        if key in offices:
            drafts.append(replace(item.draft, office_id=offices[key]))
        elif not item.drop_if_missing:
            drafts.append(item.draft)
    return drafts
