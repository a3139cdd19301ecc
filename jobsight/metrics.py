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


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def circuit(service: str, state: str) -> None:
    CIRCUIT_STATE.labels(service).state(state)
    CIRCUIT_OPEN.labels(service).set(1 if state == breaker.OPEN else 0)


def exposition() -> Response:
    return Response(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
