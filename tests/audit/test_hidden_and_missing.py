"""A hidden object and a missing one are indistinguishable: same status, body and headers,
same statements (none of them a write), under concurrency on each database; and no denial of
a hidden read is lost, each recorded in the chain of the office the object belongs to.

Every ``Node`` implementation of the schema is walked, so a new type is covered when it is added.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, domains, migrate
from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import BreakGlassGrant, Role
from inspectnet.accounts.signin import actor_for_token
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.actor import Actor
from inspectnet.authz.resources import office_column
from inspectnet.authz.scopes import readable
from inspectnet.authz.shares import share_object
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.filings import warnings
from inspectnet.graphql.nodes import _NODES
from inspectnet.ids import global_id
from inspectnet.inspections import preparation
from inspectnet.inspections.models import PreparationBody, Stage
from inspectnet.network import service as network
from inspectnet.network.models import LinkKind
from inspectnet.notifications import service as notifications
from inspectnet.notifications.models import NotificationKind
from inspectnet.observability.metrics import AUDIT_DENIALS_LOST
from inspectnet.people import service as people
from inspectnet.people.models import TieKind
from inspectnet.schema import build_schema
from inspectnet.settings import Settings
from inspectnet.targets import service as targets
from tests.audit.hidden_rows import add_new_domain_rows
from tests.conftest import (
    BACKENDS,
    FROZEN_AT,
    Api,
    _in_thread,
    _pg_admin,
    _pg_available,
    make_settings,
)
from tests.factories import (
    make_filed_plan,
    make_filing_line,
    make_office,
    make_person_with_record,
    make_rotation,
    make_training,
    make_user,
    sign_in_name_of,
)
from tests.inspections.factories import (
    make_assignment,
    make_inspection,
    make_workflow_rows,
    move_to,
)
from tests.sqlcount import count_statements
from tests.support import skip_or_fail

NODE = "query($id: ID!) { node(id: $id) { id } }"
# On build_world's rows (factories only, no demo), in the shared database and in a committed
# one of its own: every Node type needs a row hidden from the reader.
CONCURRENT = 20


def node_types() -> list[str]:
    """The names of every type implementing ``Node`` in the schema."""
    schema = build_schema(development=True)._schema
    node = schema.get_type("Node")
    names = sorted(t.name for t in schema.get_implementations(node).objects)  # type: ignore[arg-type]
    assert names, "the schema has no Node types"
    return names


@dataclass(frozen=True)
class Pair:
    """One type's hidden object (with its office) and an id that names nothing."""

    type_name: str
    hidden: int
    office_id: int | None
    missing: int


@dataclass(frozen=True)
class World:
    """The reader (a member of an office of its own) and the rows hidden from it."""

    reader: str


async def build_world(session: AsyncSession, actor: Actor) -> World:
    """A reader's office, and a row of every Node type in offices it cannot see: a filing
    line's province and department (bodies, a plan filed, a warning setting, a proposed
    guidance link), their people and targets with records, an inspection with its team and
    workflow, and every newer domain's rows (hidden_rows)."""
    own = await make_office(session, actor)
    reader = await make_user(session, actor, own, Role.OFFICE_MEMBER)
    line = await make_filing_line(session, actor)
    province, department = line.province, line.dnr
    await make_filed_plan(session, actor, line)
    person = await make_person_with_record(session, actor, department)
    await make_training(session, actor, person)
    await make_rotation(session, actor, person)
    target = line.target
    await people.add_interest_tie(
        session,
        actor,
        person_id=person.id,
        kind=TieKind.KIN,
        organisation="西宁某公司",
        relation="配偶",
        target_id=None,
    )
    await targets.add_leadership_post(
        session,
        actor,
        target_id=target.id,
        person_id=person.id,
        post="党委书记",
        started_on=date(2021, 1, 1),
        ended_on=None,
    )
    await network.propose_link(
        session,
        actor,
        kind=LinkKind.GUIDANCE,
        superior_id=province.id,
        subordinate_id=department.id,
        proposer_id=department.id,
    )
    qh_account = line.dnr_admin.id
    await notifications.notify(
        session,
        actor,
        recipients=[qh_account],
        kind=NotificationKind.NOTICE,
        subject_id=None,
        office_id=department.id,
        title="请按时报送年度计划",
    )
    inspection = await make_inspection(session, actor, target.id)
    # A member from outside the target's locality: a native of it is recused by region.
    outsider = await make_user(session, actor, department)
    await make_assignment(session, actor, inspection, outsider.id, phone="0971-5550001")
    await move_to(session, actor, inspection, Stage.TEAM_FORMED)  # a recorded step
    await make_workflow_rows(session, actor, inspection, outsider.person_id)
    await preparation.add_preparation_item(
        session,
        actor,
        inspection_id=inspection.id,
        body=PreparationBody.ORGANISATION,
        question="领导班子成员有关情况",
        due_on=date(2026, 12, 31),
    )
    await warnings.set_yellow_days(
        session, actor, office_id=province.id, rule_id="filing.periodic_data", days=10
    )
    session.add(
        BreakGlassGrant(
            office_id=target.office_id,
            user_id=qh_account,
            role=Role.OFFICE_MEMBER,
            reason="测试用紧急授权，说明理由须足够具体以便审计核查",
            valid_from=FROZEN_AT,
            valid_until=FROZEN_AT + timedelta(hours=1),
        )
    )
    await accounts.bind_to_target(session, actor, user_id=qh_account, target_id=target.id)
    await share_object(
        session, actor, obj=inspection, office_id=province.id, reason="移交测试：隐藏与不存在"
    )
    await add_new_domain_rows(session, actor)
    return World(reader.username)


