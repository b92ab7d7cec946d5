"""GraphQL for retiring an office (撤销机构): the undo of ``createOffice``.

``graphql.py`` mounts ``RetireMutation`` on the network's mutation type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id
from inspectnet.network import service
from inspectnet.network.loaders import office_by_id
from inspectnet.network.models import Office

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.input(description="The office to retire and why (撤销机构)")
class RetireOfficeInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")
    reason: str = strawberry.field(
        description="Why: made by mistake, merged, its work ended (撤销理由), kept in the audit log"
    )


@strawberry.type(description="Result of retireOffice (撤销机构结果)")
class RetireOfficePayload:
    office_pk: strawberry.Private[int | None]
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")

    @strawberry.field(description="The office as retired, unless refused (机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return None if self.office_pk is None else await office_by_id(info, self.office_pk)


@strawberry.type
class RetireMutation:
    @strawberry.mutation(
        description="Retire an office made by mistake or whose work has ended, once it has no "
        "open work (no office in service below it, no active account or role, no inspection "
        "not archived); it leaves the lists and stays readable for history (撤销机构)"
    )
    async def retire_office(self, info: Info, input: RetireOfficeInput) -> RetireOfficePayload:
        ctx = info.context

        async def call() -> Office:
            return await service.retire_office(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                reason=input.reason,
            )

        office, errors = await run_mutation(info, "office.retire", call)
        return RetireOfficePayload(office_pk=office and office.id, user_errors=errors)
