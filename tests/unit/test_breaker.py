"""The circuit breaker's state machine (jobsight.breaker), on a clock the test moves."""
import pybreaker
import pytest

from jobsight.adapters.rpc import EXCLUDED
from jobsight.breaker import CLOSED, HALF_OPEN, OPEN, Breaker, Rejected
from jobsight.errors import NotFound, ServiceTimeout, ServiceUnavailable, ValidationError


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make(fail_max=3, reset=10.0, half_open_calls=1):
    clock = Clock()
    return Breaker(fail_max=fail_max, reset_timeout=reset, half_open_calls=half_open_calls,
                   exclude=EXCLUDED, name="users", clock=clock), clock


def fail(breaker, exc=None):
    return breaker.failed(breaker.admit(), exc or ServiceTimeout("late"))


def trip(breaker):
    while breaker.state == CLOSED:
        fail(breaker)


def test_closed_admits_calls_that_overlap():
    breaker, _ = make()
    permits = [breaker.admit() for _ in range(50)]  # none recorded yet: nothing waits for another
    assert not any(p.trial for p in permits) and breaker.state == CLOSED


def test_opens_after_fail_max_consecutive_failures():
    breaker, _ = make(fail_max=3)
    assert fail(breaker) is False and fail(breaker) is False
    assert breaker.state == CLOSED and breaker.snapshot()["failures"] == 2
    assert fail(breaker) is True  # the failure that trips is reported as such
    assert breaker.state == OPEN
    with pytest.raises(Rejected):
        breaker.admit()


def test_a_success_resets_the_consecutive_count():
    breaker, _ = make(fail_max=3)
    fail(breaker)
    fail(breaker)
    breaker.succeeded(breaker.admit())
    fail(breaker)
    fail(breaker)
    assert breaker.state == CLOSED


def test_open_turns_calls_away_until_the_reset_time_then_half_opens():
    breaker, clock = make(reset=10.0)
    trip(breaker)
    clock.now += 9.9
    with pytest.raises(Rejected):
        breaker.admit()
    assert breaker.snapshot()["retry_in_seconds"] == pytest.approx(0.1, abs=1e-6)
    clock.now += 0.2
    permit = breaker.admit()
    assert permit.trial and breaker.state == HALF_OPEN


def test_half_open_admits_one_trial_by_default_and_turns_the_rest_away():
    breaker, clock = make()
    trip(breaker)
    clock.now += 11
    breaker.admit()
    for _ in range(5):
        with pytest.raises(Rejected):
            breaker.admit()
    assert breaker.snapshot()["trials_in_flight"] == 1


def test_half_open_admits_at_most_the_configured_trials():
    breaker, clock = make(half_open_calls=3)
    trip(breaker)
    clock.now += 11
    trials = [breaker.admit() for _ in range(3)]
    with pytest.raises(Rejected):
        breaker.admit()
    breaker.abandoned(trials[0])  # a caller that gave up frees its place without a verdict
    assert breaker.state == HALF_OPEN
    breaker.admit()
    with pytest.raises(Rejected):
        breaker.admit()


def test_a_trial_success_closes_the_circuit():
    breaker, clock = make()
    trip(breaker)
    clock.now += 11
    breaker.succeeded(breaker.admit())
    assert breaker.state == CLOSED and breaker.snapshot()["failures"] == 0
    assert not breaker.admit().trial


def test_a_trial_failure_reopens_for_another_reset_period():
    breaker, clock = make(reset=10.0)
    trip(breaker)
    clock.now += 11
    assert breaker.failed(breaker.admit(), ServiceTimeout("late")) is True
    assert breaker.state == OPEN
    clock.now += 9
    with pytest.raises(Rejected):
        breaker.admit()
    clock.now += 2
    assert breaker.admit().trial


def test_business_and_validation_errors_never_count():
    breaker, _ = make(fail_max=2)
    for exc in (NotFound("No skills"), ValidationError("Invalid email")) * 5:
        assert fail(breaker, exc) is False
    assert breaker.state == CLOSED and breaker.snapshot()["failures"] == 0
    fail(breaker, ServiceUnavailable("down"))
    fail(breaker, RuntimeError("boom"))
    assert breaker.state == OPEN


def test_a_business_error_from_a_trial_is_an_answer_and_closes():
    breaker, clock = make()
    trip(breaker)
    clock.now += 11
    assert breaker.failed(breaker.admit(), NotFound("Job not found")) is False
    assert breaker.state == CLOSED


def test_an_outcome_from_before_the_circuit_moved_on_does_not_decide_the_new_state():
    breaker, clock = make(fail_max=1)
    early = breaker.admit()  # admitted while closed, answers only after the circuit opened
    fail(breaker)
    clock.now += 11
    trial = breaker.admit()
    breaker.succeeded(early)
    assert breaker.state == HALF_OPEN and breaker.snapshot()["trials_in_flight"] == 1
    breaker.failed(early, ServiceTimeout("late"))
    assert breaker.state == HALF_OPEN
    breaker.succeeded(trial)
    assert breaker.state == CLOSED


def test_transitions_reach_pybreaker_listeners():
    seen = []

    class Listener(pybreaker.CircuitBreakerListener):
        def state_change(self, cb, old_state, new_state):
            seen.append(new_state.name)

    breaker, clock = make(fail_max=1)
    breaker.circuit.add_listener(Listener())
    fail(breaker)
    clock.now += 11
    breaker.succeeded(breaker.admit())
    assert seen == [OPEN, HALF_OPEN, CLOSED]


def test_wraps_a_pybreaker_circuit_with_its_settings_and_state():
    circuit = pybreaker.CircuitBreaker(fail_max=2, reset_timeout=60, exclude=[NotFound], name="scraper")
    breaker = Breaker.of(circuit)
    assert Breaker.of(breaker) is breaker
    fail(breaker, NotFound("no"))
    fail(breaker)
    fail(breaker)
    assert circuit.current_state == OPEN and breaker.snapshot()["reset_seconds"] == 60


def test_at_least_one_trial_call():
    with pytest.raises(ValueError):
        Breaker(half_open_calls=0)
