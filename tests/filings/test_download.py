"""A single-use, account-bound download link of the inbox, from GraphQL."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from inspectnet.audit.models import AuditEntry
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.schema import download_routes
from tests.conftest import Api
from tests.factories import StaffedRegion, make_staffed_region

LINK = """mutation($input: CreateInboxDownloadInput!) { createInboxDownload(input: $input) {
  url expiresAt userErrors { field code message } } }"""


async def _region(api: Api, system: Any) -> tuple[StaffedRegion, str]:
    """A staffed region of the test's own, committed, and its top office's ID."""
    session, actor = system
    net = await make_staffed_region(session, actor)
    await session.commit()
    await api.reload_policy()
    return net, global_id("Office", net.top.id)


async def test_the_link_works_once_and_only_for_its_account(
    api: Api, db: Database, system: Any
) -> None:
    net, region = await _region(api, system)
    admin, auditor = net.top_admin, net.top_auditor
    issued = await api.gql(LINK, {"input": {"officeId": region}}, user=admin)
    payload = issued["data"]["createInboxDownload"]
    assert payload["userErrors"] == []
    url = payload["url"]
    assert url.startswith("/downloads/")

    def bearer(user: str) -> dict[str, str]:
        return {"authorization": f"Bearer {api.token(user)}"}

    other = await api.client.get(url, headers=bearer(auditor))
    assert (other.status_code, other.json()["code"]) == (410, "LINK_INVALID")
    anonymous = await api.client.get(url)
    assert anonymous.status_code == 401

    first = await api.client.get(url, headers=bearer(admin))
    assert first.status_code == 200
    sheet = load_workbook(BytesIO(first.content)).active
    assert [c.value for c in sheet[1]][:3] == ["报送机构", "报备报批事项", "标题"]

    again = await api.client.get(url, headers=bearer(admin))
    assert (again.status_code, again.json()["code"]) == (410, "LINK_INVALID")
    forged = await api.client.get(url[:-2] + "AA", headers=bearer(admin))
    assert forged.status_code == 410

    # served through the unit of work: the export is audited, and so is every refusal
    await api.flush_audit()
    async with db.session() as session:
        # system scope: the test reads the log
        rows = await session.execute(
            select(AuditEntry.actor_name, AuditEntry.action, AuditEntry.outcome)
            .where(AuditEntry.action.in_(["filing.inbox.export", "filing.inbox.download"]))
            .order_by(AuditEntry.id)
        )
        seen = [(a, b, str(c.value)) for a, b, c in rows.all()]
    assert seen == [
        (admin, "filing.inbox.export", "SUCCESS"),
        (auditor, "filing.inbox.download", "FAILED"),  # not its link
        (admin, "filing.inbox.download", "FAILED"),  # used already
        (admin, "filing.inbox.download", "FAILED"),  # forged
    ]


def test_the_download_route_is_declared_by_the_filings_domain() -> None:
    # The gateway imports no domain (import-linter): the route comes from the part filings
    # registers, and the app serves exactly the routes the parts declare.
    declared = [(r.prefix, r.action, r.refused_status) for r in download_routes()]
    assert ("/downloads/", "filing.inbox.download", 410) in declared
    assert len({prefix for prefix, _, _ in declared}) == len(declared)  # one route a prefix


async def test_a_league_cannot_ask_for_the_region_inbox(api: Api, system: Any) -> None:
    net, region = await _region(api, system)
    refused = await api.gql(LINK, {"input": {"officeId": region}}, user=net.staff.admin)
    payload = refused["data"]["createInboxDownload"]
    assert payload["url"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
