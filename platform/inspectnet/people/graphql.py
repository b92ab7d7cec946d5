"""GraphQL types, inputs and thin resolvers for persons and their records."""

from __future__ import annotations

from datetime import date

import strawberry

import inspectnet.rules.graphql_params  # noqa: F401 - registers the one pool enum, PoolKind
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.ids import expect_global_id
from inspectnet.people import repository, service
from inspectnet.people.graphql_changes import PeopleChangeMutation
from inspectnet.people.graphql_lists import (
    PersonFilter,
    PersonOrder,
)
from inspectnet.people.graphql_types import (
    EmploymentRecordType,
    InterestTieType,
    PersonType,
    PoolMembershipType,
    RotationRecordType,
    TrainingRecordType,
)
from inspectnet.people.models import (
    EmploymentRecord,
    InterestTie,
    Person,
    PoolKind,
    PoolMembership,
    RotationRecord,
    TieKind,
    TrainingKind,
    TrainingRecord,
)
from inspectnet.validation import described


@strawberry.input(description="A new person in an office's files (新增干部)")
class CreatePersonInput:
    office_id: strawberry.ID = strawberry.field(
        description="The office keeping the record (管理机构)"
    )
    name: str = strawberry.field(description=described("Name (姓名)", Person.name))
    unit: str = strawberry.field(description=described("Unit (工作单位)", Person.unit))
    rank: str = strawberry.field(description=described("Rank (职级)", Person.rank))
    home_region_code: str = strawberry.field(
        description=described("Home region code (籍贯)", Person.home_region_code)
    )
    expertise: list[str] = strawberry.field(
        default_factory=list,
        description="Fields of expertise: expertise.* rule ids of the office's ruleset (专业领域)",
    )


@strawberry.type(description="Result of createPerson (新增干部结果)")
class CreatePersonPayload:
    person: PersonType | None = strawberry.field(
        description="The new person, unless refused (干部)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A post held by a person (增加任职经历)")
class AddEmploymentRecordInput:
    person_id: strawberry.ID = strawberry.field(description="The person who held it (干部)")
    organisation: str = strawberry.field(
        description=described("Organisation served in (任职单位)", EmploymentRecord.organisation)
    )
    post: str = strawberry.field(description=described("Post (职务)", EmploymentRecord.post))
    started_on: date = strawberry.field(description="Start of the post (起始日期)")
    ended_on: date | None = strawberry.field(
        default=None, description="End of the post, none while held (终止日期)"
    )
    region_code: str | None = strawberry.field(
        default=None,
        description=described(
            "Administrative region code of the post (行政区划代码)", EmploymentRecord.region_code
        ),
    )
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organisation as a target, if it is one (巡视巡察对象)"
    )


@strawberry.type(description="Result of addEmploymentRecord (增加任职经历结果)")
class AddEmploymentRecordPayload:
    record: EmploymentRecordType | None = strawberry.field(
        description="The new employment record, unless refused (任职经历)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A kin or interest tie declared by a person (申报亲属及利害关系)")
class AddInterestTieInput:
    person_id: strawberry.ID = strawberry.field(description="The person declaring it (干部)")
    kind: TieKind = strawberry.field(description="Kin or interest (亲属或利害关系)")
    organisation: str = strawberry.field(
        description=described("Organisation the tie leads to (单位)", InterestTie.organisation)
    )
    relation: str = strawberry.field(
        description=described("Relation, e.g. spouse (关系)", InterestTie.relation)
    )
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organisation as a target, if it is one (巡视巡察对象)"
    )
    related_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person the tie is to, if on record (关系人)"
    )


@strawberry.type(description="Result of addInterestTie (申报亲属及利害关系结果)")
class AddInterestTiePayload:
    tie: InterestTieType | None = strawberry.field(
        description="The declared tie, unless refused (亲属及利害关系)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A person joining the office's leader or talent pool (入库)")
class AddToPoolInput:
    person_id: strawberry.ID = strawberry.field(description="The person joining (干部)")
    pool: PoolKind = strawberry.field(description="Leader pool or talent pool (组长库/人才库)")
    since: date = strawberry.field(description="Date joined (入库日期)")


@strawberry.type(description="Result of addToPool (入库结果)")
class AddToPoolPayload:
    membership: PoolMembershipType | None = strawberry.field(
        description="The new pool membership, unless refused (组长库/人才库)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(
    description="A training attended: 政治理论和业务培训 (增加培训记录, qh-zrzyt §8(3))"
)
class AddTrainingRecordInput:
    person_id: strawberry.ID = strawberry.field(description="The person trained (干部)")
    kind: TrainingKind = strawberry.field(
        description="Political theory or professional training (政治理论培训/业务培训)"
    )
    course: str = strawberry.field(
        description=described("Course or class (培训项目)", TrainingRecord.course)
    )
    held_on: date = strawberry.field(description="Date held (培训日期)")
    hours: int = strawberry.field(description="Class hours, 1 to 1000 (学时)")


@strawberry.type(description="Result of addTrainingRecord (增加培训记录结果)")
class AddTrainingRecordPayload:
    record: TrainingRecordType | None = strawberry.field(
        description="The new training record, unless refused (培训记录)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A rotation between posts (增加轮岗交流记录, nmg-2016 §12)")
