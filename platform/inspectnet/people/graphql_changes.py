"""Mutations that change or remove a person's record and its parts: thin adapters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from inspectnet.errors import ValidationFailed
from inspectnet.graphql.changes import given, unset
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.links import linked
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id, parse_global_id
from inspectnet.people import changes, graphql_lists
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolKind,
    PoolMembership,
    RotationRecord,
    TieKind,
    TrainingRecord,
)

if TYPE_CHECKING:
    from inspectnet.people.graphql import (
        EmploymentRecordType,
        InterestTieType,
        PersonType,
        PoolMembershipType,
    )

PEOPLE = strawberry.lazy("inspectnet.people.graphql")
assert graphql_lists  # registers the labelled enums before the inputs below name them
ERRORS = "Why it was refused (输入错误)"


def _types() -> Any:
    from inspectnet.people import graphql

    return graphql


def _target(changed: dict[str, Any]) -> dict[str, Any]:
    """The named target's pk for the service, its global ID decoded (null clears the link)."""
    if changed.get("target_id") is not None:
        changed["target_id"] = expect_global_id(changed["target_id"], "Target", field="targetId")
    return changed


@strawberry.input(description="Corrections to a person's record (修改干部信息)")
class UpdatePersonInput:
    person_id: strawberry.ID = strawberry.field(description="The person (干部)")
    name: str | None = unset("Name (姓名)")
    unit: str | None = unset("Unit (工作单位)")
    rank: str | None = unset("Rank (职级)")
    home_region_code: str | None = unset("Home region code (籍贯)")
    expertise: list[str] | None = unset(
        "Fields of expertise: expertise.* rule ids of the office's ruleset (专业领域)"
    )


@strawberry.input(description="A person's record to archive (归档干部信息)")
class ArchivePersonInput:
    person_id: strawberry.ID = strawberry.field(description="The person (干部)")


@strawberry.type(description="Result of a change to a person's record (干部信息修改结果)")
class PersonPayload:
    person: Annotated[PersonType, PEOPLE] | None = strawberry.field(
        description="The person as now recorded, unless refused (干部)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Corrections to a post in a career (修改任职经历)")
class UpdateEmploymentRecordInput:
    employment_record_id: strawberry.ID = strawberry.field(description="The post (任职经历)")
    organisation: str | None = unset("Organisation served in (任职单位)")
    post: str | None = unset("Post (职务)")
    region_code: str | None = unset("Administrative region code of the post (行政区划代码)")
    target_id: strawberry.ID | None = unset("The organisation as a target (巡视巡察对象)")
    started_on: date | None = unset("Start of the post (起始日期)")
    ended_on: date | None = unset("End of the post, null while held (终止日期)")


@strawberry.type(description="Result of updateEmploymentRecord (修改任职经历结果)")
class UpdateEmploymentRecordPayload:
    employment_record: Annotated[EmploymentRecordType, PEOPLE] | None = strawberry.field(
        description="The post as now recorded, unless refused (任职经历)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Corrections to a declared tie (修改亲属及利害关系)")
class UpdateInterestTieInput:
    interest_tie_id: strawberry.ID = strawberry.field(description="The tie (亲属及利害关系)")
    kind: TieKind | None = unset("Kin or interest (亲属或利害关系)")
    organisation: str | None = unset("Organisation the tie leads to (单位)")
    relation: str | None = unset("Relation, e.g. spouse (关系)")
    target_id: strawberry.ID | None = unset("The organisation as a target (巡视巡察对象)")


@strawberry.type(description="Result of updateInterestTie (修改亲属及利害关系结果)")
class UpdateInterestTiePayload:
    interest_tie: Annotated[InterestTieType, PEOPLE] | None = strawberry.field(
        description="The tie as now recorded, unless refused (亲属及利害关系)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Corrections to a pool membership (修改入库信息)")
class UpdatePoolMembershipInput:
    pool_membership_id: strawberry.ID = strawberry.field(description="The membership (入库)")
    pool: PoolKind | None = unset("Which pool (组长库/人才库)")
    since: date | None = unset("In the pool since (入库日期)")


@strawberry.type(description="Result of updatePoolMembership (修改入库信息结果)")
class UpdatePoolMembershipPayload:
    pool_membership: Annotated[PoolMembershipType, PEOPLE] | None = strawberry.field(
        description="The membership as now recorded, unless refused (入库)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A part of a person's record entered by mistake (删除记录)")
class RemovePersonRecordInput:
    id: strawberry.ID = strawberry.field(
        description="The post, tie, pool membership, training or rotation to remove "
        "(任职经历/亲属及利害关系/入库/培训记录/轮岗交流记录)"
    )


@strawberry.type(description="Result of removePersonRecord (删除记录结果)")
class RemovePersonRecordPayload:
    removed: strawberry.ID | None = strawberry.field(
        description="Global ID of the removed record, unless refused; the audit log keeps it"
    )
    person: Annotated[PersonType, PEOPLE] | None = strawberry.field(
        description="The person whose record it was (干部)"
    )
    user_errors: list[UserError] = strawberry.field(description=ERRORS)


