"""Every Prometheus metric a Jobsight process exports, in one registry per process.

Each service instance serves this registry on a port of its own (``METRICS_PORT``,
jobsight.adapters.metrics), which only operators reach; the gateway also answers ``/metrics``
on its public port to a request with the operator token. Prometheus adds
``service`` and ``instance`` to every series from the file the supervisor writes, so no metric
here carries a ``service`` label of its own; a call to another service says ``target``.

What is counted where:

- every process: entrypoint calls, errors and latency (jobsight.adapters.context), circuits to
  the services it calls (jobsight.adapters.rpc), log shipping (jobsight.logship), its own CPU
  and memory;
- gateway: HTTP requests and latency, websocket clients, notifications pushed and how long
  after their commit, the insight cache;
- scraper: source runs, postings, skips, errors, 304s, durations, the last successful run;
- users and scraper: the outbox backlog;
- etl: the warehouse version, lag and quality checks;
- users: notifications stored;
- coordinator: in-doubt transactions and stuck sagas.
"""
from __future__ import annotations

import time

from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector,
                               generate_latest)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from werkzeug.wrappers import Response

from jobsight import breaker

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # process_resident_memory_bytes, process_cpu_seconds_total, ...

_FAST = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_SLOW = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

# -- every process ---------------------------------------------------------------------------

ENTRYPOINT_CALLS = Counter("jobsight_entrypoint_calls_total", "Calls of an entrypoint (RPC, event, timer, HTTP)",
                           ["entrypoint", "kind"], registry=REGISTRY)
ENTRYPOINT_ERRORS = Counter("jobsight_entrypoint_errors_total", "Entrypoint calls that raised, by exception type",
                            ["entrypoint", "kind", "error"], registry=REGISTRY)
ENTRYPOINT_SECONDS = Histogram("jobsight_entrypoint_seconds", "Time an entrypoint's worker ran",
                               ["entrypoint", "kind"], buckets=_FAST, registry=REGISTRY)

# -- gateway ---------------------------------------------------------------------------------

REQUESTS = Counter("jobsight_http_requests_total", "HTTP requests answered by the gateway",
                   ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("jobsight_http_request_seconds", "Time to answer an HTTP request", ["route"],
                    buckets=_FAST, registry=REGISTRY)
NOTIFICATIONS_PUSHED = Counter("jobsight_notifications_pushed_total",
                               "Notifications pushed to a websocket client of this gateway", registry=REGISTRY)
PUSH_DELAY = Histogram("jobsight_notification_push_seconds",
                       "From a notification's commit in users_db to its push on a websocket",
                       buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60), registry=REGISTRY)

# -- scraper ---------------------------------------------------------------------------------

SOURCE_RUNS = Counter("jobsight_source_runs_total", "Source runs, by outcome (complete, partial, not_modified, failed)",
                      ["source", "outcome"], registry=REGISTRY)
SOURCE_POSTINGS = Counter("jobsight_source_postings_total", "Postings fetched from a source", ["source"],
                          registry=REGISTRY)
SOURCE_CHANGES = Counter("jobsight_source_jobs_changed_total", "Canonical jobs a source's runs changed, by change",
                         ["source", "change"], registry=REGISTRY)
SOURCE_SKIPS = Counter("jobsight_source_skips_total", "Malformed postings skipped (logged, the rest kept)",
                       ["source"], registry=REGISTRY)
SOURCE_ERRORS = Counter("jobsight_source_errors_total", "Errors while running a source", ["source"],
                        registry=REGISTRY)
SOURCE_NOT_MODIFIED = Counter("jobsight_source_not_modified_total", "Source runs answered 304 Not Modified",
                              ["source"], registry=REGISTRY)
SOURCE_SECONDS = Histogram("jobsight_source_run_seconds", "Duration of a source run", ["source"], buckets=_SLOW,
                           registry=REGISTRY)
SOURCE_LAST_SUCCESS = Gauge("jobsight_source_last_success_timestamp_seconds",
                            "When a source last completed a run (ingestion lag: time() minus this)", ["source"],
                            registry=REGISTRY)