class AddRotationRecordInput:
    person_id: strawberry.ID = strawberry.field(description="The person rotated (干部)")
    from_post: str = strawberry.field(
        description=described("Post left (原岗位)", RotationRecord.from_post)
    )
    to_post: str = strawberry.field(
        description=described("Post taken up (新岗位)", RotationRecord.to_post)
    )
    rotated_on: date = strawberry.field(description="Date of the rotation (轮岗交流日期)")


@strawberry.type(description="Result of addRotationRecord (增加轮岗交流记录结果)")
class AddRotationRecordPayload:
    record: RotationRecordType | None = strawberry.field(
        description="The new rotation record, unless refused (轮岗交流记录)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _optional_target(value: strawberry.ID | None) -> int | None:
    return expect_global_id(value, "Target", field="targetId") if value else None


@strawberry.type
class PeopleMutation(PeopleChangeMutation):
    @strawberry.mutation(description="Record a person (新增干部)")
    async def create_person(self, info: Info, input: CreatePersonInput) -> CreatePersonPayload:
        ctx = info.context

        async def call() -> Person:
            return await service.create_person(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                name=input.name,
                unit=input.unit,
                rank=input.rank,
                home_region_code=input.home_region_code,
                expertise=list(input.expertise),
            )

        person, errors = await run_mutation(info, "person.create", call)
        return CreatePersonPayload(
            person=person and PersonType.from_row(person), user_errors=errors
        )

    @strawberry.mutation(description="Add a post to a person's career (增加任职经历)")
    async def add_employment_record(
        self, info: Info, input: AddEmploymentRecordInput
    ) -> AddEmploymentRecordPayload:
        ctx = info.context

        async def call() -> EmploymentRecord:
            return await service.add_employment(
                ctx.session,
                ctx.actor,
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                organisation=input.organisation,
                post=input.post,
                started_on=input.started_on,
                ended_on=input.ended_on,
                region_code=input.region_code,
                target_id=_optional_target(input.target_id),
            )

        record, errors = await run_mutation(info, "person.employment.add", call)
        return AddEmploymentRecordPayload(
            record=record and EmploymentRecordType.from_row(record), user_errors=errors
        )

    @strawberry.mutation(description="Declare a kin or interest tie (申报亲属及利害关系)")
    async def add_interest_tie(
        self, info: Info, input: AddInterestTieInput
    ) -> AddInterestTiePayload:
        ctx = info.context

        async def call() -> InterestTie:
            return await service.add_interest_tie(
                ctx.session,
                ctx.actor,
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                kind=input.kind,
                organisation=input.organisation,
                relation=input.relation,
                target_id=_optional_target(input.target_id),
                related_person_id=input.related_person_id
                and expect_global_id(input.related_person_id, "Person", field="relatedPersonId"),
            )

        tie, errors = await run_mutation(info, "person.tie.add", call)
        return AddInterestTiePayload(tie=tie and InterestTieType.from_row(tie), user_errors=errors)

    @strawberry.mutation(
        description="Record a political theory or professional training (增加培训记录, "
        "qh-zrzyt §8(3))"
    )
    async def add_training_record(
        self, info: Info, input: AddTrainingRecordInput
    ) -> AddTrainingRecordPayload:
        ctx = info.context

        async def call() -> TrainingRecord:
            return await service.add_training(
                ctx.session,
                ctx.actor,
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                kind=input.kind,
                course=input.course,
                held_on=input.held_on,
                hours=input.hours,
            )

        record, errors = await run_mutation(info, "person.training.add", call)
        return AddTrainingRecordPayload(
            record=record and TrainingRecordType.from_row(record), user_errors=errors
        )

    @strawberry.mutation(
        description="Record a rotation between posts (增加轮岗交流记录, nmg-2016 §12)"
    )
    async def add_rotation_record(
        self, info: Info, input: AddRotationRecordInput
    ) -> AddRotationRecordPayload:
        ctx = info.context

        async def call() -> RotationRecord:
            return await service.add_rotation(
                ctx.session,
                ctx.actor,
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                from_post=input.from_post,
                to_post=input.to_post,
                rotated_on=input.rotated_on,
            )

        record, errors = await run_mutation(info, "person.rotation.add", call)
        return AddRotationRecordPayload(
            record=record and RotationRecordType.from_row(record), user_errors=errors
        )

    @strawberry.mutation(description="Put a person in a leader or talent pool (入库)")
    async def add_to_pool(self, info: Info, input: AddToPoolInput) -> AddToPoolPayload:
        ctx = info.context

        async def call() -> PoolMembership:
            return await service.add_to_pool(
                ctx.session,
                ctx.actor,
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                pool=input.pool,
                since=input.since,
            )

        membership, errors = await run_mutation(info, "person.pool.add", call)
        return AddToPoolPayload(
            membership=membership and PoolMembershipType.from_row(membership), user_errors=errors
        )


SCHEMA = SchemaPart(
    mutation=PeopleMutation,
    types=(
        PersonType,
        EmploymentRecordType,
        InterestTieType,
        PoolMembershipType,
        TrainingRecordType,
        RotationRecordType,
    ),
    fields=(
        TypeField(
            "Office",
            "people",
            connection_field(
                repository.persons_of_offices,
                PersonType,
                description="Persons whose records the office keeps (干部)",
                filter=PersonFilter,
                order=PersonOrder,
            ),
        ),
    ),
)
