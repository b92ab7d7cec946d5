"""The audit chains are evidence: what an attacker with database access but without the audit
key does to them shows at the first link it breaks, and against the signed checkpoint.

Each tampering test first takes away the append-only triggers inside its own transaction, as
the database's superuser could; the test's transaction is rolled back afterwards.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import keyring
from inspectnet.app import create_app
from inspectnet.audit.chain import Break, content
from inspectnet.audit.checkpoint import (
    CheckpointError,
    checkpoint,
    latest_checkpoint,
    verify,
    write_checkpoint,
)
from inspectnet.audit.models import PLATFORM_CHAIN, AuditEntry
from inspectnet.audit.service import record, seal_pending
from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.keyring import Key, Keyring, Purpose
from inspectnet.observability.metrics import (
    AUDIT_LAST_CHECKPOINT,
    AUDIT_LAST_VERIFIED,
    AUDIT_VERIFICATION_FAILURES,
    exposition,
)
from tests.factories import make_office

ENTRIES = 6


async def _drop_triggers(session: AsyncSession) -> None:
    if session.bind.dialect.name == "sqlite":
        await session.execute(text("DROP TRIGGER audit_entries_no_update"))
        await session.execute(text("DROP TRIGGER audit_entries_no_delete"))
    else:
        await session.execute(text("SET LOCAL session_replication_role = replica"))


async def _chain(db: Database, system: tuple[AsyncSession, Actor]) -> int:
    """Six fresh entries in a new office's chain; returns the chain."""
    session, actor = system
    office = (await make_office(session, actor)).id
    for n in range(ENTRIES):
        await record(session, actor, "test.event", office_id=office, detail={"n": n})
    await seal_pending(session)
    return office


async def _last_seq(session: AsyncSession, chain: int) -> int:
    found = await session.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.chain == chain)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    return int(found or 0)


async def _verify(session: AsyncSession, directory: Path, chain: int) -> list[Break]:
    return (await verify(session, directory, chain=chain)).breaks


@pytest.fixture
def checkpoints(tmp_path: Path) -> Path:
    return tmp_path / "checkpoints"


async def _checkpointed(session: AsyncSession, directory: Path, chain: int) -> int:
    report = await verify(session, directory, chain=chain)
    assert report.ok, report.breaks
    write_checkpoint(directory, report.heads)
    return report.heads[chain].seq


