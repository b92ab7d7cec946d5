"""The public read-only endpoint (公开, nmg-2016 §35, qh-zrzyt §23): no sign-in.

``GET /public/disclosures/index.json`` lists the published disclosures, newest first;
``GET /public/disclosures/<id>.<json|txt|html|docx>`` serves one. Only rows in the state
``published`` are ever read here; a draft, an approved but unpublished or a withdrawn one
answers 404 like an id that does not exist.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.disclosure import files
from inspectnet.disclosure.models import Disclosure, DisclosureState
from inspectnet.errors import NotFound
from inspectnet.graphql.parts import Served
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network.models import Office
from inspectnet.targets.models import Target

PREFIX = "/public/disclosures/"
INDEX = "index.json"
INDEX_SIZE = 100
JSON = "application/json; charset=utf-8"


def _public(disclosure: Disclosure, office: Office, target: Target) -> dict[str, object]:
    gid = global_id("Disclosure", disclosure.id)
    return {
        "id": gid,
        "stage": disclosure.stage.value,
        "title": disclosure.title,
        "body": disclosure.body,
        "article": disclosure.article,
        "office": office.name,
        "target": target.name,
        "publishedAt": disclosure.published_at.isoformat() if disclosure.published_at else None,
        "files": {ext: f"{PREFIX}{gid}.{ext}" for ext in files.RENDERERS},
    }


def _published():  # type: ignore[no-untyped-def]
    # system scope: published disclosures are public by law (nmg-2016 §35, qh-zrzyt §23);
    # nothing else is read here
    return (
        select(Disclosure, Office, Target)
        .join(Office, Office.id == Disclosure.office_id)
        .join(Target, Target.id == Disclosure.target_id)
        .where(Disclosure.state == DisclosureState.PUBLISHED)
    )


async def serve(session: AsyncSession, name: str) -> Served:
    """The public index, or one published disclosure as JSON or a file."""
    if name == INDEX:
        rows = await session.execute(
            _published()
            .order_by(Disclosure.published_at.desc(), Disclosure.id.desc())
            .limit(INDEX_SIZE)
        )
        listed = [_public(d, o, t) for d, o, t in rows]
        return Served(json.dumps(listed, ensure_ascii=False).encode(), JSON, INDEX)
    stem, _, ext = name.rpartition(".")
    if ext != "json" and ext not in files.RENDERERS:
        raise NotFound()
    pk = expect_global_id(stem, "Disclosure")  # a malformed id is refused like a missing one
    found = (await session.execute(_published().where(Disclosure.id == pk))).first()
    if found is None:
        raise NotFound()
    disclosure, office, target = found
    if ext == "json":
        body = json.dumps(_public(disclosure, office, target), ensure_ascii=False).encode()
        return Served(body, JSON, f"{stem}.json")
    render, media_type = files.RENDERERS[ext]
    return Served(render(disclosure), media_type, f"{stem}.{ext}")
