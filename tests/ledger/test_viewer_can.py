"""``viewerCan`` on an opinion request equals the outcome of answering it, for the office's
admin and member and an admin of another office."""

from __future__ import annotations

from typing import Any

from inspectnet.accounts.models import Role
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.ledger import service
from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.graphql.test_viewer_can import _allowed, _viewer_can
from tests.transfers.factories import make_transfer_setting


async def test_viewer_can_answer_is_the_outcome_of_answering(api: Api, db: Database) -> None:
    async def build(session: Any, system: Any) -> dict[str, Any]:
        setting = await make_transfer_setting(session, system)
        made = await service.request_opinion(
            session,
            system,
            target_id=setting.team.target.id,
            requested_by="市委组织部",
            cadre_name="王建国",
            cadre_post="副局长",
            purpose="拟提拔考察",
        )
        member = await make_user(session, system, setting.team.office, Role.OFFICE_MEMBER)
        other = await make_user(session, system, await make_office(session, system))
        users = {"admin": setting.admin, "member": member, "other": other}
        return {
            "users": {k: v.username for k, v in users.items()},
            "id": global_id("OpinionRequest", made.id),
        }

    world = await arrange(api, build)
    seen = {}
    for role, user in world["users"].items():
        hint = await _viewer_can(api, user, "OpinionRequest", "answer", world["id"])
        outcome = await _allowed(
            api, db, user, "answerOpinion", {"requestId": world["id"], "answer": "未发现问题"}
        )
        seen[role] = (hint, outcome)
    assert seen == {"admin": (True, True), "member": (False, False), "other": (False, False)}
