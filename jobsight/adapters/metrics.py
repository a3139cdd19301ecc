"""Serves the process's Prometheus registry (jobsight.metrics) on a port of its own, an
operator's port (loopback by default, ``METRICS.HOST``), for every service.

The port is config.yml's ``METRICS.PORT`` (``${METRICS_PORT}``: the supervisor gives every
instance a free one and writes it to the file Prometheus discovers its targets from); 0: no
server (a service run in-process by a test)."""
from __future__ import annotations

import logging

import eventlet
from eventlet import wsgi
from nameko.extensions import DependencyProvider
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from jobsight import metrics

log = logging.getLogger(__name__)


def metrics_port(config: dict) -> int:
    return int((config.get("METRICS") or {}).get("PORT") or 0)


def _app(environ, start_response):
    if environ.get("PATH_INFO") not in ("/metrics", "/"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"metrics are at /metrics\n"]
    body = generate_latest(metrics.REGISTRY)
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
    return [body]


class _Quiet:
    """eventlet.wsgi's access log: one line per scrape is noise in the service's log."""

    def write(self, *_):
        pass


class MetricsEndpoint(DependencyProvider):
    def setup(self):
        self.port = metrics_port(self.container.config)
        self._socket = None
        self._server = None

    def start(self):
        if not self.port:
            return
        host = (self.container.config.get("METRICS") or {}).get("HOST", "127.0.0.1")
        self._socket = eventlet.listen((host, self.port))
        self._server = self.container.spawn_managed_thread(
            lambda: wsgi.server(self._socket, _app, log=_Quiet(), log_output=False))
        log.info("metrics on http://%s:%s/metrics", host, self.port, extra={"metrics_port": self.port})

    def stop(self):
        if self._server is not None:
            self._server.kill()
            self._server = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    kill = stop

    def get_dependency(self, worker_ctx):
        return None
