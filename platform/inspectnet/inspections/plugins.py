"""What inspections plug into other domains' registries (domains.extensions).

- ``OPEN_WORK``: an office with an inspection not yet archived is not retired
  (network.retirement): its materials are handed over and archived first (qh-zrzyt §27, §8(5)).
"""

from __future__ import annotations

from sqlalchemy import Select, func, select

from inspectnet.inspections.models import Inspection, Stage
from inspectnet.network.retirement import OpenWork


def _open_inspections(office_id: int) -> Select[tuple[int]]:
    # system scope: an office's open inspections are counted whatever the actor reads of them
    return (
        select(func.count())
        .select_from(Inspection)
        .where(Inspection.office_id == office_id, Inspection.stage != Stage.ARCHIVED)
    )


OPEN_WORK = (
    OpenWork(
        code="OFFICE_HAS_OPEN_INSPECTIONS",
        message="该机构仍有未归档的巡视巡察，请先完成归档",
        count=_open_inspections,
    ),
)
