"""Deadlines and circuit breaking around calls to other services."""
import eventlet
import pybreaker
import pytest
from nameko.exceptions import UnknownService

from jobsight.errors import NotFound, ServiceTimeout, ServiceUnavailable
from jobsight.adapters.rpc import GuardedServiceProxy, _is_business_error


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
