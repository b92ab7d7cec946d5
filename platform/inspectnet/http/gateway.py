"""What the endpoint and the WebSocket need, made once by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry import Schema

from inspectnet.audit import outbox as audit_outbox
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.http.documents import Documents
from inspectnet.http.persisted import MemoryDocuments, PersistedQueries, load_manifest
from inspectnet.http.ratelimit import BudgetStore, MemoryBudgets
from inspectnet.settings import Settings


@dataclass
class GraphQLService:
    """Everything the endpoint needs, made once by ``create_app``."""

    schema: Schema
    database: Database
    policy: PolicyStore
    settings: Settings
    documents: Documents = field(init=False)
    persisted: PersistedQueries = field(init=False)
    budgets: BudgetStore = field(init=False)
    outbox: audit_outbox.Outbox = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.outbox = audit_outbox.Outbox.from_settings(self.database, settings)
        self.documents = Documents(self.schema._schema, settings)
        manifest_path = settings.graphql_persisted_manifest
        self.persisted = PersistedQueries(
            load_manifest(manifest_path) if manifest_path else {},
            MemoryDocuments(settings.graphql_apq_cache_size) if settings.graphql_apq else None,
            persisted_only=settings.graphql_persisted_only,
        )
        self.budgets = MemoryBudgets(
            settings.graphql_cost_budget, settings.graphql_cost_restore_rate
        )
