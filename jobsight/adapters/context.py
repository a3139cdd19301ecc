"""Every worker's request id made current for logging, and each call's outcome logged."""
from __future__ import annotations

import logging

from nameko.extensions import DependencyProvider

from jobsight import logs

calls = logging.getLogger("jobsight.calls")


class RequestContext(DependencyProvider):
    def worker_setup(self, worker_ctx):
        logs.begin_call(worker_ctx.context_data.get(logs.REQUEST_ID_KEY), worker_ctx.service_name)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        took_ms = logs.call_duration_ms()
        entrypoint = worker_ctx.entrypoint.method_name
        started_at = logs.call_started_at()
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
