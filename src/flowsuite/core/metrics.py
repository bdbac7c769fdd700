"""Metrics in the Prometheus text format at /metrics: requests, latency, database pools and database errors.

One registry per process. Each endpoint's handler counts into its own EndpointMeter: plain integers, added to on
the event loop (the one thread that finishes requests), so a request costs two additions and a bisection, no
lock and no lookup of labels by name; the counts become Prometheus metrics only when /metrics is asked. Pool
use is read from the pools then too, not counted per request.

With `flowsuite serve --workers N` each worker process has its own registry and a scrape reaches one of them:
the README's "Operating it" says why flowsuite does not use prometheus-client's multiprocess mode.
"""

from __future__ import annotations

import hmac
import ipaddress
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import accumulate
from typing import TYPE_CHECKING

from fastapi import APIRouter
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
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
    """One endpoint's request counts by status and its latency histogram, in plain integers.

    Only the event loop adds to them (a handler finishes every request there), so no lock is needed; they
    are read into metrics when /metrics is asked (RequestCollector). Database errors are counted where the
    error policy meets them, on a worker thread too, with prometheus-client's own locked counters.
    """

    __slots__ = ("_errors", "buckets", "endpoint", "face", "seconds", "statuses")

    def __init__(self, face: str, endpoint: str) -> None:
        self.face = face
        self.endpoint = endpoint
        self.statuses: dict[int, int] = {}
        # Observations per latency bucket (not cumulative), the last one past every bound (+Inf).
        self.buckets = [0] * (len(LATENCY_BUCKETS) + 1)
        self.seconds = 0.0
        self._errors: dict[str, Counter] = {}
        METERS.append(self)

    def observe(self, status: int, seconds: float) -> None:
        """Counts a reply of `status` that took `seconds`."""
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.buckets[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.seconds += seconds

    def database_error(self, kind: str) -> None:
        """Counts a database error of `kind` (CONFLICT, OUTAGE or INCIDENT)."""
        errors = self._errors.get(kind)
        if errors is None:
            errors = self._errors[kind] = DATABASE_ERRORS.labels(self.face, self.endpoint, kind)
        errors.inc()


METERS: list[EndpointMeter] = []


class RequestCollector(Collector):
    """The meters' counts as `flowsuite_requests_total` and `flowsuite_request_duration_seconds`; meters of one
    endpoint (an application made twice in a process) are added together."""

    def collect(self) -> Iterable[Metric]:
        requests = CounterMetricFamily(
            "flowsuite_requests",
            "Requests the pipeline answered, by face, endpoint (operationId) and status.",
            labels=["face", "endpoint", "status"],
        )
        latency = HistogramMetricFamily(
            "flowsuite_request_duration_seconds",
            "Time from a request's arrival at the pipeline to its reply, by face and endpoint (operationId).",
            labels=["face", "endpoint"],
        )
        statuses: dict[tuple[str, str, str], int] = {}
        histograms: dict[tuple[str, str], tuple[list[int], float]] = {}
        for meter in list(METERS):
            for status, count in list(meter.statuses.items()):
                key = (meter.face, meter.endpoint, str(status))
                statuses[key] = statuses.get(key, 0) + count
            buckets, seconds = histograms.get((meter.face, meter.endpoint), ([0] * len(meter.buckets), 0.0))
            histograms[(meter.face, meter.endpoint)] = (
                [a + b for a, b in zip(buckets, meter.buckets, strict=True)],
                seconds + meter.seconds,
            )
        for labels, count in statuses.items():
            requests.add_metric(list(labels), count)
        for (face, endpoint), (buckets, seconds) in histograms.items():
            if not any(buckets):
                continue
            bounds = [*(str(bound) for bound in LATENCY_BUCKETS), "+Inf"]
            latency.add_metric([face, endpoint], list(zip(bounds, accumulate(buckets), strict=True)), seconds)
        yield requests
        yield latency


REGISTRY.register(RequestCollector())


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
