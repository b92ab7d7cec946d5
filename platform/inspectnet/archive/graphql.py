"""GraphQL of the archive (归档): the hand-over, archiving, the archive record with its items,
and the package served by GET ``/archives/<archive id>`` (signed in, ``export`` allowed)."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.archive import repository, service
from inspectnet.archive.models import ArchiveItem, InspectionArchive, MaterialHandover
from inspectnet.authz.actor import Actor
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.lists import order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import DownloadRoute, SchemaPart, Served, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.validation import described

DOWNLOADS = "/archives/"
ZIP = "application/zip"


@strawberry.input(description="Which archived materials to list (归档材料筛选)")
class ArchiveItemFilter:
    source: str | None = strawberry.field(default=None, description="Source (来源)")

    def conditions(self) -> list[ColumnElement[bool]]:
        return [] if self.source is None else [ArchiveItem.source == self.source]


ArchiveItemOrder = order_input("ArchiveItem")


@strawberry.type(
    name="ArchiveItem", description="One archived material with its checksum (归档材料)"
)
class ArchiveItemType(Node, Stamped):
    path: str = strawberry.field(description="Path in the package (文件路径)")
    source: str = strawberry.field(description="The registered source it came from (来源)")
    sha256: str = strawberry.field(description="SHA-256 of its content (校验和)")
    size: int = strawberry.field(description="Size in bytes (大小)")

    @classmethod
    def from_row(cls, row: ArchiveItem) -> ArchiveItemType:
        return cls(
            id=strawberry.ID(global_id("ArchiveItem", row.id)),
            path=row.path,
            source=row.source,
            sha256=row.sha256,
            size=row.size,
            **stamps(row),
        )


@strawberry.type(
    name="InspectionArchive", description="An inspection's archive record, signed (归档记录)"
)
class InspectionArchiveType(Node, Stamped):
    actor_name: str = strawberry.field(description="Who archived it (归档人)")
    rule_id: str = strawberry.field(description="Rule archived under (规则)")
    article: str = strawberry.field(description="Its article (依据条款)")
    key_version: int = strawberry.field(description="Version of the signing key (签名密钥版本)")
    download_url: str = strawberry.field(
        description="GET it, signed in, for the package (zip with manifest and signature)"
    )
    pk: strawberry.Private[int]
    items = connection_field(
        repository.items_of,
        ArchiveItemType,
        description="The materials archived, with checksums (归档材料)",
        filter=ArchiveItemFilter,
        order=ArchiveItemOrder,
    )

    @classmethod
    def from_row(cls, row: InspectionArchive) -> InspectionArchiveType:
        gid = global_id("InspectionArchive", row.id)
        return cls(
            id=strawberry.ID(gid),
            pk=row.id,
            actor_name=row.actor_name,
            rule_id=row.rule_id,
            article=row.article,
            key_version=row.key_version,
            download_url=f"{DOWNLOADS}{gid}",
            **stamps(row),
        )


@strawberry.type(
    name="MaterialHandover", description="The team's materials handed to the office (材料移交)"
)
class MaterialHandoverType(Node, Stamped):
    actor_name: str = strawberry.field(description="Who handed them over (移交人)")
    note: str = strawberry.field(description="What was handed over (移交说明)")

    @classmethod
    def from_row(cls, row: MaterialHandover) -> MaterialHandoverType:
        return cls(
            id=strawberry.ID(global_id("MaterialHandover", row.id)),
            actor_name=row.actor_name,
            note=row.note,
            **stamps(row),
        )


register_node("ArchiveItem", ArchiveItem, ArchiveItemType.from_row)
register_node("InspectionArchive", InspectionArchive, InspectionArchiveType.from_row)
register_node("MaterialHandover", MaterialHandover, MaterialHandoverType.from_row)


async def _one(info: Info, key: str, query: Any, inspection_pk: int) -> Any:
    ctx = info.context

    async def batch(ids: list[int]) -> list[Any]:
        rows = {r.inspection_id: r for r in (await ctx.session.scalars(query(ctx.actor, ids)))}
        return [rows.get(i) for i in ids]

    return await ctx.loader(key, batch).load(inspection_pk)


async def inspection_handover(root: Any, info: Info) -> MaterialHandoverType | None:
    row = await _one(info, "archive.handover", repository.handovers_of, root.pk)
    return None if row is None else MaterialHandoverType.from_row(row)


async def inspection_archive(root: Any, info: Info) -> InspectionArchiveType | None:
    row = await _one(info, "archive.record", repository.archives_of, root.pk)
    return None if row is None else InspectionArchiveType.from_row(row)


@strawberry.input(description="Hand the team's materials to the office (移交巡视巡察材料)")
class HandOverMaterialsInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    note: str = strawberry.field(
        description=described("What is handed over (移交说明)", MaterialHandover.note)
    )


@strawberry.type(description="Result of handOverMaterials (材料移交结果)")
class HandOverMaterialsPayload:
    handover: MaterialHandoverType | None = strawberry.field(
        description="The hand-over, unless refused (材料移交)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Archive a fed-back inspection (归档)")
class ArchiveInspectionInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    version: int | None = strawberry.field(
        default=None, description="The inspection's version last read; CONFLICT if moved (版本)"
    )


@strawberry.type(description="Result of archiveInspection (归档结果)")
class ArchiveInspectionPayload:
    archive: InspectionArchiveType | None = strawberry.field(
        description="The archive record, unless refused (归档记录)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _inspection(value: strawberry.ID) -> int:
    return expect_global_id(value, "Inspection", field="inspectionId")


@strawberry.type
class ArchiveMutation:
    @strawberry.mutation(description="Hand the team's materials to the office (移交巡视巡察材料)")
    async def hand_over_materials(
        self, info: Info, input: HandOverMaterialsInput
    ) -> HandOverMaterialsPayload:
        ctx = info.context

        async def call() -> MaterialHandover:
            return await service.hand_over_materials(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                note=input.note,
            )

        found, errors = await run_mutation(info, "archive.handover", call)
        return HandOverMaterialsPayload(
            handover=found and MaterialHandoverType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(
        description="Archive a fed-back inspection whose materials were handed over (归档)"
    )
    async def archive_inspection(
        self, info: Info, input: ArchiveInspectionInput
    ) -> ArchiveInspectionPayload:
        ctx = info.context

        async def call() -> InspectionArchive:
            return await service.archive_inspection(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                version=input.version,
            )

        found, errors = await run_mutation(info, "archive.create", call)
        return ArchiveInspectionPayload(
            archive=found and InspectionArchiveType.from_row(found), user_errors=errors
        )


async def serve_package(session: AsyncSession, actor: Actor, token: str) -> Served:
    """The archive package (``GET /archives/<archive id>``), for whoever may export it."""
    pk = expect_global_id(token, "InspectionArchive")
    content = await service.export_package(session, actor, archive_id=pk)
    return Served(content, ZIP, f"archive-{token}.zip")


SCHEMA = SchemaPart(
    mutation=ArchiveMutation,
    types=(InspectionArchiveType, MaterialHandoverType, ArchiveItemType),
    fields=(
        TypeField(
            "Inspection",
            "handover",
            strawberry.field(
                resolver=inspection_handover,
                description="The team's materials handed to the office, once done (材料移交)",
            ),
        ),
        TypeField(
            "Inspection",
            "archive",
            strawberry.field(
                resolver=inspection_archive,
                description="Its archive record, once archived (归档记录)",
            ),
        ),
    ),
    downloads=(DownloadRoute(DOWNLOADS, "archive.download", serve_package, 404),),
)
