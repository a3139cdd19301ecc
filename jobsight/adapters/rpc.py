"""The one retry/breaker wrapper for calls between services.

A plain nameko ``RpcProxy`` waits forever for a service that is down, and the request stays
queued to run whenever the service returns. ``ServiceRpc`` gives every call a deadline
(``ServiceTimeout``), makes the queued request expire at that deadline, and puts a circuit
breaker per target service in front, so a dead service fails fast (``ServiceUnavailable``).

The breaker (``jobsight.breaker``) is consulted before the call and told the outcome after it,
and never held during it, so concurrent calls to one service overlap. The deadline starts when
the caller calls: it covers everything the call waits for.
"""
from __future__ import annotations

import os
import socket

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, ServiceProxy

from jobsight import metrics
from jobsight.breaker import Breaker, Rejected
from jobsight.errors import JobsightError, ServiceTimeout, ServiceUnavailable, ValidationError

DEFAULT_TIMEOUT = 10.0
DEFAULTS = {"TIMEOUT": DEFAULT_TIMEOUT, "BREAKER_FAIL_MAX": 5, "BREAKER_RESET_SECONDS": 15,
            "BREAKER_HALF_OPEN_CALLS": 1}


def _is_business_error(exc: BaseException) -> bool:
    """A service that answers with an error of its own is healthy, a ServiceUnavailable included
    (its database is away: it says so at once); only silence trips the breaker: a deadline
    passed, or no instance to take the call."""
    return isinstance(exc, JobsightError) and (getattr(exc, "answered", False)
                                               or not isinstance(exc, (ServiceTimeout, ServiceUnavailable)))


# Bad input is the caller's fault, never the service's: stated on its own so that it holds
# whatever the error hierarchy becomes.
EXCLUDED = (ValidationError, _is_business_error)


def rpc_settings(config: dict, target: str) -> dict:
    """The ``RPC`` section's defaults with ``RPC.TARGETS.<target>`` laid over them."""
    section = config.get("RPC", {}) or {}
    targets = section.get("TARGETS") or {}
    override = targets.get(target) or {}
    unknown = set(override) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"RPC.TARGETS.{target}: unknown settings {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    merged = {key: section.get(key, default) for key, default in DEFAULTS.items()}
    merged.update(override)
    return {"timeout": float(merged["TIMEOUT"]), "fail_max": int(merged["BREAKER_FAIL_MAX"]),
            "reset_seconds": float(merged["BREAKER_RESET_SECONDS"]),
            "half_open_calls": int(merged["BREAKER_HALF_OPEN_CALLS"])}


class GuardedMethod:
    def __init__(self, method_proxy, service: str, method: str, timeout: float, breaker: Breaker):
        self._method = method_proxy
        self._name = f"{service}.{method}"
        self._service = service
        self._timeout = timeout
        self._breaker = breaker

    def __call__(self, *args, **kwargs):
        late = ServiceTimeout(f"Service {self._service} did not answer in time")
        deadline = eventlet.Timeout(self._timeout, late)
        try:
            try:
                permit = self._breaker.admit()
            except Rejected:
                raise ServiceUnavailable(f"Service {self._service} is unavailable") from None
            try:
                result = self._invoke(late, *args, **kwargs)
            except Exception as exc:
                if self._breaker.failed(permit, exc):
                    raise ServiceUnavailable(f"Service {self._service} is unavailable") from exc
                raise
            except BaseException:
                self._breaker.abandoned(permit)
                raise
            self._breaker.succeeded(permit)
            return result
        finally:
            deadline.cancel()

    def _invoke(self, late, *args, **kwargs):
        try:
            reply = self._method.call_async(*args, **kwargs)
        except UnknownService:
            raise ServiceUnavailable(f"Service {self._service} is unavailable")
        try:
            return reply.result()
        except JobsightError as exc:
            if exc is not late:
                exc.answered = True  # the service's own answer, not our deadline
            raise


class GuardedServiceProxy:
    def __init__(self, proxy: ServiceProxy, service: str, timeout: float, breaker):
        self._proxy = proxy
        self._service = service
        self._timeout = timeout
        self._breaker = Breaker.of(breaker)

    def __getattr__(self, method: str) -> GuardedMethod:
        return GuardedMethod(getattr(self._proxy, method), self._service, method, self._timeout, self._breaker)

    def with_timeout(self, seconds: float) -> "GuardedServiceProxy":
        return GuardedServiceProxy(self._proxy, self._service, seconds, self._breaker)

    @property
    def breaker_state(self) -> str:
        return self._breaker.state

    def breaker_report(self) -> dict:
        """This process's breaker to the service: state, failures, and the settings in force."""
        return {**self._breaker.snapshot(), "timeout": self._timeout}


# This process's breakers by target, for its metrics (one service per process under `nameko run`).
_BREAKERS: dict[str, Breaker] = {}


class ServiceRpc(RpcProxy):
    """``ServiceRpc("users")``: an RPC proxy with a deadline and a circuit breaker.

    Settings come from the ``RPC`` section of the config: TIMEOUT, BREAKER_FAIL_MAX,
    BREAKER_RESET_SECONDS and BREAKER_HALF_OPEN_CALLS for every target, and the same keys under
    ``RPC.TARGETS.<service>`` for one target (``RPC: {TARGETS: {etl: {TIMEOUT: 30}}}``).
    The breaker belongs to this process: each instance of a service keeps its own.
    """

    def setup(self):
        settings = rpc_settings(self.container.config, self.target_service)
        self.timeout = settings["timeout"]
        # The queued request dies with the caller's deadline instead of running much later.
        self.options.setdefault("expiration", self.timeout)
        self.breaker = Breaker(fail_max=settings["fail_max"], reset_timeout=settings["reset_seconds"],
                               half_open_calls=settings["half_open_calls"], exclude=EXCLUDED,
                               name=self.target_service)
        _BREAKERS[self.target_service] = self.breaker
        metrics.report("circuits", lambda: metrics.circuit_families(
            {target: breaker.state for target, breaker in _BREAKERS.items()}))
        super().setup()

    def get_dependency(self, worker_ctx):
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **self.options)
        return GuardedServiceProxy(proxy, self.target_service, self.timeout, self.breaker)


def breaker_reports(service, targets) -> dict:
    """What a ``breakers()`` RPC answers: which process this is, and its breaker to each target.
    Every instance keeps its own breakers; an RPC reaches one instance."""
    return {"instance": f"{socket.gethostname()}:{os.getpid()}", "replica": os.environ.get("JOBSIGHT_INSTANCE"),
            "breakers": {name: getattr(service, name).breaker_report() for name in targets}}
