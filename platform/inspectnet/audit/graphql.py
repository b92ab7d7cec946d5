"""GraphQL read side of the audit log (auditors of an office only)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.audit import repository
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.graphql.context import Info
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked, linked_by_global_id
from inspectnet.graphql.lists import DateTimeRange, list_args, order_input
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.graphql.stamps import Stamped
from inspectnet.ids import expect_global_id, global_id

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType

OUTCOME_LABELS = {Outcome.SUCCESS: "成功", Outcome.DENIED: "被拒绝", Outcome.FAILED: "失败"}
OutcomeEnum = labelled_enum(
    Outcome, OUTCOME_LABELS, name="AuditOutcome", description="What came of it (结果)"
)


@strawberry.type(name="AuditEntry", description="Audit log entry (审计日志)")
class AuditEntryType(Node, Stamped):
    at: datetime = strawberry.field(description="When it happened (时间)")
    actor_name: str = strawberry.field(description="Who acted, by name (操作人)")
    action: str = strawberry.field(description="What was done, e.g. office.create (操作)")
    request_id: str | None = strawberry.field(description="Request it happened in (请求编号)")
    outcome: Outcome = strawberry.field(description="What came of it (结果)")
    hash: str = strawberry.field(description="Chain hash over this entry and the one before")
    actor_pk: strawberry.Private[int | None]
    object_gid: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: AuditEntry) -> AuditEntryType:
        return cls(
            id=strawberry.ID(global_id("AuditEntry", row.id)),
            at=row.at,
            actor_name=row.actor_name,
            actor_pk=row.actor_user_id,
            action=row.action,
            object_gid=row.object_id,
            request_id=row.request_id,
            outcome=row.outcome,
            hash=row.hash,
            # an entry is written once and never changed (append-only, hash-chained)
            created_at=row.at,
            updated_at=row.at,
            # the entry is the actor's own record of what they did
            created_by_pk=row.actor_user_id,
        )

    @strawberry.field(description="The acting account, null if none or hidden (用户账号)")
    async def actor(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.actor_pk)

    @strawberry.field(description="The object concerned, null if none, gone or hidden (对象)")
    async def object(self, info: Info) -> Node | None:
        return await linked_by_global_id(info, self.object_gid)


register_node("AuditEntry", AuditEntry, AuditEntryType.from_row)
AuditEntryOrder = order_input("AuditEntry")


@strawberry.input(description="Which audit entries to list (审计日志筛选)")
class AuditEntryFilter:
    action: str | None = strawberry.field(
        default=None, description="The action, e.g. target.create (操作)"
    )
    outcome: Outcome | None = strawberry.field(default=None, description="Outcome (结果)")
    at: DateTimeRange | None = strawberry.field(default=None, description="When (时间)")

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.action is not None:
            found.append(AuditEntry.action == self.action)
        if self.outcome is not None:
            found.append(AuditEntry.outcome == self.outcome)
        if self.at is not None:
            found += self.at.on(AuditEntry.at, "at")
        return found


@strawberry.type
class AuditQuery:
    @strawberry.field(description="An office's audit log, newest last (审计日志)")
    def audit_log(
        self,
        info: Info,
        office_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AuditEntryFilter | None = None,
        order_by: AuditEntryOrder | None = None,
    ) -> Connection[AuditEntryType]:
        actor = info.context.actor
        office_pk = expect_global_id(office_id, "Office", field="officeId")
        return connection(  # type: ignore[return-value]
            info,
            key=f"audit_log.{office_pk}",
            parent_id=0,
            query=lambda _ids: repository.office_log(actor, office_pk),
            convert=AuditEntryType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            **list_args(filter, order_by),
        )


SCHEMA = SchemaPart(query=AuditQuery, types=(AuditEntryType,))
