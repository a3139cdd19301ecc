"""Every worker's request id made current for logging, and each call's outcome logged and
counted (``jobsight_entrypoint_*``: calls, errors by type, latency)."""
from __future__ import annotations

import logging

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler

from jobsight import logs, metrics

calls = logging.getLogger("jobsight.calls")


def entrypoint_kind(entrypoint) -> str:
    for kind, cls in (("rpc", Rpc), ("event", EventHandler), ("timer", Timer), ("http", HttpRequestHandler)):
        if isinstance(entrypoint, cls):
            return kind
    return "other"


class RequestContext(DependencyProvider):
    def worker_setup(self, worker_ctx):
        logs.begin_call(worker_ctx.context_data.get(logs.REQUEST_ID_KEY), worker_ctx.service_name)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        took_ms = logs.call_duration_ms()
        entrypoint = worker_ctx.entrypoint.method_name
        started_at = logs.call_started_at()
        metrics.entrypoint(entrypoint, entrypoint_kind(worker_ctx.entrypoint), (took_ms or 0) / 1000,
                           None if exc_info is None else exc_info[0].__name__)
        if exc_info is None:
            calls.info("%s.%s ok", worker_ctx.service_name, entrypoint,
                       extra={"entrypoint": entrypoint, "duration_ms": took_ms, "outcome": "ok",
                              "started_at": started_at})
        else:
            calls.info("%s.%s failed: %s", worker_ctx.service_name, entrypoint, exc_info[0].__name__,
                       extra={"entrypoint": entrypoint, "duration_ms": took_ms, "outcome": exc_info[0].__name__,
                              "started_at": started_at})

    def worker_teardown(self, worker_ctx):
        logs.set_request_id(None)