# -- etl -------------------------------------------------------------------------------------

WAREHOUSE_VERSION = Gauge("jobsight_warehouse_version", "Loads of the warehouse so far (its version)",
                          registry=REGISTRY)
ETL_LAG_SECONDS = Gauge("jobsight_etl_lag_seconds", "How far the warehouse is behind jobs_db, in seconds",
                        registry=REGISTRY)
ETL_LAG_EVENTS = Gauge("jobsight_etl_lag_events", "Job events waiting for the warehouse", registry=REGISTRY)
WAREHOUSE_QUALITY_FAILURES = Gauge("jobsight_warehouse_quality_failures", "Rows failing a warehouse quality check",
                                   ["check"], registry=REGISTRY)
WAREHOUSE_JOBS = Gauge("jobsight_warehouse_jobs", "Jobs in the warehouse by status", ["status"], registry=REGISTRY)
WAREHOUSE_EVENTS = Gauge("jobsight_warehouse_events", "Job events the warehouse applied or rejected, all time",
                         ["outcome"], registry=REGISTRY)

# -- users -----------------------------------------------------------------------------------

NOTIFICATIONS_STORED = Counter("jobsight_notifications_stored_total", "Notifications written to users_db",
                               registry=REGISTRY)

# -- coordinator -----------------------------------------------------------------------------

IN_DOUBT = Gauge("jobsight_in_doubt_transactions", "Prepared two-phase-commit transactions not yet resolved",
                 registry=REGISTRY)
IN_DOUBT_OLDEST = Gauge("jobsight_in_doubt_oldest_seconds", "Age of the oldest prepared transaction (it holds "
                        "locks and holds back VACUUM)", registry=REGISTRY)
STUCK_SAGAS = Gauge("jobsight_stuck_sagas", "Sagas retrying a step for longer than COORDINATOR.STUCK_SECONDS",
                    registry=REGISTRY)


# -- recording -------------------------------------------------------------------------------

def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def entrypoint(name: str, kind: str, seconds: float, error: str | None = None) -> None:
    ENTRYPOINT_CALLS.labels(name, kind).inc()
    ENTRYPOINT_SECONDS.labels(name, kind).observe(seconds)
    if error is not None:
        ENTRYPOINT_ERRORS.labels(name, kind, error).inc()


def source_run(stats: dict) -> None:
    """One source run's figures (jobsight.ingestion.pipeline.RunStats.to_dict())."""
    source = stats["source"]
    if stats.get("not_modified"):
        outcome = "not_modified"
    elif stats.get("complete"):
        outcome = "complete"
    else:
        outcome = "partial" if stats.get("fetched") else "failed"
    SOURCE_RUNS.labels(source, outcome).inc()
    SOURCE_POSTINGS.labels(source).inc(stats.get("fetched", 0))
    for change in ("new", "updated", "closed"):
        SOURCE_CHANGES.labels(source, change).inc(stats.get(change, 0))
    SOURCE_SKIPS.labels(source).inc(stats.get("skipped", 0))
    SOURCE_ERRORS.labels(source).inc(stats.get("errors", 0))
    if stats.get("not_modified"):
        SOURCE_NOT_MODIFIED.labels(source).inc()
    SOURCE_SECONDS.labels(source).observe(stats.get("duration_ms", 0) / 1000)
    if outcome in ("complete", "not_modified"):
        SOURCE_LAST_SUCCESS.labels(source).set(time.time())


def warehouse(status: dict) -> None:
    """The gauges of etl's status (jobsight.warehouse.store.WarehouseStore.status)."""
    if isinstance(status.get("version"), int):
        WAREHOUSE_VERSION.set(status["version"])
    lag = status.get("lag") or {}
    ETL_LAG_SECONDS.set(lag.get("seconds") or 0)
    ETL_LAG_EVENTS.set(lag.get("events") if isinstance(lag.get("events"), int) else 0)
    for name, check in ((status.get("quality") or {}).get("checks") or {}).items():
        WAREHOUSE_QUALITY_FAILURES.labels(name).set(check.get("failures", 0))
    for state, count in (status.get("jobs") or {}).items():
        WAREHOUSE_JOBS.labels(state).set(count)
    for outcome, count in (status.get("events") or {}).items():
        WAREHOUSE_EVENTS.labels(outcome).set(count or 0)


