"""Updating, archiving and removing: every bad field at once, refusals change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id
from inspectnet.targets.models import LeadershipPost, Target
from tests.conftest import Api
from tests.targets.test_targets import _two_offices

CREATE = """mutation($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id } userErrors { code } } }"""
PERSON = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id } userErrors { code } } }"""
ROSTER = """mutation($input: AddLeadershipPostInput!) { addLeadershipPost(input: $input) {
  post { id } userErrors { code } } }"""
UPDATE = """mutation($input: UpdateTargetInput!) { updateTarget(input: $input) {
  target { id name regionCode updatedAt } userErrors { field code message } } }"""
ARCHIVE = """mutation($input: ArchiveTargetInput!) { archiveTarget(input: $input) {
  target { id archivedAt } userErrors { field code } } }"""
UPDATE_POST = """mutation($input: UpdateLeadershipPostInput!) {
  updateLeadershipPost(input: $input) {
    post { id post startedOn endedOn person { name } } target { name }
    userErrors { field code } } }"""
REMOVE_POST = """mutation($input: RemoveLeadershipPostInput!) {
  removeLeadershipPost(input: $input) { removed target { name } userErrors { field code } } }"""
LIST = """query($id: ID!, $filter: TargetFilter) { office(id: $id) {
  targets(first: 100, filter: $filter) { totalCount nodes { id archivedAt } } } }"""


async def _ok(api: Api, query: str, variables: dict[str, Any], key: str, user: str) -> Any:
    result = await api.gql(query, variables, user=user)
    assert "errors" not in result, result
    return result["data"][key]


async def _world(api: Api, system: Any) -> dict[str, str]:
    """A target of an office of the test's own with one roster post, made over the API by the
    office's admin; and the admin of another office (``stranger``)."""
    mine, _, admin, stranger = await _two_offices(system)
    await system[0].commit()
    await api.reload_policy()
    office = global_id("Office", mine.id)
    target = await _ok(
        api,
        CREATE,
        {"input": {"officeId": office, "name": "包钢集团党委", "regionCode": "150200"}},
        "createTarget",
        admin,
    )
    person = await _ok(
        api,
        PERSON,
        {
            "input": {
                "officeId": office,
                "name": "王五",
                "unit": "包钢集团",
                "rank": "正厅级",
                "homeRegionCode": "150200",
            }
        },
        "createPerson",
        admin,
    )
    post = await _ok(
        api,
        ROSTER,
        {
            "input": {
                "targetId": target["target"]["id"],
                "personId": person["person"]["id"],
                "post": "党委书记",
                "startedOn": "2024-01-01",
            }
        },
        "addLeadershipPost",
        admin,
    )
    return {
        "admin": admin,
        "stranger": stranger,
        "office": office,
        "target": target["target"]["id"],
        "post": post["post"]["id"],
        "person": person["person"]["id"],
    }


async def _row(api: Api, model: type, gid: str) -> Any:
    from inspectnet.ids import parse_global_id

    async with api.app.state.graphql.database.session() as session:
        return await session.get(model, parse_global_id(gid)[1])


async def test_an_update_changes_only_the_fields_named_and_is_audited(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    payload = await _ok(
        api,
        UPDATE,
        {"input": {"targetId": world["target"], "name": " 包钢集团公司党委 "}},
        "updateTarget",
        world["admin"],
    )
    assert payload["userErrors"] == []
    assert (payload["target"]["name"], payload["target"]["regionCode"]) == (
        "包钢集团公司党委",
        "150200",
    )
    async with api.app.state.graphql.database.session() as session:
        entry = (
            await session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "target.update")
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
        ).scalar_one()
    assert entry.detail == {"changed": {"name": ["包钢集团党委", "包钢集团公司党委"]}}


