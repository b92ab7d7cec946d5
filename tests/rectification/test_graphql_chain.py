"""The steps after the site over GraphQL, each by the account the rules name: the office records
the hearing, the five-person group decides the use of results, the party committee consents,
the office feeds back (nmg-2016 §27–29)."""

from __future__ import annotations

from typing import Any

from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.rectification.factories import make_reported_inspection

HEAR = """mutation($input: RecordHearingInput!) { recordHearing(input: $input) {
  hearing { heldOn heardBy article } userErrors { field code message } } }"""
DECIDE = """mutation($input: DecideAfterHearingInput!) { decideAfterHearing(input: $input) {
  decision { matter decidedBy article } userErrors { field code message } } }"""
FEED = """mutation($input: DeliverFeedbackInput!) { deliverFeedback(input: $input) {
  feedback { signedOn problems(first: 5) { nodes { position summary } }
    duties(first: 5) { nodes { ruleId dueOn } } }
  userErrors { field code message } } }"""


async def test_the_steps_after_the_site_each_by_the_account_the_rules_name(api: Api) -> None:
    service = api.app.state.graphql
    async with service.database.transaction() as session:
        root = Actor.system(service.policy.compiled, name="test")
        case = await make_reported_inspection(session, root)
    await api.reload_policy()
    inspection = global_id("Inspection", case.inspection.id)
    admin, five = case.admin.username, case.results_member.username
    committee = case.consent_member.username

    async def decide(user: str, matter: str) -> dict[str, Any]:
        variables = {
            "input": {
                "inspectionId": inspection,
                "matter": matter,
                "decidedOn": "2026-11-25",
                "text": "决定内容",
            }
        }
        return (await api.gql(DECIDE, variables, user=user))["data"]["decideAfterHearing"]

    feed = {
        "input": {
            "inspectionId": inspection,
            "toLeadershipOn": "2026-11-25",
            "toPrincipalOn": "2026-11-25",
            "signedOn": "2026-11-25",
            "principalName": "张书记",
            "problems": ["主体责任落实不到位", "选人用人不规范"],
        }
    }
    early = (await api.gql(FEED, feed, user=admin))["data"]["deliverFeedback"]
    assert (early["feedback"], [e["code"] for e in early["userErrors"]]) == (
        None,
        ["FEEDBACK_BEFORE_HEARING"],
    )

    heard = await api.gql(
        HEAR,
        {"input": {"inspectionId": inspection, "heldOn": "2026-11-25", "proposals": "处理意见"}},
        user=admin,
    )
    assert heard["data"]["recordHearing"] == {
        "hearing": {"heldOn": "2026-11-25", "heardBy": "LEADING_GROUP", "article": "nmg-2016 §27"},
        "userErrors": [],
    }
    # The office admin is off the five-person group: FORBIDDEN; its member decides
    assert [e["code"] for e in (await decide(admin, "RESULTS"))["userErrors"]] == ["FORBIDDEN"]
    assert (await decide(five, "RESULTS"))["decision"] == {
        "matter": "RESULTS",
        "decidedBy": "FIVE_PERSON_GROUP",
        "article": "nmg-2016 §28",
    }
    unconsented = (await api.gql(FEED, feed, user=admin))["data"]["deliverFeedback"]
    (error,) = unconsented["userErrors"]
    assert (error["code"], error["message"]) == (
        "FEEDBACK_WITHOUT_CONSENT",
        "须经自治区党委同意后反馈（nmg-2016 §29）",
    )
    assert (await decide(committee, "FEEDBACK_CONSENT"))["userErrors"] == []
    fed = (await api.gql(FEED, feed, user=admin))["data"]["deliverFeedback"]
    assert fed["userErrors"] == []
    assert [p["position"] for p in fed["feedback"]["problems"]["nodes"]] == [1, 2]
    assert fed["feedback"]["duties"]["nodes"] == [
        {"ruleId": "deadline.rectification_report", "dueOn": "2027-01-25"}
    ]
