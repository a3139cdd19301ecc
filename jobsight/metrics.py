"""Prometheus metrics of a gateway process: requests by route and status, their latency, and
each downstream service's circuit state. Served at ``/metrics`` (text exposition format)."""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Enum, Gauge, Histogram, generate_latest
from werkzeug.wrappers import Response

from jobsight import breaker

REGISTRY = CollectorRegistry()
REQUESTS = Counter("jobsight_http_requests_total", "HTTP requests answered by the gateway",
                   ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("jobsight_http_request_seconds", "Time to answer an HTTP request", ["route"],
                    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
CIRCUIT_STATE = Enum("jobsight_circuit_state", "State of the gateway's circuit to a service", ["service"],
                     states=list(breaker.STATES), registry=REGISTRY)
# The open/not-open gauge dashboards and alerts were built on; the state above tells half-open apart.
CIRCUIT_OPEN = Gauge("jobsight_circuit_open", "1 while the gateway's circuit to a service is open", ["service"],
                     registry=REGISTRY)
WEBSOCKET_CLIENTS = Gauge("jobsight_websocket_clients", "Websocket clients connected to this gateway",
                          registry=REGISTRY)
# What the services report in their health, read at each scrape (-1: the service did not answer).
OUTBOX_WAITING = Gauge("jobsight_outbox_waiting", "Events written to a service's outbox, not yet published",
                       ["service"], registry=REGISTRY)
OUTBOX_OLDEST = Gauge("jobsight_outbox_oldest_seconds", "Age of the oldest unpublished event", ["service"],
                      registry=REGISTRY)
IN_DOUBT = Gauge("jobsight_in_doubt_transactions", "Prepared two-phase-commit transactions not yet resolved",
                 registry=REGISTRY)
IN_DOUBT_OLDEST = Gauge("jobsight_in_doubt_oldest_seconds", "Age of the oldest prepared transaction (it holds "
                        "locks and holds back VACUUM)", registry=REGISTRY)
STUCK_SAGAS = Gauge("jobsight_stuck_sagas", "Sagas retrying a step for longer than COORDINATOR.STUCK_SECONDS",
                    registry=REGISTRY)


def backends(reports: dict) -> None:
    """Set the gauges from the health reports of users, scraper and coordinator (None: no answer)."""
    for service in ("users", "scraper"):
        outbox = (reports.get(service) or {}).get("outbox") or {}
        OUTBOX_WAITING.labels(service).set(outbox.get("waiting", -1) if "waiting" in outbox else -1)
        OUTBOX_OLDEST.labels(service).set(outbox.get("oldest_seconds") or 0)
    coordinator = reports.get("coordinator") or {}
    doubt = coordinator.get("in_doubt") or {}
    IN_DOUBT.set(doubt.get("count", -1) if "count" in doubt else -1)
    IN_DOUBT_OLDEST.set(doubt.get("oldest_seconds") or 0)
    stuck = coordinator.get("stuck_sagas")
    STUCK_SAGAS.set(stuck if isinstance(stuck, int) else -1)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def circuit(service: str, state: str) -> None:
    CIRCUIT_STATE.labels(service).state(state)
    CIRCUIT_OPEN.labels(service).set(1 if state == breaker.OPEN else 0)


def exposition() -> Response:
    return Response(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