async def test_every_bad_field_is_reported_at_once_and_nothing_changes(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    payload = await _ok(
        api,
        UPDATE,
        {"input": {"targetId": world["target"], "name": "", "regionCode": "15"}},
        "updateTarget",
        world["admin"],
    )
    assert payload["target"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "name"], "REQUIRED"),
        (["input", "regionCode"], "INVALID_REGION_CODE"),
    ]
    row = await _row(api, Target, world["target"])
    assert (row.name, row.region_code) == ("包钢集团党委", "150200")


async def test_another_office_cannot_change_or_archive_and_sees_not_found(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    for query, key, variables in (
        (UPDATE, "updateTarget", {"targetId": world["target"], "name": "别人改的"}),
        (ARCHIVE, "archiveTarget", {"targetId": world["target"]}),
    ):
        payload = await _ok(api, query, {"input": variables}, key, world["stranger"])
        assert payload["target"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    row = await _row(api, Target, world["target"])
    assert (row.name, row.archived_at) == ("包钢集团党委", None)


async def test_an_archived_target_leaves_lists_but_stays_readable(api: Api, system: Any) -> None:
    world = await _world(api, system)
    before = await _ok(api, LIST, {"id": world["office"]}, "office", world["admin"])
    archived = await _ok(
        api, ARCHIVE, {"input": {"targetId": world["target"]}}, "archiveTarget", world["admin"]
    )
    assert archived["userErrors"] == [] and archived["target"]["archivedAt"]
    after = await _ok(api, LIST, {"id": world["office"]}, "office", world["admin"])
    assert after["targets"]["totalCount"] == before["targets"]["totalCount"] - 1
    only = await _ok(
        api, LIST, {"id": world["office"], "filter": {"archived": True}}, "office", world["admin"]
    )
    assert [n["id"] for n in only["targets"]["nodes"]] == [world["target"]]
    both = await _ok(
        api, LIST, {"id": world["office"], "filter": {"archived": None}}, "office", world["admin"]
    )
    assert both["targets"]["totalCount"] == before["targets"]["totalCount"]


async def test_a_post_is_ended_and_a_bad_period_is_refused(api: Api, system: Any) -> None:
    world = await _world(api, system)
    ended = await _ok(
        api,
        UPDATE_POST,
        {"input": {"leadershipPostId": world["post"], "endedOn": "2026-06-30"}},
        "updateLeadershipPost",
        world["admin"],
    )
    assert ended["userErrors"] == []
    assert (ended["post"]["startedOn"], ended["post"]["endedOn"]) == ("2024-01-01", "2026-06-30")
    assert ended["target"] == {"name": "包钢集团党委"}
    bad = await _ok(
        api,
        UPDATE_POST,
        {"input": {"leadershipPostId": world["post"], "post": "", "startedOn": "2027-01-01"}},
        "updateLeadershipPost",
        world["admin"],
    )
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        (["input", "post"], "REQUIRED"),
        (["input", "endedOn"], "INVALID_PERIOD"),
    ]
    row = await _row(api, LeadershipPost, world["post"])
    assert (row.post, str(row.started_on)) == ("党委书记", "2024-01-01")


async def test_a_removed_roster_entry_is_gone_and_kept_in_the_audit_log(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    denied = await _ok(
        api,
        REMOVE_POST,
        {"input": {"leadershipPostId": world["post"]}},
        "removeLeadershipPost",
        world["stranger"],
    )
    assert [e["code"] for e in denied["userErrors"]] == ["NOT_FOUND"]
    assert await _row(api, LeadershipPost, world["post"]) is not None
    removed = await _ok(
        api,
        REMOVE_POST,
        {"input": {"leadershipPostId": world["post"]}},
        "removeLeadershipPost",
        world["admin"],
    )
    assert removed == {
        "removed": world["post"],
        "target": {"name": "包钢集团党委"},
        "userErrors": [],
    }
    assert await _row(api, LeadershipPost, world["post"]) is None
    async with api.app.state.graphql.database.session() as session:
        entry = (
            await session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "target.roster.remove")
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
        ).scalar_one()
    assert entry.detail["removed"]["post"] == "党委书记"
    assert entry.detail["removed"]["started_on"] == "2024-01-01"
