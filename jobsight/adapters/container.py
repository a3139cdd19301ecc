"""The service container every Jobsight process runs (``SERVICE_CONTAINER_CLS`` in config.yml).

nameko's own container kills the whole process when anything raises after the entrypoint's
method returned: publishing an RPC reply while the broker is away, acking a message on a dead
connection, a rollback on a dropped database connection in a provider's teardown. Each of those
concerns one request. Here it fails that request (the caller's deadline answers it; an unacked
message is redelivered, and handlers are idempotent) and is logged and counted; the process,
and every other request it serves, goes on.

A worker that raised because its database or Redis is away (a lost or refused connection, a
timeout) answers ``ServiceUnavailable`` (HTTP 503, retry later) rather than an internal error:
the caller learns it is transient, and its breaker counts it as the service failing.
"""
from __future__ import annotations

import logging

import redis
from nameko.containers import ServiceContainer

from jobsight.adapters.database import DATABASE_AWAY
from jobsight.errors import ServiceUnavailable

log = logging.getLogger("jobsight.container")
REDIS_AWAY = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class ResilientContainer(ServiceContainer):
    survived = 0  # faults after a worker's method that nameko would have died of
    ready = False  # every extension started: the gateway's /health/live says so (jobsight.web.server)

    def start(self):
        # nameko starts the web server and the RPC reply consumer side by side: a gateway that
        # took a request before its reply queue was consumed would lose the reply (a 504).
        self.ready = False
        super().start()
        self.ready = True

    def _survive(self, stage: str, worker_ctx, exc: Exception) -> None:
        type(self).survived += 1
        log.warning("%s of %s.%s failed (%s: %s); the request fails, the service goes on", stage,
                    worker_ctx.service_name, worker_ctx.entrypoint.method_name, type(exc).__name__, exc,
                    extra={"stage": stage, "error": type(exc).__name__})

    @staticmethod
    def _transient(worker_ctx, exc_info):
        """A database that went away becomes ServiceUnavailable; anything else is kept."""
        if exc_info is not None and isinstance(exc_info[1], DATABASE_AWAY + REDIS_AWAY):
            what = "database" if isinstance(exc_info[1], DATABASE_AWAY) else "Redis"
            error = ServiceUnavailable(f"The {worker_ctx.service_name} service's {what} is unavailable; "
                                       "try again shortly")
            error.__cause__ = exc_info[1]
            return type(error), error, exc_info[2]
        return exc_info

    def _run_worker(self, worker_ctx, handle_result):
        if handle_result is not None:
            inner = handle_result

            def handle_result(worker_ctx, result, exc_info):
                exc_info = self._transient(worker_ctx, exc_info)
                try:
                    return inner(worker_ctx, result, exc_info)
                except Exception as exc:
                    self._survive("handling the result", worker_ctx, exc)
                    return result, exc_info

        super()._run_worker(worker_ctx, handle_result)

    def _worker_result(self, worker_ctx, result, exc_info):
        for provider in self.dependencies:
            try:
                provider.worker_result(worker_ctx, result, exc_info)
            except Exception as exc:
                self._survive(f"{type(provider).__name__}.worker_result", worker_ctx, exc)

    def _worker_teardown(self, worker_ctx):
        for provider in self.dependencies:
            try:
                provider.worker_teardown(worker_ctx)
            except Exception as exc:
                self._survive(f"{type(provider).__name__}.worker_teardown", worker_ctx, exc)
