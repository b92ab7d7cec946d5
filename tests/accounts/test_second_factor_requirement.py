"""Roles that read confidential material sign in with a second factor: by default intake
handlers and leading-group members, whatever grants them the role; an office may lift the
default or require it of other roles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts.models import RefreshToken, SecondFactorRequirement, TotpFactor
from inspectnet.authz.actor import Actor, office_domain, user_subject
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.rows import add_row
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.inspections.models import TeamRole
from inspectnet.network.models import Office
from tests.accounts.signing import (
    PASSWORD,
    Signers,
    audit_actions,
    browser,
    refresh_cookie,
    set_password,
)
from tests.conftest import Api, office_id
from tests.inspections.factories import make_assignment, make_inspection
from tests.targets.factories import make_target

SET_REQUIREMENT = (
    "mutation($input: SetSecondFactorRequirementInput!) { setSecondFactorRequirement("
    "input: $input) { office { id } userErrors { field code message } } }"
)


def _account(signers: Signers) -> dict[str, str]:
    """What a browser sends to sign in as ``signers``' member."""
    return {"officeCode": signers.office, "username": signers.member, "password": PASSWORD}


async def _hold(api: Api, db: Database, user_id: int, role: str, domain: str) -> None:
    """Give the account a role as any grant source would: a g line of the policy."""
    service = api.app.state.graphql
    async with db.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        await add_row(session, system, PolicyLine("g", (user_subject(user_id), role, domain)), "t")
    await api.reload_policy()


async def test_a_real_intake_assignment_needs_the_second_factor(
    api: Api, db: Database, signers: Signers
) -> None:
    # given a member made intake handler of an inspection by the inspections service itself
    # (not a hand-written line): the default names the role as the team's grants name it
    user_id = await set_password(db, signers.office, signers.member)
    service = api.app.state.graphql
    async with db.transaction() as session:
        system = Actor.system(service.policy.compiled, name="test")
        office = await session.get(Office, await office_id(db, signers.office))
        assert office is not None
        target = await make_target(session, system, office)
        inspection = await make_inspection(session, system, target.id)
        await make_assignment(session, system, inspection, user_id, TeamRole.INTAKE_HANDLER)
    await api.reload_policy()
    async with browser(api) as client:
        # when it signs in with the right password only
        refused = await client.post("/auth/sign-in", json=_account(signers))
    # then it is told to enrol first
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "SECOND_FACTOR_ENROLMENT_REQUIRED"


async def _setting(api: Api, db: Database, signers: Signers, **input: Any) -> dict[str, Any]:
    office = global_id("Office", await office_id(db, signers.office))
    payload = await api.gql(
        SET_REQUIREMENT, {"input": {"officeId": office} | input}, user=signers.admin
    )
    return payload["data"]["setSecondFactorRequirement"]  # type: ignore[no-any-return]


async def _count(db: Database, model: Any) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _enrol(client: httpx.AsyncClient, signers: Signers) -> str:
    secret = (await client.post("/auth/totp/enrol", json=_account(signers))).json()["secret"]
    confirm = await client.post(
        "/auth/totp/confirm", json=_account(signers) | {"code": pyotp.TOTP(secret).at(clock.now())}
    )
    assert confirm.status_code == 200, confirm.text
    return secret


