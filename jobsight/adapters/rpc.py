"""The one retry/breaker wrapper for calls between services.

A plain nameko ``RpcProxy`` waits forever for a service that is down, and the request stays
queued to run whenever the service returns. ``ServiceRpc`` gives every call a deadline
(``ServiceTimeout``), makes the queued request expire at that deadline, and puts a circuit
breaker per target service in front, so a dead service fails fast (``ServiceUnavailable``).
"""
from __future__ import annotations

import eventlet
import pybreaker
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, ServiceProxy

from jobsight.errors import JobsightError, ServiceTimeout, ServiceUnavailable

DEFAULT_TIMEOUT = 10.0


def _is_business_error(exc: BaseException) -> bool:
    """A service that answers with a domain error is healthy; only silence trips the breaker."""
    return isinstance(exc, JobsightError) and not isinstance(exc, (ServiceTimeout, ServiceUnavailable))


class GuardedMethod:
    def __init__(self, method_proxy, service: str, method: str, timeout: float, breaker):
        self._method = method_proxy
        self._name = f"{service}.{method}"
        self._service = service
        self._timeout = timeout
        self._breaker = breaker

    def __call__(self, *args, **kwargs):
        try:
            return self._breaker.call(self._invoke, *args, **kwargs)
        except pybreaker.CircuitBreakerError:
            raise ServiceUnavailable(f"Service {self._service} is unavailable")

    def _invoke(self, *args, **kwargs):
        try:
            reply = self._method.call_async(*args, **kwargs)
        except UnknownService:
            raise ServiceUnavailable(f"Service {self._service} is unavailable")
        timeout = eventlet.Timeout(self._timeout, ServiceTimeout(f"Service {self._service} did not answer in time"))
        try:
            return reply.result()
        finally:
            timeout.cancel()


class GuardedServiceProxy:
    def __init__(self, proxy: ServiceProxy, service: str, timeout: float, breaker):
        self._proxy = proxy
        self._service = service
        self._timeout = timeout
        self._breaker = breaker

    def __getattr__(self, method: str) -> GuardedMethod:
        return GuardedMethod(getattr(self._proxy, method), self._service, method, self._timeout, self._breaker)

    def with_timeout(self, seconds: float) -> "GuardedServiceProxy":
        return GuardedServiceProxy(self._proxy, self._service, seconds, self._breaker)

    @property
    def breaker_state(self) -> str:
        return self._breaker.current_state


class ServiceRpc(RpcProxy):
    """``ServiceRpc("users")``: an RPC proxy with a deadline and a circuit breaker.

    Settings come from the ``RPC`` section of the config (every service's calls): TIMEOUT,
    BREAKER_FAIL_MAX, BREAKER_RESET_SECONDS.
    """

    def setup(self):
        settings = self.container.config.get("RPC", {}) or {}
        self.timeout = float(settings.get("TIMEOUT", DEFAULT_TIMEOUT))
        # The queued request dies with the caller's deadline instead of running much later.
        self.options.setdefault("expiration", self.timeout)
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=int(settings.get("BREAKER_FAIL_MAX", 5)),
            reset_timeout=float(settings.get("BREAKER_RESET_SECONDS", 15)),
            exclude=[_is_business_error],
            name=self.target_service,
        )
        super().setup()

    def get_dependency(self, worker_ctx):
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **self.options)
        return GuardedServiceProxy(proxy, self.target_service, self.timeout, self.breaker)
