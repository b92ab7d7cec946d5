"""What the filings lists take besides paging: typed filters and orders (CONVENTIONS.md, "API")."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import ColumnElement

from inspectnet import clock
from inspectnet.filings import repository
from inspectnet.filings.graphql_enums import DecisionEnum, FilingStateEnum, InboxStatusEnum
from inspectnet.filings.models import (
    Filing,
    FilingDecision,
    FilingState,
    FilingWarningSetting,
    InboxStatus,
)
from inspectnet.filings.repository import InboxFilter
from inspectnet.graphql.lists import CreatedFilter, order_input
from inspectnet.ids import expect_global_id


@strawberry.input(description="Which filings to list; every field given must hold (报送筛选)")
class FilingFilter(CreatedFilter):
    created_model = Filing
    from_office_id: strawberry.ID | None = strawberry.field(
        default=None, description="The filing office (报送机构)"
    )
    rule_id: str | None = strawberry.field(default=None, description="The duty (报备报批事项)")
    state: FilingStateEnum | None = strawberry.field(default=None, description="State (状态)")  # type: ignore[valid-type]
    status: InboxStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Against the deadline, as of today (预警状态)"
    )
    due_from: date | None = strawberry.field(default=None, description="Deadline from (期限起)")
    due_to: date | None = strawberry.field(default=None, description="Deadline to (期限止)")

    def parsed(self) -> InboxFilter:
        """The inbox's own narrowing (its index and its counts follow these fields)."""
        return InboxFilter(
            from_office_id=self.from_office_id
            and expect_global_id(self.from_office_id, "Office", field="fromOfficeId"),
            rule_id=self.rule_id,
            state=FilingState(self.state) if self.state else None,
            status=InboxStatus(self.status) if self.status else None,
            due_from=self.due_from,
            due_to=self.due_to,
        )

    def own(self) -> list[ColumnElement[bool]]:
        return repository.inbox_conditions(self.parsed(), clock.today_in_china())


FilingOrder = order_input("Filing")


@strawberry.input(description="Which decisions to list (处理意见筛选)")
class FilingDecisionFilter(CreatedFilter):
    created_model = FilingDecision
    decision: DecisionEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Decision (处理意见)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.decision is not None:
            found.append(FilingDecision.decision == self.decision)
        return found


FilingDecisionOrder = order_input("FilingDecision")


@strawberry.input(description="Which threshold settings to list (预警天数设置筛选)")
class FilingWarningSettingFilter(CreatedFilter):
    created_model = FilingWarningSetting
    rule_id: str | None = strawberry.field(default=None, description="The duty (报备报批事项)")

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.rule_id is not None:
            found.append(FilingWarningSetting.rule_id == self.rule_id)
        return found


FilingWarningSettingOrder = order_input("FilingWarningSetting")


@strawberry.input(description="Which filings below to show the status of (下级报送情况筛选)")
class OversightItemFilter:
    state: FilingStateEnum | None = strawberry.field(default=None, description="State (状态)")  # type: ignore[valid-type]
    status: InboxStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Against the deadline, as of today (预警状态)"
    )
    due_from: date | None = strawberry.field(default=None, description="Deadline from (期限起)")
    due_to: date | None = strawberry.field(default=None, description="Deadline to (期限止)")

    def conditions(self) -> list[ColumnElement[bool]]:
        narrowed = InboxFilter(
            state=FilingState(self.state) if self.state else None,
            status=InboxStatus(self.status) if self.status else None,
            due_from=self.due_from,
            due_to=self.due_to,
        )
        return repository.inbox_conditions(narrowed, clock.today_in_china())


OversightItemOrder = order_input("OversightItem")