@pytest.mark.parametrize(
    ("role", "where"),
    [("leading_group_member", "office"), ("team_intake_handler", "inspection")],
)
async def test_a_confidential_role_must_enrol_before_it_signs_in(
    api: Api, db: Database, role: str, where: str, signers: Signers
) -> None:
    # given a member who holds, by default, a role that needs a second factor: in the office,
    # or in one inspection (which answers to the account's home office)
    user_id = await set_password(db, signers.office, signers.member)
    mine = await office_id(db, signers.office)
    await _hold(
        api, db, user_id, role, office_domain(mine) if where == "office" else "inspection:7"
    )
    before = await audit_actions(db, signers.office)
    async with browser(api) as client:
        # when it signs in with the right password only
        refused = await client.post("/auth/sign-in", json=_account(signers))
        # then no token is issued, and the client is told to enrol
        assert refused.status_code == 403
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "SECOND_FACTOR_ENROLMENT_REQUIRED"
        assert "/auth/totp/enrol" in error["message"]
        assert refresh_cookie(client) is None and await _count(db, RefreshToken) == 0
        assert (await audit_actions(db, signers.office))[len(before) :] == ["sign_in.refused"]
        # and a wrong password says nothing about roles
        wrong = await client.post(
            "/auth/sign-in", json=_account(signers) | {"password": "wrong one here"}
        )
        assert wrong.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
        # once enrolled, a sign-in with a code gets its tokens
        secret = await _enrol(client, signers)
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            signed_in = await client.post(
                "/auth/sign-in", json=_account(signers) | {"totpCode": pyotp.TOTP(secret).at(later)}
            )
        assert signed_in.status_code == 200 and refresh_cookie(client) is not None


async def test_an_office_may_lift_the_default_and_set_it_back(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    await _hold(
        api, db, user_id, "leading_group_member", office_domain(await office_id(db, signers.office))
    )
    # when the office lifts the requirement for its leading-group members
    lifted = await _setting(api, db, signers, roleName="leading_group_member", required=False)
    assert lifted["userErrors"] == []
    async with browser(api) as client:
        assert (await client.post("/auth/sign-in", json=_account(signers))).status_code == 200
    # and when it sets it back, the default is all that is left (no row) and it applies again
    assert (await _setting(api, db, signers, roleName="leading_group_member", required=True))[
        "userErrors"
    ] == []
    assert await _count(db, SecondFactorRequirement) == 0
    async with browser(api) as client:
        assert (await client.post("/auth/sign-in", json=_account(signers))).status_code == 403
    actions = await audit_actions(db, signers.office)
    assert actions.count("second_factor_requirement.set") == 2
    # setting what already holds changes nothing and audits nothing
    await _setting(api, db, signers, roleName="leading_group_member", required=True)
    assert (await audit_actions(db, signers.office)).count("second_factor_requirement.set") == 2


async def test_a_required_factor_cannot_be_disabled(
    api: Api, db: Database, signers: Signers
) -> None:
    # given a leading-group member with a factor
    user_id = await set_password(db, signers.office, signers.member)
    await _hold(
        api, db, user_id, "leading_group_member", office_domain(await office_id(db, signers.office))
    )
    async with browser(api) as client:
        secret = await _enrol(client, signers)
        later = clock.now() + timedelta(seconds=30)
        code = pyotp.TOTP(secret).at(later)
        with clock.frozen(later):
            # when it tries to remove the factor the office requires
            refused = await client.post(
                "/auth/totp/disable", json=_account(signers) | {"totpCode": code}
            )
            assert refused.status_code == 409
            assert refused.json()["errors"][0]["extensions"]["code"] == (
                "SECOND_FACTOR_REQUIRED_BY_OFFICE"
            )
            # then the factor stays, and the code it used stays spent
            assert await _count(db, TotpFactor) == 1
            again = await client.post("/auth/sign-in", json=_account(signers) | {"totpCode": code})
            assert again.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"


@pytest.mark.parametrize(
    ("input", "code"),
    [
        ({"roleName": "no_such_role"}, "UNKNOWN_ROLE"),
        ({"roleName": "platform_operator"}, "NOT_AN_OFFICE_ROLE"),
        ({}, "ROLE_REQUIRED"),
        ({"roleName": "office_member", "role": "OFFICE_MEMBER"}, "ROLE_REQUIRED"),
    ],
)
async def test_a_setting_names_one_known_role(
    api: Api, db: Database, input: dict[str, str], code: str, signers: Signers
) -> None:
    payload = await _setting(api, db, signers, required=True, **input)
    assert payload["office"] is None
    assert [e["code"] for e in payload["userErrors"]] == [code]
    assert await _count(db, SecondFactorRequirement) == 0
