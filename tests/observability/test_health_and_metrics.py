"""Operations: liveness, readiness, and Prometheus metrics a scrape can read."""

from __future__ import annotations

import json
import logging

import pytest

from inspectnet.db import Database
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import ADMIN, MEMBER, sign_up


async def test_healthz_answers_while_the_process_is_up(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_checks_database_migrations_and_policy(api: Api) -> None:
    response = await api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "migrations": "ok", "policy": "ok"},
    }


async def test_readyz_is_503_before_the_policy_is_loaded(api: Api) -> None:
    from inspectnet import domains

    api.app.state.graphql.policy = domains.policy_store(api.settings.policy_dir)
    response = await api.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["policy"] == "not loaded"


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(f"{name}{{"):
            found = line[len(name) + 1 : line.index("}")]
            if ",".join(sorted(found.split(","))) == wanted:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_requests_and_authorization_decisions(
    api: Api, db: Database, settings: Settings
) -> None:
    await sign_up(db, settings)
    await api.reload_policy()
    before = (await api.client.get("/metrics")).text
    await api.gql(
        'mutation { revokeRole(input: {grantId: "Um9sZUdyYW50Ojk5OTk"}) { userErrors { code } } }',
        user=ADMIN,
    )
    after = await api.client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    assert _sample(text, "inspectnet_http_requests_total", route="/graphql", status="200") == (
        _sample(before, "inspectnet_http_requests_total", route="/graphql", status="200") + 1
    )
    assert "inspectnet_db_pool_checked_out" in text


async def test_every_response_carries_its_request_id(api: Api) -> None:
    given = await api.client.get("/healthz", headers={"x-request-id": "abc123"})
    assert given.headers["x-request-id"] == "abc123"
    made = await api.client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32


def test_logs_are_json_with_request_context_and_never_a_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import structlog

    from inspectnet.observability.logs import bind, configure_logging

    configure_logging("INFO", json=True)
    bind(request_id="req-43", user="member1", authorization="Bearer secret-token")
    structlog.get_logger("inspectnet.test").info("checked", token="secret-token")
    logging.getLogger("inspectnet.stdlib").warning("plain stdlib line")
    structlog.contextvars.clear_contextvars()
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    checked = next(line for line in lines if line["event"] == "checked")
    assert (checked["request_id"], checked["user"], checked["level"]) == (
        "req-43",
        "member1",
        "info",
    )
    assert checked["token"] == checked["authorization"] == "[redacted]"
    stdlib = next(line for line in lines if line["event"] == "plain stdlib line")
    assert stdlib["request_id"] == "req-43" and stdlib["logger"] == "inspectnet.stdlib"
    assert "secret-token" not in err


async def test_tracing_is_off_by_default_and_spans_requests_and_sql_when_on(db, settings) -> None:  # type: ignore[no-untyped-def]
    import httpx
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from inspectnet.app import create_app

    assert settings.otel_enabled is False
    exporter = InMemorySpanExporter()
    app = create_app(
        settings.model_copy(update={"otel_enabled": True}), database=db, span_exporter=exporter
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        await client.get("/readyz")
        await client.post("/graphql", json={"query": "{ viewer { username } }"})
    names = [span.name for span in exporter.get_finished_spans()]
    assert any(name.startswith("POST /graphql") for name in names)
    assert not any("readyz" in name for name in names)


async def test_metrics_show_latency_per_operation_name(
    api: Api, db: Database, settings: Settings
) -> None:
    await sign_up(db, settings)
    await api.reload_policy()
    for _ in range(3):
        response = await api.post(
            "query NetworkOverview { offices(first: 5) { totalCount } }", user=MEMBER
        )
        assert response.status_code == 200
    await api.post("query Broken { nosuchfield }", user=MEMBER)
    text = (await api.client.get("/metrics")).text
    assert (
        _sample(text, "inspectnet_graphql_request_seconds_count", operation="NetworkOverview") >= 3
    )
    assert _sample(text, "inspectnet_graphql_request_seconds_sum", operation="NetworkOverview") > 0
    assert (
        _sample(
            text, "inspectnet_graphql_requests_total", operation="NetworkOverview", status="200"
        )
        >= 3
    )
    assert _sample(text, "inspectnet_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") >= 1


def test_operation_labels_stay_bounded() -> None:
    from inspectnet.observability import metrics

    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("drop table; --") == "invalid"
    for n in range(metrics.MAX_OPERATION_LABELS + 5):
        metrics.operation_label(f"Op{n}")
    assert metrics.operation_label("OneMoreNewName") == "other"