_PARTS: dict[str, tuple[type[Any], str]] = {
    "EmploymentRecord": (EmploymentRecord, "person.employment.remove"),
    "InterestTie": (InterestTie, "person.tie.remove"),
    "PoolMembership": (PoolMembership, "person.pool.remove"),
    "TrainingRecord": (TrainingRecord, "person.training.remove"),
    "RotationRecord": (RotationRecord, "person.rotation.remove"),
}


async def _person(info: Info, call: Callable[[], Awaitable[Person]], action: str) -> PersonPayload:
    person, errors = await run_mutation(info, action, call)
    return PersonPayload(person=person and _types().PersonType.from_row(person), user_errors=errors)


def _part_of(value: str) -> tuple[str, int]:
    """The kind and pk of a record part's global ID; INVALID_ID for anything else."""
    type_name, pk = parse_global_id(value, field="id")
    if type_name not in _PARTS:
        raise ValidationFailed(
            "对象标识应指向任职经历、亲属及利害关系、入库、培训或轮岗交流记录",
            code="INVALID_ID",
            field="id",
        )
    return type_name, pk


@strawberry.type
class PeopleChangeMutation:
    @strawberry.mutation(description="Correct a person's record (修改干部信息)")
    async def update_person(self, info: Info, input: UpdatePersonInput) -> PersonPayload:
        ctx = info.context

        async def call() -> Person:
            pk = expect_global_id(input.person_id, "Person", field="personId")
            fields = given(input, skip=("person_id",))
            return await changes.update_person(ctx.session, ctx.actor, person_id=pk, changes=fields)

        return await _person(info, call, "person.update")

    @strawberry.mutation(
        description="Archive a person's record: kept as evidence, gone from lists (归档干部信息)"
    )
    async def archive_person(self, info: Info, input: ArchivePersonInput) -> PersonPayload:
        ctx = info.context

        async def call() -> Person:
            pk = expect_global_id(input.person_id, "Person", field="personId")
            return await changes.archive_person(ctx.session, ctx.actor, person_id=pk)

        return await _person(info, call, "person.archive")

    @strawberry.mutation(description="Correct a post in a career (修改任职经历)")
    async def update_employment_record(
        self, info: Info, input: UpdateEmploymentRecordInput
    ) -> UpdateEmploymentRecordPayload:
        ctx = info.context

        async def call() -> EmploymentRecord:
            pk = expect_global_id(
                input.employment_record_id, "EmploymentRecord", field="employmentRecordId"
            )
            fields = _target(given(input, skip=("employment_record_id",)))
            return await changes.update_employment(
                ctx.session, ctx.actor, record_id=pk, changes=fields
            )

        row, errors = await run_mutation(info, "person.employment.update", call)
        return UpdateEmploymentRecordPayload(
            employment_record=row and _types().EmploymentRecordType.from_row(row),
            user_errors=errors,
        )

    @strawberry.mutation(description="Correct a declared tie (修改亲属及利害关系)")
    async def update_interest_tie(
        self, info: Info, input: UpdateInterestTieInput
    ) -> UpdateInterestTiePayload:
        ctx = info.context

        async def call() -> InterestTie:
            pk = expect_global_id(input.interest_tie_id, "InterestTie", field="interestTieId")
            fields = _target(given(input, skip=("interest_tie_id",)))
            return await changes.update_interest_tie(
                ctx.session, ctx.actor, tie_id=pk, changes=fields
            )

        row, errors = await run_mutation(info, "person.tie.update", call)
        return UpdateInterestTiePayload(
            interest_tie=row and _types().InterestTieType.from_row(row), user_errors=errors
        )

    @strawberry.mutation(description="Correct a pool membership (修改入库信息)")
    async def update_pool_membership(
        self, info: Info, input: UpdatePoolMembershipInput
    ) -> UpdatePoolMembershipPayload:
        ctx = info.context

        async def call() -> PoolMembership:
            pk = expect_global_id(
                input.pool_membership_id, "PoolMembership", field="poolMembershipId"
            )
            fields = given(input, skip=("pool_membership_id",))
            return await changes.update_pool_membership(
                ctx.session, ctx.actor, membership_id=pk, changes=fields
            )

        row, errors = await run_mutation(info, "person.pool.update", call)
        return UpdatePoolMembershipPayload(
            pool_membership=row and _types().PoolMembershipType.from_row(row), user_errors=errors
        )

    @strawberry.mutation(
        description=(
            "Remove a post, tie, pool membership, training or rotation entered by mistake; "
            "the audit log keeps what it held "
            "(删除任职经历、亲属及利害关系、入库、培训或轮岗交流记录)"
        )
    )
    async def remove_person_record(
        self, info: Info, input: RemovePersonRecordInput
    ) -> RemovePersonRecordPayload:
        ctx = info.context

        async def call() -> Any:
            type_name, pk = _part_of(input.id)
            model, action = _PARTS[type_name]
            return await changes.remove_part(
                ctx.session, ctx.actor, model=model, pk=pk, action=action
            )

        part, errors = await run_mutation(info, "person.record.remove", call)
        if part is None:
            return RemovePersonRecordPayload(removed=None, person=None, user_errors=errors)
        return RemovePersonRecordPayload(
            removed=input.id,
            person=await linked(info, "Person", part.person_id),
            user_errors=errors,
        )
