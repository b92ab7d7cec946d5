"""A filing's notification reaches its recipient live, over the subscription, against a real
server (SQLite file of its own): the superior's admin hears of a plan filed for record the moment
the filing commits, and the filer hears of the acknowledgement."""

from __future__ import annotations

import concurrent.futures
from datetime import timedelta
from typing import Any

import httpx
import pytest

from inspectnet import migrate
from inspectnet.accounts.tokens import issue_token
from inspectnet.app import create_app
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id
from tests.conftest import make_settings
from tests.factories import make_office, make_user, sign_in_name_of
from tests.notifications.live import LiveClient, serving

PLAN = """mutation($input: CreatePlanInput!) { createPlan(input: $input) {
  plan { id } userErrors { code } } }"""
FILE = """mutation($input: FilePlanInput!) { filePlan(input: $input) {
  filing { id } userErrors { code } } }"""
DECIDE = """mutation($input: DecideFilingInput!) { decideFiling(input: $input) {
  decision { decision } userErrors { code } } }"""


@pytest.fixture
def live_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('live-filings') / 'live.db'}"
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(migrate.upgrade, make_settings(url)).result()
    return url


async def test_the_superior_hears_of_a_filing_live_and_the_filer_of_its_acknowledgement(
    live_url: str,
) -> None:
    settings = make_settings(live_url)
    database = Database(make_engine(settings))
    async with database.transaction() as session:
        root = Actor.system(PolicyStore(settings.policy_dir).compiled)
        province = await make_office(session, root, ruleset_id="qh-zrzyt")
        department = await make_office(session, root, superior=province, ruleset_id="qh-zrzyt")
        superior = (await make_user(session, root, province)).username
        filer = (await make_user(session, root, department)).username
        department_id = global_id("Office", department.id)
    await database.dispose()

    def token(user: str) -> str:
        return issue_token(settings, sign_in_name_of(user), timedelta(minutes=10))

    async with (
        serving(create_app(settings)) as ws,
        httpx.AsyncClient(base_url=ws.replace("ws://", "http://")) as http,
    ):

        async def gql(query: str, variables: dict[str, Any], user: str) -> dict[str, Any]:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"authorization": f"Bearer {token(user)}"},
            )
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]

        async with LiveClient.connected(ws) as theirs, LiveClient.connected(ws) as mine:
            assert await theirs.init(token(superior)) == {"type": "connection_ack"}
            assert await mine.init(token(filer)) == {"type": "connection_ack"}
            await theirs.subscribe_and_wait("s")
            await mine.subscribe_and_wait("f")

            plan = await gql(
                PLAN,
                {
                    "input": {
                        "officeId": department_id,
                        "kind": "ANNUAL",
                        "title": "年度巡察计划",
                        "startsOn": "2027-01-01",
                        "endsOn": "2027-12-31",
                    }
                },
                filer,
            )
            plan_id = plan["data"]["createPlan"]["plan"]["id"]
            filed = await gql(
                FILE, {"input": {"planId": plan_id, "ruleId": "filing.annual_plan"}}, filer
            )
            filing_id = filed["data"]["filePlan"]["filing"]["id"]

            heard = (await theirs.receive())["payload"]["data"]["notificationAdded"]
            assert (heard["kind"], heard["title"], heard["subjectId"]) == (
                "FILING_SUBMITTED",
                "收到报送：年度巡察计划",
                filing_id,
            )
            assert await mine.nothing_within(0.3)

            decided = await gql(
                DECIDE, {"input": {"filingId": filing_id, "decision": "ACKNOWLEDGE"}}, superior
            )
            assert decided["data"]["decideFiling"]["userErrors"] == []
            back = (await mine.receive())["payload"]["data"]["notificationAdded"]
            assert (back["kind"], back["title"], back["subjectId"]) == (
                "FILING_DECIDED",
                "报送已备案：年度巡察计划",
                filing_id,
            )
