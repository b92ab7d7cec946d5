"""Shares end to end over GraphQL: transfer an object to an office and end it (audited, the
receiving office's admins told), and unbind a target-side account; every refusal changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import TargetBinding
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.models import Share
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.notifications.models import Notification, NotificationKind
from tests.conftest import Api
from tests.factories import make_office, make_target, make_user
from tests.inspections.factories import make_inspection

SHARE = """mutation($input: ShareObjectInput!) { shareObject(input: $input) {
  share { id reason object { id } office { code } } userErrors { code field } } }"""
END = """mutation($input: EndShareInput!) { endShare(input: $input) {
  endedShareId userErrors { code field } } }"""
UNBIND = """mutation($input: UnbindTargetAccountInput!) { unbindTargetAccount(input: $input) {
  unboundBindingId userErrors { code field } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Inspection { name } } }"""
REASON = "移交纪检监察机关办理"


async def _world(system: Any) -> dict[str, Any]:
    """Under one region, office A inspects a target; office B will receive the inspection."""
    session, actor = system
    region = await make_office(session, actor)
    a = await make_office(session, actor, superior=region)
    b = await make_office(session, actor, superior=region)
    target = await make_target(session, actor, a)
    inspection = await make_inspection(session, actor, target.id)
    a_admin = await make_user(session, actor, a)
    b_admins = [await make_user(session, actor, b) for _ in range(2)]
    outsider = await make_user(session, actor, region)
    side = await make_user(session, actor, a)
    binding = await accounts.bind_to_target(session, actor, user_id=side.id, target_id=target.id)
    await session.commit()
    return {
        "a": a.id,
        "b": b.id,
        "b_code": b.code,
        "inspection": global_id("Inspection", inspection.id),
        "a_admin": a_admin.username,
        "b_admins": [u.id for u in b_admins],
        "b_admin": b_admins[0].username,
        "outsider": outsider.username,
        "binding": global_id("TargetBinding", binding.id),
        "binding_pk": binding.id,
    }


async def _count(db: Database, model: type[Any], *where: Any) -> int:
    async with db.session() as session:
        # test check: every row, whoever may read it
        found = await session.scalar(select(func.count()).select_from(model).where(*where))
    return int(found or 0)


def _share_input(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "objectId": world["inspection"],
            "officeId": global_id("Office", world["b"]),
            "reason": REASON,
            **changes,
        }
    }


async def test_a_share_is_made_read_by_the_receiver_and_ended_over_graphql(
    api: Api, system: Any, db: Database
) -> None:
    world = await _world(system)
    await api.reload_policy()
    before = await api.gql(NODE, {"id": world["inspection"]}, user=world["b_admin"])
    assert before["data"]["node"] is None

    made = (await api.gql(SHARE, _share_input(world), user=world["a_admin"]))["data"]
    share = made["shareObject"]["share"]
    assert made["shareObject"]["userErrors"] == []
    assert (share["object"], share["reason"]) == ({"id": world["inspection"]}, REASON)
    assert share["office"] is None  # a sibling office: A names it, and reads nothing of it
    await api.reload_policy()
    read = await api.gql(NODE, {"id": world["inspection"]}, user=world["b_admin"])
    assert read["data"]["node"]["name"]
    told = Notification.kind == NotificationKind.SHARE_RECEIVED
    assert await _count(db, Notification, told) == 2  # both of B's admins
    assert await _count(db, AuditEntry, AuditEntry.action == "share.create") == 2

    # The receiver may read it but not end it; an office that cannot see it finds nothing.
    refused = await api.gql(END, {"input": {"shareId": share["id"]}}, user=world["b_admin"])
    assert refused["data"]["endShare"]["userErrors"] == [{"code": "FORBIDDEN", "field": None}]
    hidden = await api.gql(END, {"input": {"shareId": share["id"]}}, user=world["outsider"])
    assert [e["code"] for e in hidden["data"]["endShare"]["userErrors"]] == ["NOT_FOUND"]
    assert await _count(db, Share) == 1

    ended = await api.gql(END, {"input": {"shareId": share["id"]}}, user=world["a_admin"])
    assert ended["data"]["endShare"] == {"endedShareId": share["id"], "userErrors": []}
    assert await _count(db, Share) == 0
    assert await _count(db, AuditEntry, AuditEntry.action == "share.end") == 2
    ended_told = Notification.kind == NotificationKind.SHARE_ENDED
    assert await _count(db, Notification, ended_told) == 2
    await api.reload_policy()
    after = await api.gql(NODE, {"id": world["inspection"]}, user=world["b_admin"])
    assert after["data"]["node"] is None
    again = await api.gql(END, {"input": {"shareId": share["id"]}}, user=world["a_admin"])
    assert [e["code"] for e in again["data"]["endShare"]["userErrors"]] == ["NOT_FOUND"]


async def test_a_bad_share_is_refused_with_its_field_and_writes_nothing(
    api: Api, system: Any, db: Database
) -> None:
    world = await _world(system)
    await api.reload_policy()
    cases = [
        (_share_input(world, reason=" 移 "), "REASON_INVALID", "reason"),
        (
            _share_input(world, officeId=global_id("Office", world["a"])),
            "SHARE_TO_SELF",
            "officeId",
        ),
        (_share_input(world, objectId="not-an-id"), "INVALID_ID", "objectId"),
        (_share_input(world, officeId=world["inspection"]), "INVALID_ID", "officeId"),
    ]
    for variables, code, field in cases:
        answer = await api.gql(SHARE, variables, user=world["a_admin"])
        assert answer["data"]["shareObject"] == {
            "share": None,
            "userErrors": [{"code": code, "field": ["input", field]}],
        }, (code, answer)
    # B cannot share what it cannot read: as if the object did not exist.
    hidden = await api.gql(SHARE, _share_input(world), user=world["b_admin"])
    assert [e["code"] for e in hidden["data"]["shareObject"]["userErrors"]] == ["NOT_FOUND"]
    twice = [await api.gql(SHARE, _share_input(world), user=world["a_admin"]) for _ in range(2)]
    assert twice[1]["data"]["shareObject"]["userErrors"] == [
        {"code": "ALREADY_SHARED", "field": ["input", "officeId"]}
    ]
    assert await _count(db, Share) == 1
    assert await _count(db, Notification, Notification.kind == NotificationKind.SHARE_RECEIVED) == 2


async def test_a_target_side_account_is_unbound_by_its_office_only(
    api: Api, system: Any, db: Database
) -> None:
    world = await _world(system)
    await api.reload_policy()
    variables = {"input": {"bindingId": world["binding"]}}
    refused = await api.gql(UNBIND, variables, user=world["b_admin"])
    assert [e["code"] for e in refused["data"]["unbindTargetAccount"]["userErrors"]] == [
        "NOT_FOUND"
    ]
    assert await _count(db, TargetBinding, TargetBinding.id == world["binding_pk"]) == 1

    done = await api.gql(UNBIND, variables, user=world["a_admin"])
    assert done["data"]["unbindTargetAccount"] == {
        "unboundBindingId": world["binding"],
        "userErrors": [],
    }
    assert await _count(db, TargetBinding, TargetBinding.id == world["binding_pk"]) == 0
    audited = AuditEntry.action == "target_binding.delete"
    assert await _count(db, AuditEntry, audited, AuditEntry.office_id == world["a"]) == 1
    again = await api.gql(UNBIND, variables, user=world["a_admin"])
    assert [e["code"] for e in again["data"]["unbindTargetAccount"]["userErrors"]] == ["NOT_FOUND"]
