"""Prometheus metrics: per-operation latency and counts, errors by code, authorization
decisions, database pool use.

With several worker processes (``inspectnet serve --workers N``) each worker writes its values
to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode, chosen when
the variable is set before this module is first imported) and a scrape, whichever worker
answers it, reads and sums them all. A scrape needs the bearer token ``INSPECTNET_METRICS_TOKEN``
unless the server runs in development.
"""

from __future__ import annotations

import hmac
import os
import re
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as _multiprocess
from prometheus_client import values as _values
from sqlalchemy import event
from sqlalchemy.pool import QueuePool
from starlette.responses import Response

# The value class is fixed when prometheus_client is imported: the variable set later changes nothing.
MULTIPROCESS = _values.ValueClass.__name__ != "MutexValue"
if MULTIPROCESS:
    # A metric without labels opens its file at once: the directory must exist before the
    # first one below, whichever module (a CLI command, a worker) imports this one first.
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

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


# Summed over the live workers; a worker that has stopped is taken out by ``worker_stopped``.
POOL_CHECKED_OUT = Gauge(
    "inspectnet_db_pool_checked_out",
    "Connections in use.",
    ["pool"],
    multiprocess_mode="livesum",
    registry=REGISTRY,
)
POOL_IDLE = Gauge(
    "inspectnet_db_pool_idle",
    "Connections idle in the pool.",
    ["pool"],
    multiprocess_mode="livesum",
    registry=REGISTRY,
)


class PoolGauges:
    """Keeps the pool gauges current from the pools' own checkout and checkin events, so a
    scrape answered by one worker still sees every worker's connections."""

    def __init__(self) -> None:
        self._registered: weakref.WeakKeyDictionary[QueuePool, set[str]] = (
            weakref.WeakKeyDictionary()
        )

    def register(self, name: str, pool: object) -> None:
        if not isinstance(pool, QueuePool) or name in self._registered.get(pool, set()):
            return
        self._registered.setdefault(pool, set()).add(name)

        def update(*_args: Any, returning: int = 0) -> None:
            POOL_CHECKED_OUT.labels(name).set(pool.checkedout() - returning)
            POOL_IDLE.labels(name).set(pool.checkedin() + returning)

        def checkin(*_args: Any) -> None:
            # SQLAlchemy fires checkin just before the connection goes back into the queue.
            update(returning=1)

        event.listen(pool, "checkout", update)
        event.listen(pool, "checkin", checkin)
        update()


POOLS = PoolGauges()


def exposition() -> bytes:
    """The text a Prometheus scrape reads: every worker's values in multiprocess mode."""
    if not MULTIPROCESS:
        return generate_latest(REGISTRY)
    forget_dead_workers(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    registry = CollectorRegistry()
    _multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


def forget_dead_workers(directory: str) -> None:
    """Take the live gauges of workers that died without shutting down (killed, crashed and
    restarted by the supervisor) out of the sums; their counters stay, as counters must."""
    for path in Path(directory).glob("gauge_live*_*.db"):
        pid_text = path.stem.rsplit("_", 1)[1]
        if not pid_text.isdigit():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            _multiprocess.mark_process_dead(int(pid_text), directory)
        except PermissionError:
            pass  # alive, owned by someone else


def worker_stopped() -> None:
    """Take this worker's live gauges out of the sums (its counters keep counting)."""
    if MULTIPROCESS:
        _multiprocess.mark_process_dead(os.getpid())


def scrape(token: str | None, development: bool, authorization: str | None) -> Response:
    """The answer to ``GET /metrics``: 404 when not served (no token, not development), 401
    without the right bearer token, else the exposition."""
    if not scrape_allowed(token, development, authorization):
        if token is None:
            return Response(status_code=404)
        return Response(status_code=401, headers={"www-authenticate": "Bearer"})
    return Response(exposition(), media_type=CONTENT_TYPE)


def scrape_allowed(token: str | None, development: bool, authorization: str | None) -> bool:
    """Whether a request for /metrics is answered: with the bearer token when one is configured
    (compared in constant time), without one only in development."""
    if token is None:
        return development
    scheme, _, sent = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(sent.strip().encode(), token.encode())
