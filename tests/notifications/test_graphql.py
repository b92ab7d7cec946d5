"""viewer.notifications, node(id), markNotificationsRead and sendNotice over the real endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inspectnet import clock
from inspectnet.authz.actor import Actor
from inspectnet.authz.store import PolicyStore
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.notifications import service
from inspectnet.notifications.models import Notification, NotificationKind
from tests.conftest import Api
from tests.notifications.conftest import Office3
from tests.sqlcount import count_statements

LIST = """query($first: Int, $after: String, $unreadOnly: Boolean! = false) {
  viewer { notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount unreadCount pageInfo { hasNextPage endCursor }
    nodes { id kind title officeId subjectId readAt } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Notification { title } } }"
MARK = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  notificationIds markedCount unreadCount userErrors { field code message } } }"""
NOTICE = """mutation($input: SendNoticeInput!) { sendNotice(input: $input) {
  sentCount userErrors { field code message } } }"""


async def _raise(
    db: Database, policy: PolicyStore, office3: Office3, user_id: int, titles: list[str]
) -> list[int]:
    """Notifications for ``user_id``, one per title in order (oldest first), committed."""
    ids = []
    async with db.transaction() as session:
        for title in titles:
            [row] = await service.notify(
                session,
                Actor.system(policy.compiled),
                recipients=[user_id],
                kind=NotificationKind.NOTICE,
                subject_id=global_id("Office", office3.office.id),
                office_id=office3.office.id,
                title=title,
            )
            ids.append(row.id)
    return ids


def _gid(pk: int) -> str:
    return global_id("Notification", pk)


async def _read_at(db: Database, ids: list[int]) -> dict[int, Any]:
    async with db.session() as session:
        # system scope: the test looks at rows of two users to prove what changed.
        rows = await session.execute(
            select(Notification.id, Notification.read_at).where(Notification.id.in_(ids))
        )
        return {pk: at for pk, at in rows.all()}


async def test_viewer_notifications_are_newest_first_with_totals_and_keyset_pages(
    api: Api, office3: Office3, db: Database, policy: PolicyStore
) -> None:
    ids = await _raise(db, policy, office3, office3.member.id, ["一", "二", "三"])
    await _raise(db, policy, office3, office3.other.id, ["别人的"])
    first = await api.gql(LIST, {"first": 2}, user=office3.member.username)
    page = first["data"]["viewer"]["notifications"]
    assert [n["title"] for n in page["nodes"]] == ["三", "二"]
    assert [n["id"] for n in page["nodes"]] == [_gid(ids[2]), _gid(ids[1])]
    assert (page["totalCount"], page["unreadCount"], page["pageInfo"]["hasNextPage"]) == (
        3,
        3,
        True,
    )
    assert page["nodes"][0] == {
        "id": _gid(ids[2]),
        "kind": "NOTICE",
        "title": "三",
        "officeId": global_id("Office", office3.office.id),
        "subjectId": global_id("Office", office3.office.id),
        "readAt": None,
    }
    rest = await api.gql(
        LIST, {"first": 2, "after": page["pageInfo"]["endCursor"]}, user=office3.member.username
    )
    tail = rest["data"]["viewer"]["notifications"]
    assert [n["title"] for n in tail["nodes"]] == ["一"]
    assert tail["pageInfo"]["hasNextPage"] is False


async def test_node_of_another_users_notification_is_not_found(
    api: Api, office3: Office3, db: Database, policy: PolicyStore
) -> None:
    [theirs] = await _raise(db, policy, office3, office3.other.id, ["别人的"])
    own = await api.gql(NODE, {"id": _gid(theirs)}, user=office3.other.username)
    assert own["data"]["node"] == {"id": _gid(theirs), "title": "别人的"}
    for user in (office3.member.username, office3.admin.username):
        foreign = await api.gql(NODE, {"id": _gid(theirs)}, user=user)
        assert foreign["data"]["node"] is None
        assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_mark_read_by_ids_marks_them_and_lowers_the_unread_count(
    api: Api, office3: Office3, db: Database, policy: PolicyStore
) -> None:
    ids = await _raise(db, policy, office3, office3.member.id, ["一", "二", "三"])
    marked = await api.gql(
        MARK, {"input": {"ids": [_gid(ids[0]), _gid(ids[2])]}}, user=office3.member.username
    )
    assert marked["data"]["markNotificationsRead"] == {
        "notificationIds": [_gid(ids[0]), _gid(ids[2])],
        "markedCount": 2,
        "unreadCount": 1,
        "userErrors": [],
    }
    assert await _read_at(db, ids) == {ids[0]: clock.now(), ids[1]: None, ids[2]: clock.now()}
    unread = await api.gql(LIST, {"unreadOnly": True}, user=office3.member.username)
    listed = unread["data"]["viewer"]["notifications"]
    assert [n["title"] for n in listed["nodes"]] == ["二"]
    assert (listed["totalCount"], listed["unreadCount"]) == (1, 1)
    again = await api.gql(MARK, {"input": {"ids": [_gid(ids[0])]}}, user=office3.member.username)
    assert again["data"]["markNotificationsRead"]["markedCount"] == 0


async def test_mark_read_with_a_foreign_id_is_refused_and_changes_nothing(
    api: Api, office3: Office3, db: Database, policy: PolicyStore
) -> None:
    [mine] = await _raise(db, policy, office3, office3.member.id, ["我的"])
    [theirs] = await _raise(db, policy, office3, office3.other.id, ["别人的"])
    refused = await api.gql(
        MARK, {"input": {"ids": [_gid(mine), _gid(theirs)]}}, user=office3.member.username
    )
    assert refused["data"]["markNotificationsRead"] == {
        "notificationIds": [],
        "markedCount": 0,
        "unreadCount": None,
        "userErrors": [
            {"field": ["input", "ids"], "code": "NOT_FOUND", "message": "对象不存在或无权查看"}
        ],
    }
    assert await _read_at(db, [mine, theirs]) == {mine: None, theirs: None}


async def test_mark_all_read_marks_only_the_viewers_own(
    api: Api, office3: Office3, db: Database, policy: PolicyStore
) -> None:
    mine = await _raise(db, policy, office3, office3.member.id, ["一", "二"])
    theirs = await _raise(db, policy, office3, office3.other.id, ["别人的"])
    marked = await api.gql(MARK, {"input": {"all": True}}, user=office3.member.username)
    assert marked["data"]["markNotificationsRead"] == {
        "notificationIds": [],
        "markedCount": 2,
        "unreadCount": 0,
        "userErrors": [],
    }
    assert await _read_at(db, mine + theirs) == {
        mine[0]: clock.now(),
        mine[1]: clock.now(),
        theirs[0]: None,
    }


async def test_mark_read_needs_ids_or_all_but_not_both(api: Api, office3: Office3) -> None:
    for given in ({}, {"all": True, "ids": [_gid(1)]}, {"ids": []}):
        refused = await api.gql(MARK, {"input": given}, user=office3.member.username)
        errors = refused["data"]["markNotificationsRead"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "ids"], "IDS_OR_ALL")], (
            given
        )


async def test_an_admin_sends_a_notice_to_accounts_of_its_office(
    api: Api, office3: Office3
) -> None:
    sent = await api.gql(
        NOTICE,
        {
            "input": {
                "officeId": global_id("Office", office3.office.id),
                "recipientIds": [
                    global_id("UserAccount", office3.member.id),
                    global_id("UserAccount", office3.other.id),
                ],
                "title": "明日上午九时召开工作会议",
            }
        },
        user=office3.admin.username,
    )
    assert sent["data"]["sendNotice"] == {"sentCount": 2, "userErrors": []}
    listed = await api.gql(LIST, user=office3.other.username)
    assert [n["title"] for n in listed["data"]["viewer"]["notifications"]["nodes"]] == [
        "明日上午九时召开工作会议"
    ]


async def test_a_notice_to_an_account_the_admin_cannot_see_is_refused_and_sends_nothing(
    api: Api, office3: Office3, db: Database, policy: PolicyStore
) -> None:
    from tests.notifications.conftest import make_office3

    async with db.transaction() as session:
        elsewhere = await make_office3(session, Actor.system(policy.compiled))
    await api.reload_policy()
    refused = await api.gql(
        NOTICE,
        {
            "input": {
                "officeId": global_id("Office", office3.office.id),
                "recipientIds": [
                    global_id("UserAccount", office3.member.id),
                    global_id("UserAccount", elsewhere.member.id),
                ],
                "title": "通知",
            }
        },
        user=office3.admin.username,
    )
    assert refused["data"]["sendNotice"] == {
        "sentCount": 0,
        "userErrors": [
            {"field": ["input", "recipientIds"], "code": "NOT_FOUND", "message": "收件人账号不存在"}
        ],
    }
    for user in (office3.member.username, elsewhere.member.username):
        listed = await api.gql(LIST, user=user)
        assert listed["data"]["viewer"]["notifications"]["totalCount"] == 0


async def test_a_member_may_not_send_a_notice(api: Api, office3: Office3) -> None:
    refused = await api.gql(
        NOTICE,
        {
            "input": {
                "officeId": global_id("Office", office3.office.id),
                "recipientIds": [global_id("UserAccount", office3.other.id)],
                "title": "通知",
            }
        },
        user=office3.member.username,
    )
    assert refused["data"]["sendNotice"]["userErrors"][0]["code"] == "FORBIDDEN"
    listed = await api.gql(LIST, user=office3.other.username)
    assert listed["data"]["viewer"]["notifications"]["totalCount"] == 0


@pytest.mark.parametrize("size", [3, 60])
async def test_the_list_with_both_counts_takes_a_constant_number_of_statements(
    api: Api, office3: Office3, db: Database, policy: PolicyStore, size: int
) -> None:
    await _raise(db, policy, office3, office3.member.id, [f"通知{n}" for n in range(size)])
    await _raise(db, policy, office3, office3.other.id, ["别人的"] * 5)
    await api.reload_policy()  # the office's grants are newer than the app's policy
    engine = api.app.state.graphql.database.sync_engine
    with count_statements(engine) as statements:
        listed = await api.gql(LIST, {"first": 50}, user=office3.member.username)
    page = listed["data"]["viewer"]["notifications"]
    assert (len(page["nodes"]), page["totalCount"], page["unreadCount"]) == (
        min(size, 50),
        size,
        size,
    )
    # sign-in 1 · the page 1 · totalCount 1 · unreadCount 1
    assert statements.count == 4
