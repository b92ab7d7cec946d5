"""What ``viewerCan`` adds to a page: 100 persons with and without their hints (and the
hints of their employment records, asked of the person through a parent), on the SQLite
default, in-process over ASGI. Prints p50/p95 latency and SQL statements per request."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.bench_graphql import _run
from inspectnet import domains, keyring, migrate
from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.db import Database, make_engine
from inspectnet.settings import Settings

PLAIN = """query($id: ID!) { office(id: $id) { people(first: 100) { nodes { id name
  employment(first: 5) { nodes { id post } } } } } }"""
HINTED = """query($id: ID!) { office(id: $id) { people(first: 100) { nodes { id name
  viewerCan { update archive }
  employment(first: 5) { nodes { id post viewerCan { update remove } } } } } } }"""
PEOPLE = 100


async def _prepare(path: Path) -> tuple[Settings, int, str]:
    from tests.factories import make_office, make_person_with_record, make_user

    from inspectnet.accounts.names import sign_in_name

    keys_dir = path.parent / "keys-can"
    if not keys_dir.exists():
        keyring.init(keys_dir)  # production refuses the development keyring
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        jwt_secret="bench-secret-bench-secret-bench-secret!",
        keys_dir=keys_dir,
        log_level="WARNING",
        graphql_cost_budget=10**9,
        graphql_cost_restore_rate=10**9,
    )
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=False))
    await asyncio.to_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    async with database.transaction() as session:
        actor = Actor.system(domains.policy_store(settings.policy_dir).compiled, name="bench")
        office = await make_office(session, actor)
        for _ in range(PEOPLE):
            await make_person_with_record(session, actor, office)
        admin = await make_user(session, actor, office, Role.OFFICE_ADMIN, username="benchcan")
        root, username = office.id, sign_in_name(office.code, admin.username)
    await database.dispose()
    return settings, root, username


def main() -> None:
    async def go() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            settings, root, username = await _prepare(Path(tmp) / "can.db")
            await _run(settings, root, username, PLAIN, "100 persons + records, no hints")
            await _run(settings, root, username, HINTED, "100 persons + records, viewerCan")

    asyncio.run(go())


if __name__ == "__main__":
    main()
