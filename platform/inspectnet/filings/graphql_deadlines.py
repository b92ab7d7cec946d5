"""GraphQL for deadlines as offices set them: yellow thresholds and overrides (filings/warnings.py).

Part of the filings domain's schema part (``graphql.SCHEMA``): the mutation class is merged into
``FilingsMutation``, the field onto ``Office``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from inspectnet.filings import warnings
from inspectnet.filings.models import Filing, FilingWarningSetting
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id

if TYPE_CHECKING:
    from inspectnet.filings.graphql_types import FilingType


# setFilingWarning changes the office's settings: require_in(update) in the office.
WARNING_CAN = (
    Ability(
        "update",
        "May change it (可修改)",
        "update",
        in_office=(FilingWarningSetting, lambda setting: setting.office_id),
    ),
)


@strawberry.type(
    name="FilingWarningSetting",
    description="How many days before its deadline a duty filed to the office turns yellow "
    f"(预警天数; without a setting, {warnings.DEFAULT_YELLOW_DAYS} days)",
)
class WarningSettingType(Node, Stamped):
    viewer_can: Any = viewer_can_field("FilingWarningSetting", WARNING_CAN)
    rule_id: str = strawberry.field(description="The periodic duty (定期报送事项)")
    yellow_days: int = strawberry.field(description="Days before the deadline (预警天数)")

    @classmethod
    def from_row(cls, row: FilingWarningSetting) -> WarningSettingType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("FilingWarningSetting", row.id)),
            rule_id=row.rule_id,
            yellow_days=row.yellow_days,
        )


register_node("FilingWarningSetting", FilingWarningSetting, WarningSettingType.from_row)


@strawberry.input(description="Set a duty's yellow threshold in the office's inbox (设置预警天数)")
class SetFilingWarningInput:
    office_id: strawberry.ID = strawberry.field(description="The office filed to (接收机构)")
    rule_id: str = strawberry.field(description="The periodic duty (定期报送事项)")
    yellow_days: int = strawberry.field(description="Days before the deadline, 1–366 (预警天数)")


@strawberry.type(description="Result of setFilingWarning (设置预警天数结果)")
class SetFilingWarningPayload:
    setting: WarningSettingType | None = strawberry.field(description="The setting (设置)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Override a due item's computed deadline (调整报送期限)")
class OverrideFilingDeadlineInput:
    filing_id: strawberry.ID = strawberry.field(description="The due item (待报送事项)")
    due_on: date = strawberry.field(description="The new deadline, today or later (新期限)")
    reason: str = strawberry.field(description="Why, shown to the superior (理由)")


@strawberry.type(description="Result of overrideFilingDeadline (调整报送期限结果)")
class OverrideFilingDeadlinePayload:
    filing: Annotated[FilingType, strawberry.lazy("inspectnet.filings.graphql_types")] | None = (
        strawberry.field(description="The item with its new deadline (待报送事项)")
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class DeadlinesMutation:
    @strawberry.mutation(description="Set a duty's yellow threshold (设置预警天数)")
    async def set_filing_warning(
        self, info: Info, input: SetFilingWarningInput
    ) -> SetFilingWarningPayload:
        ctx = info.context

        async def call() -> FilingWarningSetting:
            return await warnings.set_yellow_days(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                rule_id=input.rule_id,
                days=input.yellow_days,
            )

        row, errors = await run_mutation(info, "filing.warning.set", call)
        return SetFilingWarningPayload(
            setting=row and WarningSettingType.from_row(row), user_errors=errors
        )

    @strawberry.mutation(description="Override a due item's computed deadline (调整报送期限)")
    async def override_filing_deadline(
        self, info: Info, input: OverrideFilingDeadlineInput
    ) -> OverrideFilingDeadlinePayload:
        ctx = info.context

        async def call() -> Filing:
            return await warnings.override_deadline(
                ctx.session,
                ctx.actor,
                filing_id=expect_global_id(input.filing_id, "Filing", field="filingId"),
                due_on=input.due_on,
                reason=input.reason,
            )

        from inspectnet.filings.graphql_types import FilingType as Converted

        row, errors = await run_mutation(info, "filing.deadline.override", call)
        return OverrideFilingDeadlinePayload(
            filing=row and Converted.from_row(row), user_errors=errors
        )