async def test_an_untouched_chain_verifies_against_its_checkpoint(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    head = await _checkpointed(session, checkpoints, chain)
    before = AUDIT_LAST_VERIFIED._value.get()
    assert await _verify(session, checkpoints, chain) == []
    assert AUDIT_LAST_VERIFIED._value.get() >= before > 0
    assert head == await _last_seq(session, chain) >= ENTRIES


async def test_entries_chain_per_office_and_the_platform_chains_the_rest(
    db: Database, system: tuple[AsyncSession, Actor]
) -> None:
    session, actor = system
    one, other = (await make_office(session, actor)).id, (await make_office(session, actor)).id
    tails = {c: await _last_seq(session, c) for c in (one, other, PLATFORM_CHAIN)}
    a = await record(session, actor, "test.a", office_id=one)
    b = await record(session, actor, "test.b", office_id=other)
    c = await record(session, actor, "test.c", office_id=one)
    p = await record(session, actor, "test.p")
    await seal_pending(session)
    assert (a.chain, a.seq) == (one, tails[one] + 1)
    assert (b.chain, b.seq) == (other, tails[other] + 1)
    assert (c.chain, c.seq, c.prev_hash) == (one, tails[one] + 2, a.hash)
    assert (p.chain, p.seq, p.office_id) == (PLATFORM_CHAIN, tails[PLATFORM_CHAIN] + 1, None)
    assert a.key_version == keyring.active().current(Purpose.AUDIT).version


async def test_verify_detects_an_edited_row(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    last = await _checkpointed(session, checkpoints, chain)
    await _drop_triggers(session)
    await session.execute(
        text("UPDATE audit_entries SET actor_name = 'someone else' WHERE chain = :c AND seq = :s"),
        {"c": chain, "s": last - 2},
    )
    [broken] = await _verify(session, checkpoints, chain)
    assert (broken.chain, broken.seq) == (chain, last - 2)
    assert broken.reason.startswith("content does not match its hash")


async def test_verify_detects_a_deleted_row(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    last = await _checkpointed(session, checkpoints, chain)
    await _drop_triggers(session)
    await session.execute(
        text("DELETE FROM audit_entries WHERE chain = :c AND seq = :s"),
        {"c": chain, "s": last - 3},
    )
    [broken] = await _verify(session, checkpoints, chain)
    assert (broken.chain, broken.seq) == (chain, last - 3)
    assert broken.reason == f"missing (the next entry present is seq {last - 2})"


async def test_verify_detects_a_reordered_pair(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    last = await _checkpointed(session, checkpoints, chain)
    first, second = last - 3, last - 2
    await _drop_triggers(session)
    for old, new in ((second, -1), (first, second), (-1, first)):
        await session.execute(
            text("UPDATE audit_entries SET seq = :new WHERE chain = :c AND seq = :old"),
            {"c": chain, "old": old, "new": new},
        )
    [broken] = await _verify(session, checkpoints, chain)
    assert (broken.chain, broken.seq) == (chain, first)
    assert broken.reason == "does not link to the entry before it"


async def test_verify_detects_a_deleted_tail(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    last = await _checkpointed(session, checkpoints, chain)
    await _drop_triggers(session)
    await session.execute(
        text("DELETE FROM audit_entries WHERE chain = :c AND seq > :s"), {"c": chain, "s": last - 2}
    )
    # What is left is a perfectly consistent chain: only the checkpoint knows it was longer.
    [broken] = await _verify(session, checkpoints, chain)
    assert (broken.chain, broken.seq) == (chain, last - 1)
    assert broken.reason.startswith(f"missing: the checkpoint has this chain up to seq {last}")


def _forge(row: dict[str, Any], prev_hash: str) -> str:
    """What an attacker without the key can do: re-hash with a key of its own guessing."""
    guessed = Key(Purpose.AUDIT, row["key_version"], hashlib.sha256(b"a guess").digest())
    payload = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(guessed.secret, f"{prev_hash}|{payload}".encode(), hashlib.sha256).hexdigest()


async def test_verify_detects_a_truncated_and_rehashed_tail(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    last = await _checkpointed(session, checkpoints, chain)
    keep = last - 3
    kept = await session.scalar(
        select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == keep)
    )
    assert kept is not None
    template = content(kept)
    await _drop_triggers(session)
    await session.execute(
        text("DELETE FROM audit_entries WHERE chain = :c AND seq > :s"), {"c": chain, "s": keep}
    )
    prev = kept.hash
    # A tail as long as the one removed, each row linked to the one before and re-hashed.
    for seq in range(keep + 1, last + 1):
        row = template | {"seq": seq, "actor_name": "nobody", "detail": {"n": seq}}
        digest = _forge(row, prev)
        await session.execute(
            text(
                "INSERT INTO audit_entries (at, actor_user_id, actor_name, office_id, action,"
                " object_id, request_id, outcome, detail, chain, seq, key_version, prev_hash,"
                " hash) VALUES (:at, NULL, 'nobody', :office, :action, NULL, NULL, 'SUCCESS',"
                " :detail, :chain, :seq, :kv, :prev, :hash)"
            ),
            {
                "at": kept.at,
                "office": chain,
                "action": kept.action,
                "detail": json.dumps({"n": seq}),
                "chain": chain,
                "seq": seq,
                "kv": kept.key_version,
                "prev": prev,
                "hash": digest,
            },
        )
        prev = digest
    [broken] = await _verify(session, checkpoints, chain)
    assert (broken.chain, broken.seq) == (chain, keep + 1)
    assert broken.reason.startswith("content does not match its hash")


async def test_a_checkpoint_altered_without_the_key_is_refused(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    await _checkpointed(session, checkpoints, chain)
    written = latest_checkpoint(checkpoints)
    assert written is not None and written.path is not None
    body = json.loads(written.path.read_text("utf-8"))
    body["chains"][str(chain)]["seq"] = 1
    written.path.write_text(json.dumps(body), "utf-8")
    with pytest.raises(CheckpointError, match="signature does not hold"):
        latest_checkpoint(checkpoints)
    failures = AUDIT_VERIFICATION_FAILURES._value.get()
    [broken] = await _verify(session, checkpoints, chain)
    assert broken.reason.startswith("checkpoint: ") and "signature does not hold" in broken.reason
    assert AUDIT_VERIFICATION_FAILURES._value.get() == failures + 1


async def test_rotating_the_audit_key_keeps_old_entries_verifiable(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, actor = system
    chain = await _chain(db, system)
    old = keyring.active()
    v1 = old.current(Purpose.AUDIT)
    v2 = Key(Purpose.AUDIT, v1.version + 1, hashlib.sha256(b"rotated audit key").digest())
    rotated = Keyring(
        {p: old.versions(p) for p in Purpose if p is not Purpose.AUDIT} | {Purpose.AUDIT: (v1, v2)}
    )
    keyring.install(rotated)
    try:
        newer = await record(session, actor, "test.after_rotation", office_id=chain)
        await seal_pending(session)
        assert newer.key_version == v2.version
        assert await _verify(session, checkpoints, chain) == []
        # Without the old version the old entries cannot be vouched for, and that is said.
        keyring.install(Keyring({Purpose.AUDIT: (v2,)}))
        [broken] = await _verify(session, checkpoints, chain)
        assert broken.seq == 1
        assert broken.reason == f"audit key version {v1.version} is not in the keyring"
    finally:
        keyring.install(old)


async def test_on_postgresql_writers_lock_only_their_own_chain(backend: Any) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite serialises every writer by itself")
    held, free = 3, 4  # two offices' chains

    async def writer(office: int) -> tuple[Any, Any]:
        connection = await backend.engine.connect()
        transaction = await connection.begin()
        session = AsyncSession(bind=connection)
        actor = Actor.system(_policy(), name="lock-test")
        await record(session, actor, "lock.test", office_id=office)
        await seal_pending(session)
        return connection, transaction

    first = await writer(held)
    try:
        # Another office's chain is free while the first one's is held...
        other = await asyncio.wait_for(writer(free), timeout=5)
        await other[1].rollback()
        await other[0].close()
        # ...and the held chain's next writer waits for the first to finish.
        same = asyncio.create_task(writer(held))
        await asyncio.sleep(0.5)
        assert not same.done()
    finally:
        await first[1].rollback()
        await first[0].close()
    connection, transaction = await asyncio.wait_for(same, timeout=5)
    await transaction.rollback()
    await connection.close()


async def test_on_postgresql_two_writers_crossing_two_chains_both_finish(backend: Any) -> None:
    """One records for office A then B, the other for B then A, each waiting for the other to
    have recorded its first: chains are locked at sealing, in one order, so neither deadlocks."""
    if backend.name != "postgresql":
        pytest.skip("SQLite serialises every writer by itself")
    both_recorded_once = asyncio.Barrier(2)

    async def writer(first: int, second: int) -> int:
        async with AsyncSession(bind=backend.engine) as session, session.begin():
            actor = Actor.system(_policy(), name="crossing")
            await record(session, actor, "cross.test", office_id=first)
            await both_recorded_once.wait()
            entry = await record(session, actor, "cross.test", office_id=second)
            await seal_pending(session)
            sealed = entry.seq
            await session.rollback()
        return sealed

    seqs = await asyncio.wait_for(asyncio.gather(writer(3, 4), writer(4, 3)), timeout=20)
    assert all(seq >= 1 for seq in seqs)


def _policy() -> Any:
    from inspectnet.authz.store import PolicyStore
    from inspectnet.settings import REPO_ROOT

    return PolicyStore(REPO_ROOT / "policies").compiled


async def test_the_periodic_checkpoint_verifies_first_and_writes_nothing_over_a_broken_chain(
    db: Database, system: tuple[AsyncSession, Actor], checkpoints: Path
) -> None:
    session, _ = system
    chain = await _chain(db, system)
    await session.commit()
    report = await checkpoint(db, checkpoints)
    assert report.ok
    first = latest_checkpoint(checkpoints)
    assert first is not None and first.heads[chain].seq == report.heads[chain].seq
    assert AUDIT_LAST_CHECKPOINT._value.get() == first.written_at.timestamp()
    async with db.transaction() as tampering:
        await _drop_triggers(tampering)
        await tampering.execute(
            text("UPDATE audit_entries SET action = 'x' WHERE chain = :c AND seq = :s"),
            {"c": chain, "s": first.heads[chain].seq},
        )
        report = await checkpoint(db, checkpoints)
        assert [(b.chain, b.seq) for b in report.breaks] == [(chain, first.heads[chain].seq)]
        assert report.breaks[0].reason.startswith("content does not match its hash")
        # The evidence stays pinned: no new checkpoint over the broken chain.
        assert len([n for n in os.listdir(checkpoints) if n.startswith("checkpoint-")]) == 1
        await tampering.rollback()


async def test_the_app_checkpoints_at_its_interval_and_exposes_the_audit_metrics(
    db: Database, settings: Any, tmp_path: Path
) -> None:
    directory = tmp_path / "interval"
    app = create_app(
        settings.model_copy(
            update={"audit_checkpoint_dir": directory, "audit_checkpoint_seconds": 0.2}
        ),
        database=db,
        watch_policy=False,
    )
    async with app.router.lifespan_context(app):
        for _ in range(50):
            await asyncio.sleep(0.1)
            if latest_checkpoint(directory) is not None:
                break
    written = latest_checkpoint(directory)
    assert written is not None and written.heads
    text_format = exposition().decode()
    for name in (
        "inspectnet_audit_last_verified_timestamp_seconds",
        "inspectnet_audit_last_checkpoint_timestamp_seconds",
        "inspectnet_audit_denials_lost_total",
        "inspectnet_audit_outbox_pending",
    ):
        assert name in text_format
