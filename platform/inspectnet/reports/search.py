"""Search within one inspection for its team (issue 14 item 10): the Chinese text of its
petitions, interviews, clues and findings, always through ``readable``.

The searched sources are a registry, one line per source: a source names its model, whose
``__search_grams__`` lists the columns searched (and bigram-indexed). Only columns every reader
of the row sees are listed; a need-to-know field
(a petitioner's identity) lives in its own table with its own authz type, so it would join as
its own line, searched through ``readable`` of that type, and a reader the policy does not give
that type can never match on it (no field is matched that the searcher would see redacted).

Matching is a case-insensitive substring match (``LIKE``/``ILIKE``, wildcards in the query
escaped), so a two-character name (王强) is found exactly like a long phrase. A query of two
characters or more is first narrowed by the bigram index (``inspectnet.grams``): only the
inspection's records holding every bigram of the query are candidates, found by the index
``(inspection_id, gram, kind, record_id)`` of ``casework_search_grams``, and the substring test
confirms them. A one-character query holds no bigram and reads the inspection's rows through
the table's ``(inspection_id, id)`` index. The same statements serve SQLite and PostgreSQL
(docs/casework.md, "Search within an inspection").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.authz.scopes import readable
from inspectnet.casework.models import Clue, Finding, Interview
from inspectnet.errors import ValidationFailed
from inspectnet.grams import CaseworkSearchGram, bigrams
from inspectnet.inspections.models import Inspection
from inspectnet.intake.models import Petition
from inspectnet.search import MAX_QUERY


@dataclass(frozen=True)
class Source:
    """One kind of record searched: its GraphQL type and its model, whose searched columns are
    its bigram-indexed ones (``__search_grams__``)."""

    type_name: str
    model: Any

    @property
    def columns(self) -> tuple[Any, ...]:
        return tuple(getattr(self.model, name) for name in self.model.__search_grams__)


SOURCES: tuple[Source, ...] = (
    Source("Interview", Interview),
    Source("Clue", Clue),
    Source("Finding", Finding),
    # the petition's summary only: the petitioner's identity is sealed in its own table
    Source("Petition", Petition),
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


def _candidates(inspection_id: int, model: Any, wanted: list[str]) -> Select[tuple[int]]:
    """The ids of the inspection's records of ``model`` holding every bigram ``wanted``."""
    gram = CaseworkSearchGram
    # system scope: the index names candidates only; the statement using it starts from readable
    return (
        select(gram.record_id)
        .where(
            gram.inspection_id == inspection_id,
            gram.gram.in_(wanted),
            gram.kind == model.__authz_type__,
        )
        .group_by(gram.record_id)
        .having(func.count() == len(wanted))
    )


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
    wanted = sorted(bigrams(query))
    hits: list[Hit] = []
    for source in sources:
        model = source.model
        statement = readable(actor, model).where(
            model.inspection_id == inspection.id,
            or_(*(c.icontains(query, autoescape=True) for c in source.columns)),
        )
        if wanted:
            statement = statement.where(model.id.in_(_candidates(inspection.id, model, wanted)))
        if hasattr(model, "archived_at"):  # an archived (merged, withdrawn) record is not found
            statement = statement.where(model.archived_at.is_(None))
        rows = await session.scalars(statement.order_by(model.id.desc()).limit(MAX_HITS))
        hits.extend(Hit(source.type_name, row) for row in rows)
    return hits
