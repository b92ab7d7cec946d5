"""回避: a recusal denies a human everything of one target, over every role they hold anywhere."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

import inspectnet.models  # noqa: F401 - every mapper on the registry
from inspectnet.accounts.models import Role, UserAccount
from inspectnet.authz import recusals
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import require
from inspectnet.authz.models import Recusal
from inspectnet.authz.scopes import readable
from inspectnet.errors import Conflict, Forbidden, NotFound
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.targets import service as targets
from inspectnet.targets.models import LeadershipPost, Target
from tests.conftest import Api
from tests.factories import make_person, make_region, make_user

QUERY = """query($target: ID!, $post: ID!, $office: ID!) {
  target: node(id: $target) { id }
  post: node(id: $post) { id }
  office: node(id: $office) {
    ... on Office { targets(first: 100) { totalCount nodes { id roster { totalCount } } } }
  }
}"""


async def _account(session: Any, username: str) -> UserAccount:
    found = await session.scalar(select(UserAccount).where(UserAccount.username == username))
    assert found is not None
    return found  # type: ignore[no-any-return]


@pytest.fixture
async def world(api: Api, system: Any) -> dict[str, Any]:
    """A liaison body's two targets, one with a roster member; its admin recused from the
    second, its member not."""
    session, actor = system
    region = await make_region(session, actor, subordinates=1)
    office = region.subordinates[0]
    made = []
    for name in ("某旗委领导班子", "某局党组领导班子"):
        made.append(
            await targets.create_target(
                session, actor, office_id=office.id, name=name, region_code="150200"
            )
        )
    kept, recused = made
    member = await make_person(session, actor, office)
    post = await targets.add_leadership_post(
        session,
        actor,
        target_id=recused.id,
        person_id=member.id,
        post="书记",
        started_on=date(2021, 1, 1),
        ended_on=None,
    )
    admin = await make_user(session, actor, office, Role.OFFICE_ADMIN)
    reader = await make_user(session, actor, office, Role.OFFICE_MEMBER)
    recusal = await recusals.record_recusal(
        session, actor, person_id=admin.person_id, target_id=recused.id, reason="配偶任职"
    )
    await session.commit()
    await api.reload_policy()
    return {
        "top": region.top.id,
        "office": office.id,
        "admin": admin.username,
        "member": reader.username,
        "kept": kept.id,
        "recused": recused.id,
        "post": post.id,
        "admin_person": admin.person_id,
        "recusal": recusal.id,
    }


def _ids(world: dict[str, Any]) -> dict[str, str]:
    return {
        "target": global_id("Target", world["recused"]),
        "post": global_id("LeadershipPost", world["post"]),
        "office": global_id("Office", world["office"]),
    }


async def test_a_recused_office_admin_reads_nothing_of_the_target(
    api: Api, world: dict[str, Any]
) -> None:
    data = (await api.gql(QUERY, _ids(world), user=world["admin"]))["data"]
    assert data["target"] is None and data["post"] is None
    listed = data["office"]["targets"]
    assert global_id("Target", world["recused"]) not in {n["id"] for n in listed["nodes"]}
    assert global_id("Target", world["kept"]) in {n["id"] for n in listed["nodes"]}
    assert listed["totalCount"] == len(listed["nodes"])
    # The office's member, not recused, reads it all.
    other = (await api.gql(QUERY, _ids(world), user=world["member"]))["data"]
    assert other["target"] == {"id": global_id("Target", world["recused"])}
    assert other["post"] == {"id": global_id("LeadershipPost", world["post"])}
    assert other["office"]["targets"]["totalCount"] == listed["totalCount"] + 1


async def test_a_recused_admin_may_neither_read_nor_change_and_nothing_changes(
    api: Api, world: dict[str, Any]
) -> None:
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        admin = await _account(session, world["admin"])
        actor = Actor(
            username=world["admin"],
            policy=service.policy.compiled,
            user_id=admin.id,
            person_id=admin.person_id,
            network=service.policy.snapshot.network,
        )
        target = await session.get(Target, world["recused"])
        for action in ("read", "update"):
            with pytest.raises(NotFound):
                await require(session, actor, action, target)
        counts = {
            model: await session.scalar(
                select(func.count()).select_from(readable(actor, model).subquery())
            )
            for model in (Target, LeadershipPost)
        }
        assert counts[LeadershipPost] == 0 or all(
            post.target_id != world["recused"]
            for post in await session.scalars(readable(actor, LeadershipPost))
        )
        # The recused human cannot lift their own recusal, even as the office's admin.
        with pytest.raises((Forbidden, NotFound)):
            await recusals.end_recusal(session, actor, recusal_id=world["recusal"])
        still = await session.get(Recusal, world["recusal"])
        assert still is not None and still.ended_at is None
        assert counts[Target] >= 1


async def test_a_person_record_linked_after_the_recusal_is_covered_too(
    api: Api, world: dict[str, Any]
) -> None:
    """The same human, later given a record and an admin account in the region above."""
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        region = await session.get(Office, world["top"])
        assert region is not None
        account = await make_user(session, system, region)
    await api.reload_policy()
    li_at_region = account.username
    before = (await api.gql(QUERY, _ids(world), user=li_at_region))["data"]
    assert before["target"] == {"id": global_id("Target", world["recused"])}  # subordinate's

    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        await recusals.link_identity(
            session, system, person_id=account.person_id, same_as=world["admin_person"]
        )
        with pytest.raises(Conflict):
            await recusals.link_identity(
                session, system, person_id=account.person_id, same_as=world["admin_person"]
            )
    await api.reload_policy()
    after = (await api.gql(QUERY, _ids(world), user=li_at_region))["data"]
    assert after["target"] is None and after["post"] is None
    assert global_id("Target", world["recused"]) not in {
        n["id"] for n in after["office"]["targets"]["nodes"]
    }

    # Ended (by the region's system here), the recusal no longer denies anything.
    async with service.database.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        ended = await recusals.end_recusal(session, system, recusal_id=world["recusal"])
        assert ended.ended_at is not None
    await api.reload_policy()
    again = (await api.gql(QUERY, _ids(world), user=li_at_region))["data"]
    assert again["target"] == {"id": global_id("Target", world["recused"])}
    back = (await api.gql(QUERY, _ids(world), user=world["admin"]))["data"]
    assert back["post"] == {"id": global_id("LeadershipPost", world["post"])}
