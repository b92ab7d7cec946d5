"""The platform's own work is not held by the wall: commands and sweeps connect as the owner,
migrations make and drop the policies, and every covered table has its policy as its model
asks (a tenant table without one fails here)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from inspectnet import migrate
from inspectnet.authz import wall
from inspectnet.cli import duties
from inspectnet.cli.runtime import runtime, system_work
from inspectnet.db import Database, make_engine
from inspectnet.intake.models import Petition
from tests.conftest import _in_thread
from tests.rls.conftest import Walled

pytestmark = pytest.mark.usefixtures("frozen_clock")
BEFORE = "20261202_0170"


async def _owner_scalar(walled: Walled, sql: str) -> Any:
    database = Database(make_engine(walled.owner_settings))
    try:
        async with database.session() as session:
            return await session.scalar(text(sql))
    finally:
        await database.dispose()


async def test_a_command_acts_as_the_owner_over_every_office(walled: Walled) -> None:
    total = await _owner_scalar(walled, "SELECT count(*) FROM petitions")
    assert total >= 4  # two petitions in each sibling office
    async with runtime(walled.settings) as rt, system_work(rt, "test") as work:
        who = await work.session.scalar(text("SELECT current_user"))
        assert who == walled.owner_settings.database_url.split("//")[1].split(":")[0]
        assert await work.session.scalar(select(func.count()).select_from(Petition)) == total


async def test_the_sweeps_run_as_the_owner(walled: Walled) -> None:
    swept = await duties.sweep(walled.settings)
    assert swept.created >= 0
    assert await duties.sweep_transfers(walled.settings) >= 0
    # The refusal outbox wrote nothing failed: the sweep's unit of work committed.
    failed = await _owner_scalar(
        walled,
        "SELECT count(*) FROM audit_entries WHERE action LIKE '%.sweep' AND outcome <> 'SUCCESS'",
    )
    assert failed == 0


async def test_every_tenant_table_has_its_policy(walled: Walled) -> None:
    """A tenant-owned table (``__authz_type__`` and an office column) either has the policy
    its model asks for or is named, with its reason, in ``wall.NOT_YET``."""
    tenant = {m.__tablename__ for m in wall.tenant_models()}
    assert set(wall.NOT_YET) <= tenant, set(wall.NOT_YET) - tenant  # no stale debt
    assert {m.__tablename__ for m in wall.covered_models()} == tenant - set(wall.NOT_YET)
    assert all(reason.strip() for reason in wall.NOT_YET.values())
    database = Database(make_engine(walled.owner_settings))
    try:
        async with database.session() as session:
            assert await wall.check(session) == []
    finally:
        await database.dispose()


async def test_the_check_finds_a_table_without_its_policy(walled: Walled) -> None:
    """The check is not vacuous: a covered table whose policy is gone is named."""
    database = Database(make_engine(walled.owner_settings))
    try:
        async with database.session() as session, session.begin():
            await session.execute(text("DROP POLICY inspectnet_wall ON clues"))
            assert await wall.check(session) == [
                "clues: no inspectnet_wall policy as its model asks (a migration is due)"
            ]
            await session.execute(text("ALTER TABLE findings DISABLE ROW LEVEL SECURITY"))
            assert "findings: row-level security is off" in await wall.check(session)
            await session.rollback()
    finally:
        await database.dispose()


async def test_the_migration_goes_down_and_up(walled: Walled) -> None:
    policies = "SELECT count(*) FROM pg_policies WHERE policyname = 'inspectnet_wall'"
    assert await _owner_scalar(walled, policies) == len(wall.covered_models())
    _in_thread(migrate.downgrade, walled.settings, BEFORE)
    try:
        assert await _owner_scalar(walled, policies) == 0
        functions = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'inspectnet_wall%'"
        assert await _owner_scalar(walled, functions) == 0
        secured = "SELECT count(*) FROM pg_class WHERE relrowsecurity"
        assert await _owner_scalar(walled, secured) == 0
    finally:
        _in_thread(migrate.upgrade, walled.settings)
    assert await _owner_scalar(walled, policies) == len(wall.covered_models())
