"""The protected-name sources the domains register (disclosure/names.py SOURCES): a petitioner
(intake, sealed) and a person named in a clue (casework) stop a publication (nmg-2016 §36(3))."""

from __future__ import annotations

from typing import Any

import pytest

from inspectnet.disclosure import names
from inspectnet.disclosure.models import DisclosureState
from inspectnet.disclosure.service import (
    approve_disclosure,
    publish_disclosure,
    update_disclosure,
)
from inspectnet.errors import RuleViolation
from tests.casework.factories import make_clue
from tests.disclosure.factories import make_disclosure, make_inspected_office
from tests.intake.factories import make_petition


async def _naming(session: Any, root: Any, inspection: Any, text: str) -> Any:
    draft = await make_disclosure(session, root, inspection)
    await update_disclosure(session, root, disclosure_id=draft.id, body=draft.body + text)
    return await approve_disclosure(session, root, disclosure_id=draft.id)


async def _refused(session: Any, root: Any, disclosure: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        await publish_disclosure(session, root, disclosure_id=disclosure.id)
    await session.refresh(disclosure)
    assert (disclosure.state, disclosure.published_at) == (DisclosureState.APPROVED, None)
    return refused.value


def test_both_domains_are_registered() -> None:
    assert names.SOURCES == [
        "inspectnet.intake.disclosure:petitioner_names",
        "inspectnet.casework.disclosure:clue_person_names",
    ]


async def test_a_petitioners_name_is_refused_and_not_told(system: Any) -> None:
    session, root = system
    world = await make_inspected_office(session, root)
    await make_petition(session, root, world.inspection, petitioner_name="欧阳明月")
    named = await _naming(session, root, world.inspection, "\n经核，欧阳 明月反映属实。")

    refused = await _refused(session, root, named)

    assert (refused.code, refused.field) == ("DISCLOSURE_NAME_PROTECTED", "body")
    assert "欧阳明月" not in refused.message


async def test_a_clues_person_is_refused(system: Any) -> None:
    session, root = system
    world = await make_inspected_office(session, root)
    await make_clue(session, root, world.inspection, person_name="司马长风")
    named = await _naming(session, root, world.inspection, "\n司马长风同志已作检查。")

    refused = await _refused(session, root, named)

    assert (refused.code, refused.field) == ("DISCLOSURE_NAME_PROTECTED", "body")


async def test_a_clean_text_publishes_and_other_inspections_names_do_not_count(
    system: Any,
) -> None:
    session, root = system
    world = await make_inspected_office(session, root)
    other = await make_inspected_office(session, root)
    await make_petition(session, root, world.inspection, petitioner_name="欧阳明月")
    await make_petition(session, root, world.inspection)  # anonymous: no name to scan
    await make_clue(session, root, world.inspection, person_name="司马长风")
    # a name protected in another office's inspection does not stop this one
    await make_clue(session, root, other.inspection, person_name="上官飞燕")
    clean = await _naming(session, root, world.inspection, "\n上官飞燕书记主持会议。")

    published = await publish_disclosure(session, root, disclosure_id=clean.id)

    assert published.state is DisclosureState.PUBLISHED
