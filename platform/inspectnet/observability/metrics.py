"""Prometheus metrics: per-operation latency and counts, errors by code, authorization
decisions, database pool use. One registry per process."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

GRAPHQL_REQUESTS = Counter(
    "inspectnet_graphql_requests_total",
    "GraphQL requests by operation name and HTTP status.",
    ["operation", "status"],
    registry=REGISTRY,
)
GRAPHQL_LATENCY = Histogram(
    "inspectnet_graphql_request_seconds",
    "GraphQL request latency by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
GRAPHQL_ERRORS = Counter(
    "inspectnet_graphql_errors_total",
    "Errors in GraphQL responses (top-level and userErrors) by code.",
    ["code"],
    registry=REGISTRY,
)
AUTHZ_DECISIONS = Counter(
    "inspectnet_authz_decisions_total",
    "Authorization checks on single objects, by action and outcome.",
    ["action", "outcome"],
    registry=REGISTRY,
)
HTTP_REQUESTS = Counter(
    "inspectnet_http_requests_total",
    "HTTP requests by route and status.",
    ["route", "status"],
    registry=REGISTRY,
)
AUDIT_DENIALS_WRITTEN = Counter(
    "inspectnet_audit_denials_written_total",
    "Refusals the audit outbox wrote to the log after their responses.",
    registry=REGISTRY,
)
AUDIT_DENIALS_LOST = Counter(
    "inspectnet_audit_denials_lost_total",
    "Refusals never written to the audit log, by reason (overflow, write_failed, crash).",
    ["reason"],
    registry=REGISTRY,
)
AUDIT_OUTBOX_PENDING = Gauge(
    "inspectnet_audit_outbox_pending",
    "Refusals waiting in the audit outbox.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
AUDIT_LAST_VERIFIED = Gauge(
    "inspectnet_audit_last_verified_timestamp_seconds",
    "When the audit chains were last verified without a broken link (Unix time).",
    registry=REGISTRY,
    multiprocess_mode="max",
)
AUDIT_LAST_CHECKPOINT = Gauge(
    "inspectnet_audit_last_checkpoint_timestamp_seconds",
    "When the last signed checkpoint of the audit chains' heads was written (Unix time).",
    registry=REGISTRY,
    multiprocess_mode="max",
)
AUDIT_VERIFICATION_FAILURES = Counter(
    "inspectnet_audit_verification_failures_total",
    "Verifications of the audit chains that found a broken link or a bad checkpoint.",
    registry=REGISTRY,
)


_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_LABELS = 200
_labels: set[str] = set()


def operation_label(name: str | None) -> str:
    """The metric label for an operation name. Names are chosen by clients, so the label set
    is bounded: anonymous operations, odd names and names past the first 200 share a label."""
    if not name:
        return "anonymous"
    if not _OPERATION_NAME.match(name):
        return "invalid"
    if name not in _labels:
        if len(_labels) >= MAX_OPERATION_LABELS:
            return "other"
        _labels.add(name)
    return name


def observe_graphql(
    operation: str, status: int, seconds: float, error_codes: Iterable[str]
) -> None:
    """Record one GraphQL request (called by the endpoint when it has answered)."""
    GRAPHQL_REQUESTS.labels(operation, str(status)).inc()
    GRAPHQL_LATENCY.labels(operation).observe(seconds)
    for code in error_codes:
        GRAPHQL_ERRORS.labels(code).inc()


class PoolCollector(Collector):
    """Connections checked out of and idle in each registered engine's pool."""

    def __init__(self) -> None:
        self._pools: dict[str, QueuePool] = {}

    def register(self, name: str, pool: object) -> None:
        if isinstance(pool, QueuePool):
            self._pools[name] = pool

    def collect(self) -> Iterator[GaugeMetricFamily]:
        used = GaugeMetricFamily(
            "inspectnet_db_pool_checked_out", "Connections in use.", labels=["pool"]
        )
        idle = GaugeMetricFamily(
            "inspectnet_db_pool_idle", "Connections idle in the pool.", labels=["pool"]
        )
        for name, pool in self._pools.items():
            used.add_metric([name], pool.checkedout())
            idle.add_metric([name], pool.checkedin())
        yield used
        yield idle


POOLS = PoolCollector()
REGISTRY.register(POOLS)


def exposition() -> bytes:
    """The text a Prometheus scrape reads."""
    return generate_latest(REGISTRY)
