"""The calendar_years migration creates exactly the table the model describes, and drops it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, create_engine, inspect

from inspectnet.rules.models import CalendarYear

REVISION = (
    Path(__file__).resolve().parents[2]
    / "migrations"
    / "versions"
    / "20261125_0002_calendar_years.py"
)


def revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rev_20261125_0002", REVISION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_revision_chain() -> None:
    module = revision()
    assert (module.revision, module.down_revision) == ("20261125_0002", "20261125_0001")


def test_upgrade_matches_the_model_and_downgrade_drops_it() -> None:
    module = revision()
    only_ours = MetaData(naming_convention=CalendarYear.metadata.naming_convention)
    CalendarYear.__table__.to_metadata(only_ours)
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with Operations.context(context):
            module.upgrade()
        assert compare_metadata(context, only_ours) == []
        assert (
            inspect(connection).get_pk_constraint("calendar_years")["name"] == "pk_calendar_years"
        )
        with Operations.context(context):
            module.downgrade()
        assert "calendar_years" not in inspect(connection).get_table_names()
    engine.dispose()
