"""The people lists' enums (labelled), orders and filters, declared before any type uses them."""

from __future__ import annotations

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import (
    ARCHIVED_DESCRIPTION,
    CreatedFilter,
    DateRange,
    Sort,
    archived,
    each,
    order_input,
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

TIE_KIND_LABELS = {TieKind.KIN: "亲属关系", TieKind.INTEREST: "其他利害关系"}
TieKindEnum = labelled_enum(
    TieKind, TIE_KIND_LABELS, name="TieKind", description="Kind of tie (亲属或利害关系)"
)
POOL_KIND_LABELS = {PoolKind.LEADER: "组长库", PoolKind.TALENT: "人才库"}
PoolKindEnum = labelled_enum(
    PoolKind,
    POOL_KIND_LABELS,
    name="PoolKind",
    description="Leader pool (组长库) or talent pool (人才库)",
)

TRAINING_KIND_LABELS = {
    TrainingKind.POLITICAL_THEORY: "政治理论培训",
    TrainingKind.PROFESSIONAL: "业务培训",
}
TrainingKindEnum = labelled_enum(
    TrainingKind,
    TRAINING_KIND_LABELS,
    name="TrainingKind",
    description="Political theory or professional training (政治理论和业务培训, qh-zrzyt §8(3))",
)

PersonOrder = order_input("Person", Sort("NAME", "姓名", ("name",)))
EmploymentRecordOrder = order_input(
    "EmploymentRecord", Sort("STARTED_ON", "起始日期", ("started_on",))
)
InterestTieOrder = order_input("InterestTie")
TrainingRecordOrder = order_input("TrainingRecord", Sort("HELD_ON", "培训日期", ("held_on",)))
RotationRecordOrder = order_input(
    "RotationRecord", Sort("ROTATED_ON", "轮岗交流日期", ("rotated_on",))
)
PoolMembershipOrder = order_input("PoolMembership", Sort("SINCE", "入库日期", ("since",)))


@strawberry.input(description="Which persons to list; every field given must hold (干部筛选)")
class PersonFilter(CreatedFilter):
    created_model = Person
    name_contains: str | None = strawberry.field(
        default=None, description="Part of the name (姓名包含)"
    )
    unit_contains: str | None = strawberry.field(
        default=None, description="Part of the unit (单位包含)"
    )
    home_region_code: str | None = strawberry.field(
        default=None, description="Home region code (籍贯行政区划代码)"
    )
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.name_contains:
            found.append(Person.name.contains(self.name_contains, autoescape=True))
        if self.unit_contains:
            found.append(Person.unit.contains(self.unit_contains, autoescape=True))
        if self.home_region_code is not None:
            found.append(Person.home_region_code == self.home_region_code)
        return each(found, archived(self.archived, Person.archived_at))


@strawberry.input(description="Which posts of a career to list (任职经历筛选)")
class EmploymentRecordFilter(CreatedFilter):
    created_model = EmploymentRecord
    current: bool | None = strawberry.field(
        default=None, description="Only posts with no end date (true) or only ended ones (现任)"
    )
    started_on: DateRange | None = strawberry.field(
        default=None, description="Post began within (起始日期)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.current is not None:
            ended = EmploymentRecord.ended_on
            found.append(ended.is_(None) if self.current else ended.is_not(None))
        if self.started_on is not None:
            found += self.started_on.on(EmploymentRecord.started_on, "startedOn")
        return found


@strawberry.input(description="Which ties to list (亲属及利害关系筛选)")
class InterestTieFilter(CreatedFilter):
    created_model = InterestTie
    kind: TieKind | None = strawberry.field(default=None, description="Kin or interest (类别)")

    def own(self) -> list[ColumnElement[bool]]:
        found = [InterestTie.kind == self.kind] if self.kind is not None else []
        return found


@strawberry.input(description="Which pool memberships to list (入库筛选)")
class PoolMembershipFilter(CreatedFilter):
    created_model = PoolMembership
    pool: PoolKind | None = strawberry.field(default=None, description="Which pool (库)")
    since: DateRange | None = strawberry.field(default=None, description="Joined within (入库日期)")

    def own(self) -> list[ColumnElement[bool]]:
        found = [PoolMembership.pool == self.pool] if self.pool is not None else []
        if self.since is not None:
            found += self.since.on(PoolMembership.since, "since")
        return found


@strawberry.input(description="Which trainings to list (培训记录筛选)")
class TrainingRecordFilter(CreatedFilter):
    created_model = TrainingRecord
    kind: TrainingKind | None = strawberry.field(
        default=None, description="Political theory or professional (类别)"
    )
    held_on: DateRange | None = strawberry.field(default=None, description="Held within (培训日期)")

    def own(self) -> list[ColumnElement[bool]]:
        found = [TrainingRecord.kind == self.kind] if self.kind is not None else []
        if self.held_on is not None:
            found += self.held_on.on(TrainingRecord.held_on, "heldOn")
        return found


@strawberry.input(description="Which rotations to list (轮岗交流记录筛选)")
class RotationRecordFilter(CreatedFilter):
    created_model = RotationRecord
    rotated_on: DateRange | None = strawberry.field(
        default=None, description="Rotated within (轮岗交流日期)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.rotated_on is not None:
            found += self.rotated_on.on(RotationRecord.rotated_on, "rotatedOn")
        return found
