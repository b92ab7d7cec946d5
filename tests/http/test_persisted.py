"""Apollo's automatic persisted queries, and the persisted-only mode for production."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspectnet.db import Database
from inspectnet.http.persisted import load_manifest, sha256_of
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import ADMIN, PREFLIGHT, auth, post, refused, serve, sql

VIEWER = "query Viewer { viewer { username } }"
OTHER = "query Other { viewer { account { id } } }"


def apq(sha256: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


async def test_an_unknown_hash_asks_for_the_query_without_sql(api: Api) -> None:
    with sql(api) as statements:
        response = await post(api, {"extensions": apq(sha256_of(VIEWER))})
    body = refused(response, 200, "PERSISTED_QUERY_NOT_FOUND")
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"  # Apollo Client matches it
    assert "no-cache" in response.headers["cache-control"]
    assert statements.count == 0
    as_graphql = await post(
        api, {"extensions": apq(sha256_of(VIEWER))}, accept="application/graphql-response+json"
    )
    refused(as_graphql, 400, "PERSISTED_QUERY_NOT_FOUND")


async def test_the_query_sent_once_with_its_hash_then_runs_by_hash(api: Api) -> None:
    sha256 = sha256_of(VIEWER)
    first = await post(api, {"query": VIEWER, "extensions": apq(sha256)})
    assert first.json()["data"] == {"viewer": {"username": ADMIN}}
    by_hash = await post(api, {"extensions": apq(sha256)})
    assert by_hash.json()["data"] == {"viewer": {"username": ADMIN}}
    over_get = await api.client.get(
        "/graphql",
        params={"extensions": json.dumps(apq(sha256))},
        headers=auth(api, **PREFLIGHT),
    )
    assert over_get.status_code == 200 and over_get.json()["data"]["viewer"]["username"]


async def test_a_hash_that_does_not_match_its_query_is_400(api: Api) -> None:
    response = await post(api, {"query": VIEWER, "extensions": apq(sha256_of(OTHER))})
    refused(response, 400, "PERSISTED_QUERY_HASH_MISMATCH")


async def test_an_invalid_document_is_not_remembered(api: Api) -> None:
    bad = "{ viewer { nope } }"
    refused(
        await post(api, {"query": bad, "extensions": apq(sha256_of(bad))}),
        200,
        "GRAPHQL_VALIDATION_FAILED",
    )
    refused(await post(api, {"extensions": apq(sha256_of(bad))}), 200, "PERSISTED_QUERY_NOT_FOUND")


@pytest.mark.parametrize(
    ("extensions", "code"),
    [
        (
            {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
            "PERSISTED_QUERY_NOT_SUPPORTED",
        ),
        ({"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}, "BAD_REQUEST"),
        ({"persistedQuery": "yes"}, "PERSISTED_QUERY_NOT_SUPPORTED"),
    ],
)
async def test_malformed_persisted_query_extensions_are_400(
    api: Api, extensions: dict[str, object], code: str
) -> None:
    refused(await post(api, {"extensions": extensions}), 400, code)


async def test_with_apq_off_a_hash_is_not_supported(db: Database, settings: Settings) -> None:
    async with serve(db, settings, graphql_apq=False) as api:
        body = refused(
            await post(api, {"extensions": apq(sha256_of(VIEWER))}),
            200,
            "PERSISTED_QUERY_NOT_SUPPORTED",
        )
        assert body["errors"][0]["message"] == "PersistedQueryNotSupported"
        plain = await post(api, {"query": VIEWER})
        assert plain.json()["data"]["viewer"]["username"] == ADMIN


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "persisted-query-manifest.json"
    operations = [{"id": sha256_of(VIEWER), "name": "Viewer", "type": "query", "body": VIEWER}]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        ),
        encoding="utf-8",
    )
    return path


async def test_persisted_only_runs_registered_documents_alone(
    db: Database, settings: Settings, manifest: Path
) -> None:
    async with serve(
        db, settings, graphql_persisted_only=True, graphql_persisted_manifest=manifest
    ) as api:
        by_hash = await post(api, {"extensions": apq(sha256_of(VIEWER))})
        assert by_hash.json()["data"] == {"viewer": {"username": ADMIN}}
        in_full = await post(api, {"query": VIEWER})
        assert in_full.json()["data"] == {"viewer": {"username": ADMIN}}
        with sql(api) as statements:
            free_text = await post(api, {"query": OTHER})
            learning = await post(api, {"query": OTHER, "extensions": apq(sha256_of(OTHER))})
            unknown = await post(api, {"extensions": apq(sha256_of(OTHER))})
        refused(free_text, 200, "PERSISTED_QUERY_REQUIRED")
        refused(learning, 200, "PERSISTED_QUERY_REQUIRED")
        refused(unknown, 200, "PERSISTED_QUERY_NOT_FOUND")
        assert statements.count == 0


def test_a_manifest_entry_whose_id_is_not_its_hash_stops_start_up(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"0" * 64: VIEWER}), encoding="utf-8")
    with pytest.raises(ValueError, match="not the SHA-256"):
        load_manifest(path)


def test_relay_style_manifests_load(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({sha256_of(VIEWER): VIEWER}), encoding="utf-8")
    assert load_manifest(path) == {sha256_of(VIEWER): VIEWER}


def test_persisted_only_needs_a_manifest(settings: Settings) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="PERSISTED_MANIFEST"):
        Settings(**{**settings.model_dump(), "graphql_persisted_only": True})


async def test_documents_are_parsed_and_validated_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import strawberry.schema.schema as strawberry_schema

    from inspectnet.http import documents

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("strawberry parsed or validated a document the endpoint prepared")

    monkeypatch.setattr(strawberry_schema, "parse", forbidden)
    monkeypatch.setattr(strawberry_schema, "validate_document", forbidden)
    parsed: list[str] = []
    real_parse = documents.parse
    monkeypatch.setattr(documents, "parse", lambda q, **kw: parsed.append(q) or real_parse(q, **kw))
    query = "query Cached { viewer { username } }"
    for _ in range(3):
        response = await post(api, {"query": query})
        assert response.json()["data"] == {"viewer": {"username": ADMIN}}
    assert parsed == [query]  # once, then from the cache