async def pairs(
    session: AsyncSession, settings: Settings, policy: PolicyStore, reader_name: str
) -> list[Pair]:
    """For each Node type: an object the reader cannot see, and an id past every row."""
    reader = await actor_for_token(
        session,
        settings,
        policy,
        f"Bearer {issue_token(settings, sign_in_name_of(reader_name), timedelta(hours=1))}",
        "probe",
    )
    found = []
    for name in node_types():
        assert name in _NODES, f"{name} implements Node but node(id) cannot resolve it"
        model, _ = _NODES[name]
        visible = set((await session.execute(readable(reader, model))).scalars())
        visible_ids = {row.id for row in visible}
        hidden = await session.scalar(
            select(model.id).where(model.id.not_in(visible_ids or {0})).order_by(model.id).limit(1)
        )
        assert hidden is not None, f"no {name} is hidden from {reader_name}"
        office = await session.scalar(select(office_column(model)).where(model.id == hidden))
        top = await session.scalar(select(func.max(model.id)))
        found.append(Pair(name, hidden, office, int(top or 0) + 100_000))
    return found


def _comparable(response: httpx.Response) -> tuple[int, bytes, tuple[tuple[str, str], ...]]:
    """The whole answer but the request id: status, body bytes, every other header."""
    headers = sorted((k, v) for k, v in response.headers.items() if k.lower() != "x-request-id")
    return response.status_code, response.content, tuple(headers)


# --- on the shared, rolled-back database: statements per request ------------------------------


async def test_a_hidden_read_and_a_missing_one_issue_the_same_statements_and_write_nothing(
    api: Api, db: Database, system: tuple[AsyncSession, Actor], policy: PolicyStore
) -> None:
    session, actor = system
    world = await build_world(session, actor)
    await session.commit()
    # Teams and bindings are grants: the service's policy catches up before anything is counted.
    await api.reload_policy()
    async with db.session() as reading:
        found = await pairs(reading, api.settings, policy, world.reader)
    engine = api.app.state.graphql.database.sync_engine
    for pair in found:
        seen = []
        for pk in (pair.hidden, pair.missing):
            with count_statements(engine) as statements:
                response = await api.post(
                    NODE, {"id": global_id(pair.type_name, pk)}, user=world.reader
                )
            assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
            seen.append(statements.sql)
        hidden, missing = seen
        assert len(hidden) == len(missing) == 2, (pair.type_name, hidden, missing)
        assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE")) for s in hidden)
    # Nothing was written by the requests: the refusals wait in the outbox.
    assert len(api.app.state.graphql.outbox) > 0


# --- on a committed database per backend: concurrency and the outbox -------------------------


