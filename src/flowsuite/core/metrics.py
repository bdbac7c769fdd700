"""Metrics in the Prometheus text format at /metrics: requests, latency, database pools and database errors.

One registry per process. Each endpoint's handler keeps its own label children (EndpointMeter), made on its
first request, so serving a request costs a histogram observation and a counter increment, never a lookup of
labels by name. Pool use is read from the pools when /metrics is asked, not counted per request.

With `flowsuite serve --workers N` each worker process has its own registry and a scrape reaches one of them:
the README's "Operating it" says why flowsuite does not use prometheus-client's multiprocess mode.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from fastapi import APIRouter
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool
from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from flowsuite.core.db import Database

REGISTRY = CollectorRegistry()
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    # The process's CPU, memory, open files and garbage collection, as prometheus-client's default registry has.
    REGISTRY.register(_collector)

# Reads are served in well under a millisecond: the buckets start there.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "flowsuite_requests",
    "Requests the pipeline answered, by face, endpoint (operationId) and status.",
    ["face", "endpoint", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "flowsuite_request_duration_seconds",
    "Time from a request's arrival at the pipeline to its reply, by face and endpoint (operationId).",
    ["face", "endpoint"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
DATABASE_ERRORS = Counter(
    "flowsuite_database_errors",
    "Database errors the pipeline's error policy met, by face, endpoint and kind: conflict (a unique violation "
    "or a serialization failure; retried ones count too), outage (the database could not answer), incident "
    "(anything else, answered 500).",
    ["face", "endpoint", "kind"],
    registry=REGISTRY,
)

# The kinds of DATABASE_ERRORS.
CONFLICT = "conflict"
OUTAGE = "outage"
INCIDENT = "incident"


class EndpointMeter:
    """One endpoint's metric children, made when first needed and kept for every later request."""

    __slots__ = ("_by_status", "_errors", "_latency", "endpoint", "face")

    def __init__(self, face: str, endpoint: str) -> None:
        self.face = face
        self.endpoint = endpoint
        self._latency: Histogram | None = None
        self._by_status: dict[int, Counter] = {}
        self._errors: dict[str, Counter] = {}

    def observe(self, status: int, seconds: float) -> None:
        """Counts a reply of `status` that took `seconds`."""
        latency = self._latency
        if latency is None:
            latency = self._latency = LATENCY.labels(self.face, self.endpoint)
        latency.observe(seconds)
        requests = self._by_status.get(status)
        if requests is None:
            requests = self._by_status[status] = REQUESTS.labels(self.face, self.endpoint, str(status))
        requests.inc()

    def database_error(self, kind: str) -> None:
        """Counts a database error of `kind` (CONFLICT, OUTAGE or INCIDENT)."""
        errors = self._errors.get(kind)
        if errors is None:
            errors = self._errors[kind] = DATABASE_ERRORS.labels(self.face, self.endpoint, kind)
        errors.inc()


class PoolCollector(Collector):
    """Each serving database's pools, read when the metrics are asked: connections checked out, and the pool's
    size (the connections it keeps; past them it opens overflow connections)."""

    def __init__(self) -> None:
        self.databases: list[Database] = []

    def collect(self) -> Iterable[Metric]:
        checked_out = GaugeMetricFamily(
            "flowsuite_db_pool_checked_out", "Database connections in use, by pool.", labels=["pool"]
        )
        size = GaugeMetricFamily(
            "flowsuite_db_pool_size", "Database connections a pool keeps open, by pool.", labels=["pool"]
        )
        for database in self.databases:
            for name, pool in database.pools().items():
                if isinstance(pool, QueuePool):
                    checked_out.add_metric([name], pool.checkedout())
                    size.add_metric([name], pool.size())
        yield checked_out
        yield size


POOLS = PoolCollector()
REGISTRY.register(POOLS)


@contextmanager
def watching(database: Database) -> Iterator[None]:
    """While the block runs (the app's lifespan), /metrics reports `database`'s pools."""
    POOLS.databases.append(database)
    try:
        yield
    finally:
        POOLS.databases.remove(database)


router = APIRouter(include_in_schema=False)


def _is_loopback(request: Request) -> bool:
    if request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """The metrics, to callers with the bearer token when FLOWSUITE_METRICS_TOKEN is set (403 without it),
    else to loopback callers only (404 to anyone else: the path is not announced)."""
    token: str | None = request.app.state.runtime.settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return Response(status_code=403)
    elif not _is_loopback(request):
        return Response(status_code=404)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_PLAIN_0_0_4)
