"""No collector tail: each worker freezes its start-up objects and raises the young threshold."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from inspectnet.app import GC_THRESHOLDS, create_app
from inspectnet.db import Database
from inspectnet.settings import Settings


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


async def test_start_up_objects_are_frozen_out_of_the_collector(
    collector: None, db: Database, settings: Settings
) -> None:
    gc.unfreeze()
    app = create_app(settings, database=db, watch_policy=False)
    assert gc.get_freeze_count() == 0
    async with app.router.lifespan_context(app):
        # Everything start-up built, schema and policy included, is frozen: collections
        # during requests walk only what requests make.
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_count()[2] == 0