@pytest.fixture(scope="module", params=BACKENDS)
async def committed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Settings, World]]:
    """A migrated database of its own (real commits, real concurrency), dropped afterwards."""
    dropped = None
    directory = tmp_path_factory.mktemp("hidden")
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'hidden.db'}"
    else:
        if not await _pg_available():
            skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        dropped = f"inspectnet_hidden_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{dropped}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{dropped}"
    settings = make_settings(
        url,
        audit_outbox_dir=directory / "outbox",
        audit_checkpoint_dir=directory / "checkpoints",
        audit_checkpoint_seconds=0,
        # A bucket that refills at once: the cost report is the same on every response.
        graphql_cost_restore_rate=1e12,
    )
    _in_thread(migrate.upgrade, settings)
    database = Database(make_engine(settings))
    try:
        with clock.frozen(FROZEN_AT):
            actor = Actor.system(domains.policy_store(settings.policy_dir).compiled, name="test")
            async with database.transaction() as session:
                world = await build_world(session, actor)
        await database.dispose()
        yield settings, world
    finally:
        await database.dispose()
        if dropped:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


async def _pairs_of(settings: Settings, reader: str) -> list[Pair]:
    database = Database(make_engine(settings))
    try:
        policy = domains.policy_store(settings.policy_dir)
        async with database.session() as session:
            await policy.reload(session)
            return await pairs(session, settings, policy, reader)
    finally:
        await database.dispose()


async def _denials(settings: Settings, request_ids: set[str]) -> list[AuditEntry]:
    database = Database(make_engine(settings))
    try:
        async with database.session() as session:
            rows = await session.execute(
                select(AuditEntry).where(AuditEntry.request_id.in_(request_ids))
            )
            return list(rows.scalars())
    finally:
        await database.dispose()


async def test_hidden_and_missing_answer_alike_under_concurrency_and_no_denial_is_lost(
    committed: tuple[Settings, World],
) -> None:
    settings, world = committed
    found = await _pairs_of(settings, world.reader)
    lost_before = sum(
        AUDIT_DENIALS_LOST.labels(r)._value.get() for r in ("overflow", "write_failed", "crash")
    )
    token = issue_token(settings, sign_in_name_of(world.reader), timedelta(hours=1))
    app = create_app(settings, watch_policy=False)
    hidden_requests: dict[str, Pair] = {}
    answers: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):

        async def ask(pair: Pair, kind: str, n: int) -> None:
            request_id = f"{pair.type_name}.{kind}.{n}"
            pk = pair.hidden if kind == "hidden" else pair.missing
            response = await client.post(
                "/graphql",
                json={"query": NODE, "variables": {"id": global_id(pair.type_name, pk)}},
                headers={"authorization": f"Bearer {token}", "x-request-id": request_id},
            )
            assert response.headers["x-request-id"] == request_id
            answers.setdefault(pair.type_name, {}).setdefault(kind, []).append(
                _comparable(response)
            )
            if kind == "hidden":
                hidden_requests[request_id] = pair

        for pair in found:
            await asyncio.gather(
                *(ask(pair, ("hidden", "missing")[n % 2], n) for n in range(CONCURRENT))
            )
    # Leaving the lifespan stopped the outbox's writer after it wrote what was left.
    for pair in found:
        hidden, missing = answers[pair.type_name]["hidden"], answers[pair.type_name]["missing"]
        assert len(hidden) == len(missing) == CONCURRENT // 2
        assert {*hidden, *missing} == {missing[0]}, pair.type_name
        status, body, _ = missing[0]
        assert status == 200 and b'"NOT_FOUND"' in body
    rows = await _denials(
        settings,
        set(hidden_requests)
        | {f"{p.type_name}.missing.{n}" for p in found for n in range(1, CONCURRENT, 2)},
    )
    assert sorted(r.request_id for r in rows) == sorted(hidden_requests)
    for row in rows:
        pair = hidden_requests[row.request_id or ""]
        assert (row.outcome, row.object_id, row.office_id, row.actor_name) == (
            Outcome.DENIED,
            global_id(pair.type_name, pair.hidden),
            pair.office_id,
            world.reader,
        )
    lost_after = sum(
        AUDIT_DENIALS_LOST.labels(r)._value.get() for r in ("overflow", "write_failed", "crash")
    )
    assert lost_after == lost_before
    # The writer settled everything it accepted, so its spool is gone.
    assert os.listdir(settings.audit_outbox_dir or "") == []