def in_doubt(count: int, oldest_seconds: float) -> None:
    IN_DOUBT.set(count)
    IN_DOUBT_OLDEST.set(oldest_seconds)


def pushed(created_at: str | None) -> None:
    """A notification went out on a websocket; ``created_at`` is its commit time (ISO 8601)."""
    NOTIFICATIONS_PUSHED.inc()
    if created_at:
        from datetime import datetime, timezone

        try:
            when = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
        except (TypeError, ValueError):
            return
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        PUSH_DELAY.observe(max(time.time() - when.timestamp(), 0.0))


# -- read at scrape time ----------------------------------------------------------------------
# Figures a component already keeps (a breaker's state, the outbox relay's backlog, the cache's
# counts, the websocket hub's clients) are read when Prometheus asks rather than counted twice.
# Each is registered under a name (a provider's setup), so a container started again in the
# same process replaces its figures instead of doubling them.

_reports: dict[str, object] = {}


def report(name: str, families) -> None:
    """``families()`` returns the metric families of one component; registered under ``name``."""
    _reports[name] = families


def forget(name: str) -> None:
    _reports.pop(name, None)


class _Reports:
    def collect(self):
        for families in list(_reports.values()):
            try:
                yield from families()
            except Exception:  # one component's failing report never fails the scrape
                continue


REGISTRY.register(_Reports())


def circuit_families(states: dict):
    """``{target: state}`` of one process's breakers: the state of each (one series per state,
    1 for the current one, as prometheus_client's Enum), and 1 while open (the alert's input)."""
    state = GaugeMetricFamily("jobsight_circuit_state", "State of this instance's circuit to a service",
                              labels=["target", "jobsight_circuit_state"])
    opened = GaugeMetricFamily("jobsight_circuit_open", "1 while this instance's circuit to a service is open",
                               labels=["target"])
    for target, current in sorted(states.items()):
        for name in breaker.STATES:
            state.add_metric([target, name], 1 if name == current else 0)
        opened.add_metric([target], 1 if current == breaker.OPEN else 0)
    return [state, opened]


def websocket_families(clients: int):
    family = GaugeMetricFamily("jobsight_websocket_clients", "Websocket clients connected to this gateway")
    family.add_metric([], clients)
    return [family]


def outbox_families(status: dict):
    """The outbox relay's status as series: waiting, oldest, published."""
    waiting = GaugeMetricFamily("jobsight_outbox_waiting", "Events in this service's outbox, not yet published")
    waiting.add_metric([], status.get("waiting", 0) if isinstance(status.get("waiting"), int) else -1)
    oldest = GaugeMetricFamily("jobsight_outbox_oldest_seconds", "Age of the oldest unpublished event")
    oldest.add_metric([], status.get("oldest_seconds") or 0)
    published = CounterMetricFamily("jobsight_outbox_published", "Events this instance's relay published")
    published.add_metric([], status.get("published", 0))
    return [waiting, oldest, published]


def cache_families(stats: dict):
    """The insight cache's counts as series: requests by result, and each ring node's state."""
    requests = CounterMetricFamily("jobsight_cache_requests", "Insight cache lookups by result", labels=["result"])
    for result in ("hits", "misses", "coalesced", "bypassed", "forwarded", "errors"):
        if result in stats:
            requests.add_metric([result], stats[result])
    node_up = GaugeMetricFamily("jobsight_cache_node_up", "1 while a cache ring node answers", labels=["node"])
    for node, figures in (stats.get("nodes") or {}).items():
        node_up.add_metric([node], 0 if figures.get("state") == "down" else 1)
    return [requests, node_up]


def exposition() -> Response:
    return Response(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
