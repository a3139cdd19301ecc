"""Deadlines and circuit breaking around calls to other services."""
import time

import eventlet
import eventlet.semaphore
import pybreaker
import pytest
from nameko.exceptions import UnknownService

from jobsight.breaker import Breaker
from jobsight.errors import NotFound, ServiceTimeout, ServiceUnavailable
from jobsight.adapters.rpc import EXCLUDED, GuardedServiceProxy, _is_business_error, rpc_settings


class Reply:
    def __init__(self, outcome, delay=0.0):
        self.outcome, self.delay = outcome, delay

    def result(self):
        eventlet.sleep(self.delay)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


class FakeService:
    """Stands in for nameko's ServiceProxy: each method returns a Reply we script."""

    def __init__(self, outcome, delay=0.0, unknown=False):
        self.outcome, self.delay, self.unknown, self.calls = outcome, delay, unknown, 0

    def __getattr__(self, name):
        service = self

        class Method:
            def call_async(self, *args, **kwargs):
                service.calls += 1
                if service.unknown:
                    raise UnknownService("users")
                return Reply(service.outcome, service.delay)

        return Method()


def guarded(service, timeout=0.2, fail_max=3):
    breaker = pybreaker.CircuitBreaker(fail_max=fail_max, reset_timeout=60, exclude=[_is_business_error])
    return GuardedServiceProxy(service, "users", timeout, breaker)


def test_answers_pass_through():
    assert guarded(FakeService({"ok": True})).health() == {"ok": True}


def test_a_slow_service_times_out_with_a_typed_error():
    with pytest.raises(ServiceTimeout):
        guarded(FakeService("late", delay=1.0), timeout=0.05).health()


def test_an_unknown_service_is_unavailable():
    with pytest.raises(ServiceUnavailable):
        guarded(FakeService(None, unknown=True)).health()


def test_repeated_timeouts_open_the_circuit_and_then_fail_fast():
    service = FakeService("late", delay=1.0)
    proxy = guarded(service, timeout=0.02, fail_max=3)
    for _ in range(2):
        with pytest.raises(ServiceTimeout):
            proxy.health()
    with pytest.raises(ServiceUnavailable):  # the third failure opens the circuit
        proxy.health()
    calls = service.calls
    with pytest.raises(ServiceUnavailable):
        proxy.health()
    assert service.calls == calls  # no message sent while open
    assert proxy.breaker_state == "open"


def test_business_errors_do_not_open_the_circuit():
    proxy = guarded(FakeService(NotFound("No skills")), fail_max=2)
    for _ in range(5):
        with pytest.raises(NotFound):
            proxy.get_subscriptions(1)
    assert proxy.breaker_state == "closed"


def test_a_service_that_answers_unavailable_does_not_open_the_circuit():
    """Its database is away for a moment (a failover): it says so at once; the circuit stays
    closed, so callers reach it again the moment its database is back, not a reset later."""
    proxy = guarded(FakeService(ServiceUnavailable("The database is unavailable right now")), fail_max=2)
    for _ in range(5):
        with pytest.raises(ServiceUnavailable):
            proxy.get_subscriptions(1)
    assert proxy.breaker_state == "closed"


# -- calls overlap; the deadline counts from the call; settings per target -------------------

class OneWorkerService(FakeService):
    """A service with one worker: a call waits for the one before it to finish (as a nameko
    service with max_workers=1 leaves the request in its queue)."""

    def __init__(self, delays):
        super().__init__("ok")
        self.delays, self.worker = list(delays), eventlet.semaphore.Semaphore(1)

    def __getattr__(self, name):
        service = self

        class Busy(Reply):
            def result(self):
                with service.worker:
                    return super().result()

        class Method:
            def call_async(self, *args, **kwargs):
                service.calls += 1
                return Busy("ok", service.delays.pop(0))

        return Method()


def test_concurrent_calls_through_one_breaker_overlap():
    proxy = guarded(FakeService({"ok": True}, delay=0.5), timeout=5)
    started = time.monotonic()
    pile = eventlet.GreenPile()
    for _ in range(10):
        pile.spawn(proxy.health)
    assert list(pile) == [{"ok": True}] * 10
    assert time.monotonic() - started < 2.0  # one at a time would take 5 s


def test_the_deadline_counts_from_the_call_even_behind_a_hung_call():
    proxy = guarded(OneWorkerService([3.0, 0.0]), timeout=5, fail_max=10)
    hung = eventlet.spawn(proxy.health)
    eventlet.sleep(0.05)
    started = time.monotonic()
    with pytest.raises(ServiceTimeout):
        proxy.with_timeout(0.5).health()
    assert 0.4 < time.monotonic() - started < 1.5
    hung.kill()


def test_half_open_lets_one_trial_through_and_the_rest_fail_fast():
    service = FakeService("late", delay=1.0)
    breaker = Breaker(fail_max=1, reset_timeout=0.05, exclude=EXCLUDED, name="users")
    proxy = GuardedServiceProxy(service, "users", 0.05, breaker)
    with pytest.raises(ServiceUnavailable):
        proxy.health()  # times out and trips
    eventlet.sleep(0.1)
    service.outcome, service.delay = {"ok": True}, 0.3
    trial = eventlet.spawn(proxy.with_timeout(2).health)
    eventlet.sleep(0.05)
    calls = service.calls
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        proxy.with_timeout(2).health()
    assert time.monotonic() - started < 0.1 and service.calls == calls
    assert proxy.breaker_state == "half-open"
    assert trial.wait() == {"ok": True} and proxy.breaker_state == "closed"


def test_a_caller_killed_mid_call_frees_the_trial_without_a_verdict():
    breaker = Breaker(fail_max=1, reset_timeout=0.01, exclude=EXCLUDED, name="users")
    proxy = GuardedServiceProxy(FakeService("late", delay=1.0), "users", 5, breaker)
    breaker.failed(breaker.admit(), ServiceTimeout("late"))
    eventlet.sleep(0.02)
    caller = eventlet.spawn(proxy.health)
    eventlet.sleep(0.05)
    caller.kill()
    assert breaker.snapshot()["trials_in_flight"] == 0 and breaker.state == "half-open"


def test_settings_per_target_over_the_defaults():
    config = {"RPC": {"TIMEOUT": 10, "BREAKER_FAIL_MAX": 5, "BREAKER_RESET_SECONDS": 15,
                      "TARGETS": {"etl": {"TIMEOUT": 30, "BREAKER_HALF_OPEN_CALLS": 2}}}}
    assert rpc_settings(config, "etl") == {"timeout": 30.0, "fail_max": 5, "reset_seconds": 15.0,
                                           "half_open_calls": 2}
    assert rpc_settings(config, "users") == {"timeout": 10.0, "fail_max": 5, "reset_seconds": 15.0,
                                             "half_open_calls": 1}
    assert rpc_settings({}, "users")["timeout"] == 10.0
    with pytest.raises(ValueError, match="TIMOUT"):
        rpc_settings({"RPC": {"TARGETS": {"etl": {"TIMOUT": 30}}}}, "etl")


def test_breaker_report_shows_state_failures_and_settings():
    proxy = guarded(FakeService("late", delay=1.0), timeout=0.02, fail_max=3)
    with pytest.raises(ServiceTimeout):
        proxy.health()
    report = proxy.with_timeout(7).breaker_report()
    assert report["state"] == "closed" and report["failures"] == 1
    assert report["fail_max"] == 3 and report["half_open_calls"] == 1 and report["timeout"] == 7
