"""The denial outbox: refusals are written after the response, and what cannot be written
(a full queue, a database that keeps failing, a worker that died) is counted, never silent."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.audit.outbox import Outbox, write
from inspectnet.audit.refusals import Pending
from inspectnet.audit.service import Draft
from inspectnet.audit.spool import Spool
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.observability.metrics import AUDIT_DENIALS_LOST, AUDIT_DENIALS_WRITTEN
from tests.conftest import Api
from tests.factories import StaffedRegion, make_office

NODE = "query($id: ID!) { node(id: $id) { id } }"


def _lost(reason: str) -> float:
    return float(AUDIT_DENIALS_LOST.labels(reason)._value.get())


def _draft(action: str = "office.read", office: int | None = None) -> Draft:
    return Draft(
        at=clock.now(),
        actor_user_id=None,
        actor_name="tester",
        office_id=office,
        action=action,
        object_id=None,
        request_id="req-1",
        outcome=Outcome.DENIED,
        detail={"code": "NOT_FOUND"},
    )


async def _office(system: Any) -> int:
    """A new office, committed: a chain of its own for the outbox to write into."""
    session, actor = system
    office = await make_office(session, actor)
    await session.commit()
    return office.id


async def _denied(db: Database, action: str) -> int:
    async with db.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == action, AuditEntry.outcome == Outcome.DENIED)
            )
            or 0
        )


async def test_a_request_writes_nothing_and_the_outbox_writes_its_denial_afterwards(
    api: Api, db: Database, net: StaffedRegion
) -> None:
    before = await _denied(db, "office.read")
    await api.post(NODE, {"id": global_id("Office", net.sibling.id)}, user=net.staff.member)
    assert await _denied(db, "office.read") == before
    assert len(api.app.state.graphql.outbox) == 1
    assert await api.app.state.graphql.outbox.flush() == 1
    assert await _denied(db, "office.read") == before + 1


async def test_a_read_of_a_missing_object_is_no_event(
    api: Api, db: Database, net: StaffedRegion
) -> None:
    before = await _denied(db, "office.read")
    await api.post(NODE, {"id": global_id("Office", 10**6)}, user=net.staff.member)
    assert len(api.app.state.graphql.outbox) == 1  # the request cannot know it is missing
    assert await api.app.state.graphql.outbox.flush() == 0
    assert await _denied(db, "office.read") == before


async def test_the_office_auditor_sees_a_denial_concerning_its_office_through_the_api(
    api: Api, db: Database, net: StaffedRegion
) -> None:
    region = net.top.id
    # The admin of an office outside the region probes the region's office: hidden from it.
    result = await api.gql(NODE, {"id": global_id("Office", region)}, user=net.stranger)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await api.app.state.graphql.outbox.flush()
    query = """query($id: ID!) { auditLog(officeId: $id, last: 1) {
      nodes { action outcome actorName object { id } } } }"""
    log = await api.gql(query, {"id": global_id("Office", region)}, user=net.top_auditor)
    assert log["data"]["auditLog"]["nodes"] == [
        {
            "action": "office.read",
            "outcome": "DENIED",
            "actorName": net.stranger,
            "object": {"id": global_id("Office", region)},
        }
    ]


async def test_a_full_outbox_counts_what_it_refuses(db: Database) -> None:
    outbox = Outbox(db, capacity=2)
    before = _lost("overflow")
    outbox.put([Pending(_draft()) for _ in range(5)])
    assert len(outbox) == 2
    assert _lost("overflow") == before + 3


class _Broken:
    """A database whose every session fails, as one that is down would."""

    def session(self) -> Any:
        raise ConnectionError("database is down")

    def transaction(self) -> Any:
        raise ConnectionError("database is down")


async def test_a_write_that_keeps_failing_is_retried_then_counted(
    db: Database, system: Any
) -> None:
    before, written = _lost("write_failed"), AUDIT_DENIALS_WRITTEN._value.get()
    items = [Pending(_draft()), Pending(_draft(office=await _office(system)))]
    assert await write(_Broken(), items, retries=2, retry_delay=0) == 0  # type: ignore[arg-type]
    assert _lost("write_failed") == before + 2
    assert AUDIT_DENIALS_WRITTEN._value.get() == written


async def test_a_failure_in_one_chain_does_not_lose_the_others(
    db: Database, monkeypatch: pytest.MonkeyPatch, system: Any
) -> None:
    from inspectnet.audit import outbox as module

    chain_office = await _office(system)
    real = module.append

    async def failing_for_baotou(session: AsyncSession, draft: Draft) -> AuditEntry:
        if draft.office_id == chain_office:
            raise RuntimeError("this chain's write fails")
        return await real(session, draft)

    monkeypatch.setattr(module, "append", failing_for_baotou)
    before = _lost("write_failed")
    items = [Pending(_draft("x.fails", chain_office)), Pending(_draft("x.holds", None))]
    assert await write(db, items, retries=1, retry_delay=0) == 1
    assert _lost("write_failed") == before + 1
    assert await _denied(db, "x.holds") == 1 and await _denied(db, "x.fails") == 0


def test_a_dead_workers_unsettled_denials_are_counted_as_lost(tmp_path: Path) -> None:
    # A worker accepts three denials, settles the first, and dies without a word.
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from inspectnet import clock
        from inspectnet.audit.models import Outcome
        from inspectnet.audit.refusals import Pending
        from inspectnet.audit.spool import Spool
        from inspectnet.audit.service import Draft
        spool = Spool(Path({str(tmp_path)!r}))
        for n in range(3):
            seq = spool.accept(Pending(Draft(clock.now(), None, "x", None, "office.read",
                                             None, f"r{{n}}", Outcome.DENIED, {{}})))
            if n == 0:
                spool.settle(seq)
        os._exit(9)
        """
    )
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    assert subprocess.run([sys.executable, "-c", script], env=env, check=False).returncode == 9
    # A live worker's spool is left alone.
    alive = Spool(tmp_path)
    alive.accept(Pending(_draft()))
    before = _lost("crash")
    assert Spool.recover(tmp_path) == 2
    assert _lost("crash") == before + 2
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == 2 and alive.path.name in kept
    assert any(name.endswith(".crashed") for name in kept)
    assert Spool.recover(tmp_path) == 0  # counted once
    alive.close(settled=True)


async def test_stopping_writes_what_is_queued_and_removes_a_settled_spool(
    db: Database, tmp_path: Path
) -> None:
    outbox = Outbox(db, spool_dir=tmp_path, linger=0)
    await outbox.start()
    outbox.put([Pending(_draft("stop.test"))])
    assert len(os.listdir(tmp_path)) == 1
    await outbox.stop()
    assert len(outbox) == 0
    assert await _denied(db, "stop.test") == 1
    assert os.listdir(tmp_path) == []


async def test_a_spool_that_cannot_be_written_does_not_fail_the_request(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = Outbox(db, spool_dir=tmp_path, linger=0)
    await outbox.start()

    def full_disk(self: Spool, item: Pending) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Spool, "accept", full_disk)
    outbox.put([Pending(_draft("spool.full"))])
    await outbox.stop()
    assert await _denied(db, "spool.full") == 1
