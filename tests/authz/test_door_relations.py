"""Shares by transfer, target-side users and break-glass: relations the door computes from data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import BreakGlassGrant, Role, UserAccount
from inspectnet.audit.models import AuditEntry
from inspectnet.authz import recusals
from inspectnet.authz.actor import Actor
from inspectnet.authz.explain import explain_access
from inspectnet.authz.models import Share
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.rows import add_row
from inspectnet.authz.scopes import readable
from inspectnet.authz.shares import share_object
from inspectnet.errors import Forbidden, ValidationFailed
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, TeamAssignment
from inspectnet.network.models import Office
from inspectnet.notifications.models import Notification, NotificationKind
from inspectnet.targets import service as targets
from tests.conftest import Api
from tests.factories import make_person, make_region, make_user
from tests.inspections.factories import make_assignment, make_inspection


async def _actor(api: Api, username: str) -> Actor:
    service = api.app.state.graphql
    async with service.database.session() as session:
        account = await session.scalar(select(UserAccount).where(UserAccount.username == username))
    assert account is not None
    return Actor(
        username=username,
        policy=service.policy.compiled,
        user_id=account.id,
        person_id=account.person_id,
        home_office_id=account.office_id,
        network=service.policy.snapshot.network,
    )


async def _ids(api: Api, actor: Actor, model: type[Any]) -> set[int]:
    async with api.app.state.graphql.database.session() as session:
        return set(await session.scalars(readable(actor, model).with_only_columns(model.id)))


@pytest.fixture
async def world(api: Api, system: Any) -> dict[str, Any]:
    """A region shaped like the demo's: two inspections of 包头 (the first liaison body), each
    with its member on the team; 赤峰 (the second) will receive one of them. The top's admin,
    包头's admin and member and 赤峰's admin sign in."""
    session, actor = system
    region = await make_region(session, actor, subordinates=2)
    baotou, chifeng = region.subordinates
    users = {
        "region_admin": await make_user(session, actor, region.top, Role.OFFICE_ADMIN),
        "baotou_admin": await make_user(session, actor, baotou, Role.OFFICE_ADMIN),
        "baotou_member": await make_user(session, actor, baotou, Role.OFFICE_MEMBER),
        "chifeng_admin": await make_user(session, actor, chifeng, Role.OFFICE_ADMIN),
    }
    made = []
    for name in ("某局党组领导班子", "某旗委领导班子"):
        target = await targets.create_target(
            session, actor, office_id=baotou.id, name=name, region_code="150200"
        )
        inspection = await make_inspection(session, actor, target.id)
        member = users["baotou_member"]
        assignment = await make_assignment(session, actor, inspection, member.id)
        made.append((target.id, inspection.id, assignment.id))
    await session.commit()
    await api.reload_policy()
    return {
        "baotou": baotou.id,
        "chifeng": chifeng.id,
        "made": made,
        **{role: user.username for role, user in users.items()},
    }


async def test_a_receiving_office_reads_exactly_the_shared_inspection(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    chifeng = world["chifeng"]
    (_, shared, shared_team), (_, kept, _) = world["made"]
    receiver = await _actor(api, world["chifeng_admin"])
    assert await _ids(api, receiver, Inspection) & {shared, kept} == set()
    admin = await _actor(api, world["baotou_admin"])
    async with service.database.transaction() as session:
        inspection = await session.get(Inspection, shared)
        await share_object(
            session, admin, obj=inspection, office_id=chifeng, reason="移交纪检监察机关办理"
        )
    await api.reload_policy()
    receiver = await _actor(api, world["chifeng_admin"])
    assert await _ids(api, receiver, Inspection) & {shared, kept} == {shared}
    # Nothing around it: not its team, not the other inspection.
    assert shared_team not in await _ids(api, receiver, TeamAssignment)


async def test_a_share_needs_the_right_to_share_and_a_reason_and_changes_nothing_when_refused(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    chifeng = world["chifeng"]
    (_, shared, _), _ = world["made"]
    member, admin = (
        await _actor(api, world["baotou_member"]),
        await _actor(api, world["baotou_admin"]),
    )
    async with service.database.transaction() as session:
        inspection = await session.get(Inspection, shared)
        with pytest.raises(Forbidden):
            await share_object(
                session, member, obj=inspection, office_id=chifeng, reason="移交办理"
            )
        with pytest.raises(ValidationFailed) as error:
            await share_object(session, admin, obj=inspection, office_id=chifeng, reason=" 移 ")
        assert error.value.code == "REASON_INVALID"
        assert await session.scalar(select(func.count()).select_from(Share)) == 0


async def test_a_target_side_user_reads_its_own_organisations_inspection_and_nothing_else(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    (target, own, own_team), (_, other, _) = world["made"]
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        baotou = await session.get(Office, world["baotou"])
        person = await make_person(session, system, baotou)
        account = await accounts.create_account(
            session, system, person_id=person.id, username="target_side"
        )
        await accounts.bind_to_target(session, system, user_id=account.id, target_id=target)
        # Even a row that would give target users the team record reaches nothing: the
        # team assignment is not marked for the target side.
        await add_row(
            session,
            system,
            PolicyLine(
                "p",
                ("target_user", "*", "target_member", "team_assignment", "*", "*", "read", "allow"),
            ),
            note="test: a mistaken row",
        )
    await api.reload_policy()
    side = await _actor(api, "target_side")
    assert await _ids(api, side, Inspection) == {own}
    assert await _ids(api, side, TeamAssignment) == set()
    assert own_team and other  # the team exists; the other target's inspection is not shown
    from inspectnet.targets.models import Target

    assert await _ids(api, side, Target) == set()
    assert await _ids(api, side, Office) == set()


async def test_break_glass_grants_for_hours_audits_and_tells_the_office_admins(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    region_admin = await _actor(api, world["region_admin"])
    (_, inspection, _), _ = world["made"]
    assert inspection not in await _ids(api, region_admin, Inspection)
    at = datetime(2026, 12, 1, 2, tzinfo=UTC)
    with clock.frozen(at):
        async with service.database.transaction() as session:
            with pytest.raises(ValidationFailed) as short:
                await accounts.break_glass(
                    session,
                    region_admin,
                    office_id=world["baotou"],
                    role=Role.OFFICE_ADMIN,
                    hours=2,
                    reason="紧急",
                )
            assert short.value.code == "REASON_TOO_SHORT"
            assert await session.scalar(select(func.count()).select_from(BreakGlassGrant)) == 0
            grant = await accounts.break_glass(
                session,
                region_admin,
                office_id=world["baotou"],
                role=Role.OFFICE_ADMIN,
                hours=2,
                reason="包头市巡察办负责人失联，需紧急调阅巡察材料以处置突发舆情事件",
            )
            told = set(
                await session.scalars(
                    select(Notification.recipient_user_id).where(
                        Notification.kind == NotificationKind.BREAK_GLASS
                    )
                )
            )
            audited = await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "break_glass.create")
            )
        baotou_admin = await _actor(api, world["baotou_admin"])
        assert told == {baotou_admin.user_id} and audited == 1
        async with service.database.session() as session:
            snapshot = await service.policy.reload(session)
        assert snapshot.expires_at == grant.valid_until
        region_admin = await _actor(api, world["region_admin"])
        assert inspection in await _ids(api, region_admin, Inspection)
    with clock.frozen(at + timedelta(hours=2, seconds=1)):
        async with service.database.session() as session:
            await service.policy.current(session, snapshot.version)
        region_admin = await _actor(api, world["region_admin"])
        assert inspection not in await _ids(api, region_admin, Inspection)


async def test_recusal_beats_a_share_and_a_break_glass_grant(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    chifeng = world["chifeng"]
    (target, shared, _), _ = world["made"]
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        inspection = await session.get(Inspection, shared)
        await share_object(session, system, obj=inspection, office_id=chifeng, reason="移交办理")
        receiver = await session.scalar(
            select(UserAccount).where(UserAccount.username == world["chifeng_admin"])
        )
        await recusals.record_recusal(
            session, system, person_id=receiver.person_id, target_id=target, reason="曾在该单位任职"
        )
    await api.reload_policy()
    assert shared not in await _ids(api, await _actor(api, world["chifeng_admin"]), Inspection)


BREAK_GLASS = """mutation($input: BreakGlassInput!) { breakGlass(input: $input) {
  grant { id role validUntil } userErrors { field code } } }"""


async def test_break_glass_over_graphql_reports_every_bad_field_and_changes_nothing(
    api: Api, world: dict[str, Any]
) -> None:
    office = global_id("Office", world["baotou"])
    bad = (
        await api.gql(
            BREAK_GLASS,
            {"input": {"officeId": office, "role": "AUDITOR", "hours": 30, "reason": "急"}},
            user=world["region_admin"],
        )
    )["data"]["breakGlass"]
    assert bad["grant"] is None
    assert sorted((e["field"][-1], e["code"]) for e in bad["userErrors"]) == [
        ("hours", "HOURS_INVALID"),
        ("reason", "REASON_TOO_SHORT"),
        ("role", "ROLE_INVALID"),
    ]
    # 包头's own member may not break glass in its office (only a superior's admin may).
    reason = "包头市巡察办负责人失联，需紧急调阅巡察材料以处置突发舆情事件"
    refused = (
        await api.gql(
            BREAK_GLASS,
            {"input": {"officeId": office, "role": "OFFICE_ADMIN", "hours": 1, "reason": reason}},
            user=world["baotou_member"],
        )
    )["data"]["breakGlass"]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    async with api.app.state.graphql.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(BreakGlassGrant)) == 0
    done = (
        await api.gql(
            BREAK_GLASS,
            {"input": {"officeId": office, "role": "OFFICE_MEMBER", "hours": 1, "reason": reason}},
            user=world["region_admin"],
        )
    )["data"]["breakGlass"]
    assert done["userErrors"] == [] and done["grant"]["role"] == "OFFICE_MEMBER"


async def test_policy_explain_names_the_share_path(api: Api, world: dict[str, Any]) -> None:
    service = api.app.state.graphql
    chifeng = world["chifeng"]
    (_, shared, _), _ = world["made"]
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        inspection = await session.get(Inspection, shared)
        await share_object(session, system, obj=inspection, office_id=chifeng, reason="移交办理")
    await api.reload_policy()
    receiver = await _actor(api, world["chifeng_admin"])
    async with service.database.session() as session:
        inspection = await session.get(Inspection, shared)
        result = await explain_access(session, service.policy, receiver.user_id, "read", inspection)
    assert result.allowed
    assert [(p.office_id, p.relation, p.casbin_allows) for p in result.paths] == [
        (chifeng, "shared", True)
    ]
