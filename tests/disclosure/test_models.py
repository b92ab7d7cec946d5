"""The publication has no field that can hold identity, clue or petition data: its columns,
its links and its GraphQL type are exactly these (a new one has to be argued for here)."""

from __future__ import annotations

from inspectnet.disclosure.models import Disclosure, DisclosureApproval
from inspectnet.schema import build_schema

PUBLICATION_COLUMNS = {
    "id",
    "office_id",
    "inspection_id",
    "target_id",
    "stage",
    "rule_id",
    "article",
    "approver",
    "title",
    "body",
    "state",
    "published_at",
    "withdrawn_at",
    "created_at",
    "updated_at",
    "version",
}
PUBLICATION_FIELDS = {
    "id",
    "stage",
    "ruleId",
    "article",
    "approver",
    "title",
    "body",
    "state",
    "publishedAt",
    "withdrawnAt",
    "version",
    "publicUrl",
    "inspection",
    "approval",
    "viewerCan",
    "createdAt",
    "updatedAt",
    "createdBy",
}


def test_the_publication_holds_only_its_own_columns_and_links() -> None:
    table = Disclosure.__table__
    assert set(table.c.keys()) == PUBLICATION_COLUMNS
    assert {fk.target_fullname.split(".")[0] for fk in table.foreign_keys} == {
        "offices",
        "inspections",
        "targets",
    }
    # the approval names the approving account, never a person of the inspection's records
    assert {
        fk.target_fullname.split(".")[0] for fk in DisclosureApproval.__table__.foreign_keys
    } == {
        "offices",
        "disclosures",
        "targets",
        "user_accounts",
    }


def test_the_graphql_type_shows_only_the_publication() -> None:
    schema = build_schema(development=True)._schema
    assert set(schema.type_map["Disclosure"].fields) == PUBLICATION_FIELDS  # type: ignore[union-attr]
    assert set(schema.type_map["DisclosureApproval"].fields) == {  # type: ignore[union-attr]
        "actorName",
        "decidedAs",
        "article",
        "approvedAt",
    }
