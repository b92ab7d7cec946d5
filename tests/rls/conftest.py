"""A throwaway PostgreSQL database with the two roles a deployment has (docs/deploy.md):

- the owner, who migrates, loads and arranges (the platform itself: it is not held by the
  second wall);
- the application's role, ``NOSUPERUSER NOBYPASSRLS``, granted what the chart grants it.

The general suite keeps connecting as the superuser ``postgres``, which bypasses row-level
security; these tests are the ones that meet the wall. Without PostgreSQL they skip, and fail
under ``.ci/run`` (``skip_or_fail``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from inspectnet import clock, domains, migrate
from inspectnet.accounts.models import Role
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.authz.recusals import record_recusal
from inspectnet.casework import proposals
from inspectnet.db import Database, make_engine
from inspectnet.demo import load_demo
from inspectnet.inspections.models import Stage, TeamRole
from inspectnet.intake import service as intake
from inspectnet.network.models import Office, OfficeKind
from inspectnet.settings import Settings
from tests.accounts.factories import make_user
from tests.casework.factories import make_activity, make_clue, make_finding, make_interview
from tests.casework.factories import make_team as make_casework_team
from tests.conftest import FROZEN_AT, _in_thread, _pg_admin, _pg_available, make_settings
from tests.factories import sign_in_name_of
from tests.inspections.factories import make_assignment, move_to
from tests.intake.factories import make_petition
from tests.network.factories import make_office
from tests.reports.factories import make_report
from tests.support import skip_or_fail
from tests.walls import grant_app, new_roles


@dataclass
class Sibling:
    """One of the two sibling offices, with its readers by role."""

    office: Office
    admin: str
    leader: str
    member: str
    handler: str
    recused: str
    inspection_id: int


@dataclass
class Walled:
    """The database, its two roles' settings, and the world arranged in it."""

    name: str
    owner_url: str
    app_url: str
    settings: Settings  # the app's: database_url is the app role, the admin URL the owner
    top: str = ""
    offices: list[Sibling] = field(default_factory=list)

    @property
    def owner_settings(self) -> Settings:
        return self.settings.as_owner()

    def readers(self) -> list[str]:
        """Every reader of the world: the top office's admin, each sibling's by role."""
        found = [self.top]
        for o in self.offices:
            found += [o.admin, o.leader, o.member, o.handler, o.recused]
        return found


async def _arrange(session: Any, actor: Actor, walled: Walled) -> None:
    """A top office over two sibling offices, each with an inspection on site holding
    casework, petitions and a report, and a team with a member recused from the target."""
    top = await make_office(session, actor, kind=OfficeKind.REGIONAL_OFFICE, ruleset_id="nmg-2016")
    walled.top = (await make_user(session, actor, top, Role.OFFICE_ADMIN)).username
    for _ in range(2):
        office = await make_office(session, actor, superior=top, ruleset_id="nmg-2016")
        team = await make_casework_team(session, actor, office=office)
        inspection = await move_to(session, actor, team.inspection, Stage.ON_SITE)
        admin = await make_user(session, actor, office, Role.OFFICE_ADMIN)
        handler = await make_user(session, actor, office, Role.OFFICE_MEMBER)
        await make_assignment(session, actor, inspection, handler.id, TeamRole.INTAKE_HANDLER)
        recused = await make_user(session, actor, office, Role.OFFICE_MEMBER)
        await make_assignment(session, actor, inspection, recused.id, TeamRole.MEMBER)
        await record_recusal(
            session, actor, person_id=recused.person_id, target_id=team.target.id, reason="曾任职"
        )
        interview = await make_interview(session, actor, team)
        await make_activity(session, actor, inspection)
        clue = await make_clue(session, actor, inspection, sources=[interview])
        finding = await make_finding(session, actor, inspection, ready=True, evidence=[clue])
        await proposals.propose_fix(
            session,
            actor,
            inspection_id=inspection.id,
            problem="公务接待超标",
            proposal="立即清理规范",
            finding_id=finding.id,
        )
        await make_report(session, actor, inspection, findings=[finding], clues=[clue])
        petition = await make_petition(
            session, actor, inspection, petitioner_name="李某", petitioner_contact="13900000000"
        )
        await intake.reply_to_petition(session, actor, petition_id=petition.id, body="已受理")
        await make_petition(session, actor, inspection)
        walled.offices.append(
            Sibling(
                office=office,
                admin=admin.username,
                leader=team.leader.username,
                member=team.member.username,
                handler=handler.username,
                recused=recused.username,
                inspection_id=inspection.id,
            )
        )


@pytest.fixture(scope="session")
async def walled() -> AsyncIterator[Walled]:
    """The migrated database with the demo network and the sibling offices' world."""
    if not await _pg_available():
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432")
    roles = new_roles("inspectnet_rls")
    for sql in roles.create_sql():
        await _pg_admin(sql)
    walled = Walled(
        roles.database,
        roles.owner_url,
        roles.app_url,
        make_settings(roles.app_url, database_admin_url=roles.owner_url),
    )
    try:
        _in_thread(migrate.upgrade, walled.settings)  # as the owner, through the admin URL
        await grant_app(walled.settings, roles)
        database = Database(make_engine(walled.owner_settings))
        try:
            with clock.frozen(FROZEN_AT):
                store = domains.policy_store(walled.settings.policy_dir)
                async with database.transaction() as session:
                    await load_demo(session, Actor.system(store.compiled, name="demo"))
                async with database.transaction() as session:
                    await store.reload(session)
                    await _arrange(session, Actor.system(store.compiled, name="test"), walled)
        finally:
            await database.dispose()
        yield walled
    finally:
        for sql in roles.drop_sql():
            await _pg_admin(sql)


class Client:
    """The real app over ASGI, connected as one role."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings, app: Any) -> None:
        self.client, self.settings, self.app = client, settings, app

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *, user: str) -> Any:
        token = issue_token(self.settings, sign_in_name_of(user), timedelta(hours=1))
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


async def client_for(settings: Settings) -> AsyncIterator[Client]:
    database = Database(make_engine(settings))
    app = create_app(settings, database=database, watch_policy=False)
    service = app.state.graphql
    try:
        async with database.session() as session:
            await service.policy.reload(session)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Client(client, settings, app)
    finally:
        await database.dispose()


@pytest.fixture
async def walled_api(walled: Walled, frozen_clock: Any) -> AsyncIterator[Client]:
    """The app connected as the application's role: the wall stands."""
    async for client in client_for(walled.settings):
        yield client


@pytest.fixture
async def open_api(walled: Walled, frozen_clock: Any) -> AsyncIterator[Client]:
    """The same app connected as the owner: no wall, ``readable`` alone."""
    async for client in client_for(walled.owner_settings):
        yield client
