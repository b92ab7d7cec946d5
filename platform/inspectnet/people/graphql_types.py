"""The people domain's node types: persons and the parts of their record (干部及其档案)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

import inspectnet.rules.graphql_params  # noqa: F401 - registers the one pool enum, PoolKind
from inspectnet.graphql.can import viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.links import linked
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import global_id
from inspectnet.network.loaders import office_by_id
from inspectnet.people import repository
from inspectnet.people.expertise import expertise_rules
from inspectnet.people.graphql_can import PERSON_CAN, RECORD_CAN, REMOVABLE_CAN
from inspectnet.people.graphql_lists import (
    EmploymentRecordFilter,
    EmploymentRecordOrder,
    InterestTieFilter,
    InterestTieOrder,
    PoolMembershipFilter,
    PoolMembershipOrder,
    RotationRecordFilter,
    RotationRecordOrder,
    TrainingRecordFilter,
    TrainingRecordOrder,
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
from inspectnet.rules.graphql import RuleType, rule_type

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType
    from inspectnet.targets.graphql import TargetType

TARGET = strawberry.lazy("inspectnet.targets.graphql")
OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(name="EmploymentRecord", description="A post held (任职经历)")
class EmploymentRecordType(Node, Stamped):
    viewer_can: Any = viewer_can_field("EmploymentRecord", RECORD_CAN)
    organisation: str = strawberry.field(description="Organisation served in (任职单位)")
    post: str = strawberry.field(description="Post (职务)")
    region_code: str | None = strawberry.field(
        description="Administrative region code of the post, if known (行政区划代码)"
    )
    target_pk: strawberry.Private[int | None]
    started_on: date = strawberry.field(description="Start of the post (起始日期)")
    ended_on: date | None = strawberry.field(
        description="End of the post, none while held (终止日期)"
    )

    @classmethod
    def from_row(cls, row: EmploymentRecord) -> EmploymentRecordType:
        return cls(
            id=strawberry.ID(global_id("EmploymentRecord", row.id)),
            organisation=row.organisation,
            post=row.post,
            region_code=row.region_code,
            target_pk=row.target_id,
            **stamps(row),
            started_on=row.started_on,
            ended_on=row.ended_on,
        )

    @strawberry.field(
        description="The organisation as a target, if it is one and visible (巡视巡察对象)"
    )
    async def target(self, info: Info) -> Annotated[TargetType, TARGET] | None:
        return await linked(info, "Target", self.target_pk)


@strawberry.type(name="InterestTie", description="Declared kin or interest tie (亲属及利害关系)")
class InterestTieType(Node, Stamped):
    viewer_can: Any = viewer_can_field("InterestTie", RECORD_CAN)
    kind: TieKind = strawberry.field(description="Kin or interest (亲属或利害关系)")
    organisation: str = strawberry.field(description="Organisation the tie leads to (单位)")
    relation: str = strawberry.field(description="Relation, e.g. spouse (关系)")
    target_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: InterestTie) -> InterestTieType:
        return cls(
            id=strawberry.ID(global_id("InterestTie", row.id)),
            kind=row.kind,
            organisation=row.organisation,
            relation=row.relation,
            target_pk=row.target_id,
            **stamps(row),
        )

    @strawberry.field(
        description="The organisation as a target, if it is one and visible (巡视巡察对象)"
    )
    async def target(self, info: Info) -> Annotated[TargetType, TARGET] | None:
        return await linked(info, "Target", self.target_pk)


@strawberry.type(
    name="TrainingRecord",
    description="A training attended: political theory or professional (培训记录, qh-zrzyt §8(3))",
)
class TrainingRecordType(Node, Stamped):
    viewer_can: Any = viewer_can_field("TrainingRecord", REMOVABLE_CAN)
    kind: TrainingKind = strawberry.field(
        description="Political theory or professional training (政治理论培训/业务培训)"
    )
    course: str = strawberry.field(description="Course or class (培训项目)")
    held_on: date = strawberry.field(description="Date held (培训日期)")
    hours: int = strawberry.field(description="Class hours (学时)")

    @classmethod
    def from_row(cls, row: TrainingRecord) -> TrainingRecordType:
        return cls(
            id=strawberry.ID(global_id("TrainingRecord", row.id)),
            kind=row.kind,
            course=row.course,
            held_on=row.held_on,
            hours=row.hours,
            **stamps(row),
        )


@strawberry.type(
    name="RotationRecord", description="A rotation between posts (轮岗交流记录, nmg-2016 §12)"
)
class RotationRecordType(Node, Stamped):
    viewer_can: Any = viewer_can_field("RotationRecord", REMOVABLE_CAN)
    from_post: str = strawberry.field(description="Post left (原岗位)")
    to_post: str = strawberry.field(description="Post taken up (新岗位)")
    rotated_on: date = strawberry.field(description="Date of the rotation (轮岗交流日期)")

    @classmethod
    def from_row(cls, row: RotationRecord) -> RotationRecordType:
        return cls(
            id=strawberry.ID(global_id("RotationRecord", row.id)),
            from_post=row.from_post,
            to_post=row.to_post,
            rotated_on=row.rotated_on,
            **stamps(row),
        )


@strawberry.type(
    name="PoolMembership", description="Membership of a leader or talent pool (组长库/人才库)"
)
class PoolMembershipType(Node, Stamped):
    viewer_can: Any = viewer_can_field("PoolMembership", RECORD_CAN)
    pool: PoolKind = strawberry.field(description="Leader pool or talent pool (组长库/人才库)")
    since: date = strawberry.field(description="Date joined (入库日期)")
    office_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: PoolMembership) -> PoolMembershipType:
        return cls(
            id=strawberry.ID(global_id("PoolMembership", row.id)),
            pool=row.pool,
            since=row.since,
            office_pk=row.office_id,
            **stamps(row),
        )

    @strawberry.field(description="The office keeping the pool, null if hidden (机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)


@strawberry.type(name="Person", description="Person (干部)")
class PersonType(Node, Stamped):
    viewer_can: Any = viewer_can_field("Person", PERSON_CAN)
    name: str = strawberry.field(description="Name (姓名)")
    unit: str = strawberry.field(description="Unit (工作单位)")
    rank: str = strawberry.field(description="Rank (职级)")
    home_region_code: str = strawberry.field(description="Home region code (籍贯)")
    expertise: list[str] = strawberry.field(
        description="Fields of expertise: expertise.* rule ids of the office's ruleset (专业领域)"
    )
    archived_at: datetime | None = strawberry.field(
        description="When the record was archived, null while current (归档时间)"
    )
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Person) -> PersonType:
        return cls(
            id=strawberry.ID(global_id("Person", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            name=row.name,
            unit=row.unit,
            rank=row.rank,
            home_region_code=row.home_region_code,
            expertise=list(row.expertise),
            archived_at=row.archived_at,
            **stamps(row),
        )

    @strawberry.field(description="The office keeping the record (管理机构)")
    async def office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return await office_by_id(info, self.office_pk)

    @strawberry.field(
        description="The fields of expertise as the office's ruleset names and cites them, in "
        "its order; empty when the office is hidden (专业领域及条款依据)"
    )
    async def expertise_rules(self, info: Info) -> list[RuleType]:
        office = await office_by_id(info, self.office_pk)
        if office is None:
            return []
        return [rule_type(r) for r in expertise_rules(office.ruleset_id, self.expertise)]

    employment = connection_field(
        repository.employment_of,
        EmploymentRecordType,
        description="Career (任职经历)",
        filter=EmploymentRecordFilter,
        order=EmploymentRecordOrder,
    )

    ties = connection_field(
        repository.ties_of,
        InterestTieType,
        description="Declared kin and interest ties (亲属及利害关系)",
        filter=InterestTieFilter,
        order=InterestTieOrder,
    )

    training_records = connection_field(
        repository.trainings_of,
        TrainingRecordType,
        description="Trainings attended (培训记录, qh-zrzyt §8(3))",
        filter=TrainingRecordFilter,
        order=TrainingRecordOrder,
    )

    rotation_records = connection_field(
        repository.rotations_of,
        RotationRecordType,
        description="Rotations between posts (轮岗交流记录, nmg-2016 §12)",
        filter=RotationRecordFilter,
        order=RotationRecordOrder,
    )

    pools = connection_field(
        repository.pools_of,
        PoolMembershipType,
        description="Pool memberships (组长库/人才库)",
        filter=PoolMembershipFilter,
        order=PoolMembershipOrder,
    )


for _name, _model, _type in (
    ("Person", Person, PersonType),
    ("EmploymentRecord", EmploymentRecord, EmploymentRecordType),
    ("InterestTie", InterestTie, InterestTieType),
    ("PoolMembership", PoolMembership, PoolMembershipType),
    ("TrainingRecord", TrainingRecord, TrainingRecordType),
    ("RotationRecord", RotationRecord, RotationRecordType),
):
    register_node(_name, _model, _type.from_row)
