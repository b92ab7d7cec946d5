"""Search within one inspection for its team (issue 14 item 10): the Chinese text of its
petitions, interviews, clues and findings, always through ``readable``.

The searched sources are a registry, one line per source: a source names its model and the
columns searched. Only columns every reader of the row sees are listed; a need-to-know field
(a petitioner's identity) lives in its own table with its own authz type, so it would join as
its own line, searched through ``readable`` of that type, and a reader the policy does not give
that type can never match on it (no field is matched that the searcher would see redacted).

Matching is a case-insensitive substring match (``LIKE``/``ILIKE``, wildcards in the query
escaped), so a two-character name (王强) is found exactly like a long phrase: word tokenizers,
and FTS5's trigram tokenizer, both miss two-character Chinese terms. Each statement is bounded
by the inspection through its table's ``(inspection_id, id)`` index and scans that inspection's
rows (hundreds to a few thousand), on SQLite and PostgreSQL alike. No separate index table is
kept: the rows searched are the tenant rows themselves, so no copy of their text could leak.
No pg_trgm GIN index is declared: pg_trgm serves no pattern under three characters, and the
statement already reads one inspection's rows through its index (docs/casework.md, "Search").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.authz.scopes import readable
from inspectnet.casework.models import Clue, Finding, Interview
from inspectnet.errors import ValidationFailed
from inspectnet.inspections.models import Inspection
from inspectnet.intake.models import Petition
from inspectnet.search import MAX_QUERY


@dataclass(frozen=True)
class Source:
    """One kind of record searched: its GraphQL type, its model and its searched columns."""

    type_name: str
    model: Any
    columns: tuple[Any, ...]


SOURCES: tuple[Source, ...] = (
    Source(
        "Interview",
        Interview,
        (
            Interview.interviewee_name,
            Interview.interviewee_post,
            Interview.interviewee_unit,
            Interview.record,
        ),
    ),
    Source("Clue", Clue, (Clue.person_name, Clue.person_post, Clue.summary, Clue.assessment)),
    Source("Finding", Finding, (Finding.title, Finding.facts, Finding.basis)),
    # the petition's summary only: the petitioner's identity is sealed in its own table
    Source("Petition", Petition, (Petition.summary,)),
)

# Hits per source at most: a search narrows, it does not page through everything.
MAX_HITS = 50


@dataclass(frozen=True)
class Hit:
    type_name: str
    row: Any


def _query(text: str) -> str:
    query = text.strip()
    if not query:
        raise ValidationFailed("请输入搜索内容", code="REQUIRED", field="query")
    if len(query) > MAX_QUERY:
        raise ValidationFailed(f"搜索内容不能超过{MAX_QUERY}个字", code="TOO_LONG", field="query")
    return query


async def search_inspection(
    session: AsyncSession,
    actor: Actor,
    *,
    inspection_id: int,
    text: str,
    sources: Sequence[Source] = SOURCES,
) -> list[Hit]:
    """The records of one inspection the actor may read whose searched text holds ``text``."""
    query = _query(text)
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    hits: list[Hit] = []
    for source in sources:
        model = source.model
        statement = readable(actor, model).where(
            model.inspection_id == inspection.id,
            or_(*(c.icontains(query, autoescape=True) for c in source.columns)),
        )
        if hasattr(model, "archived_at"):  # an archived (merged, withdrawn) record is not found
            statement = statement.where(model.archived_at.is_(None))
        rows = await session.scalars(statement.order_by(model.id.desc()).limit(MAX_HITS))
        hits.extend(Hit(source.type_name, row) for row in rows)
    return hits
