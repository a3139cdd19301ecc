"""A circuit breaker that guards calls without queuing them.

pybreaker's ``CircuitBreaker.call()`` runs the guarded call while holding the breaker's lock, so
under eventlet every call through one breaker waits for the one before it to finish: one slow
answer delays every caller, and a caller's deadline only starts once it has the lock.
``Breaker`` keeps pybreaker's state machine (the circuit's storage and counters, its
``open()``/``half_open()``/``close()`` transitions, exclusions and listeners) but holds a lock
only to decide whether a call may go (``admit``) and to record how it ended (``succeeded``,
``failed``, ``abandoned``). The call itself runs outside the lock, so calls overlap.

States: closed (calls go; ``fail_max`` consecutive failures open the circuit), open (calls fail
fast until ``reset_timeout`` seconds have passed), half-open (at most ``half_open_calls`` trial
calls at a time; the rest fail fast as if open; a trial's success closes the circuit, its
failure opens it again). An error the circuit excludes (a business error) is an answer, so it
counts as a success.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pybreaker

CLOSED, HALF_OPEN, OPEN = pybreaker.STATE_CLOSED, pybreaker.STATE_HALF_OPEN, pybreaker.STATE_OPEN
STATES = (CLOSED, HALF_OPEN, OPEN)


class Rejected(pybreaker.CircuitBreakerError):
    """The circuit turned the call away without making it (open, or half-open and full)."""


@dataclass(frozen=True)
class Permit:
    """What ``admit`` hands the caller, to give back with the outcome. ``trial``: one of the
    half-open trial calls. ``epoch``: the state it was admitted in, so an outcome that arrives
    after the circuit has moved on cannot close or reopen the new state."""

    trial: bool
    epoch: int


class _Transitions(pybreaker.CircuitBreakerListener):
    """Every state change of the circuit, whoever makes it, starts a new epoch. The open time is
    kept on our own monotonic clock: pybreaker stores wall-clock time, which can jump."""

    def __init__(self, breaker: "Breaker"):
        self._breaker = breaker

    def state_change(self, cb, old_state, new_state):
        self._breaker._entered(new_state.name)


class Breaker:
    def __init__(self, circuit: pybreaker.CircuitBreaker | None = None, *, fail_max: int = 5,
                 reset_timeout: float = 15.0, half_open_calls: int = 1, exclude=(), name: str | None = None,
                 clock=time.monotonic):
        if int(half_open_calls) < 1:
            raise ValueError("half_open_calls must be at least 1")
        if circuit is None:
            circuit = pybreaker.CircuitBreaker(fail_max=int(fail_max), reset_timeout=float(reset_timeout),
                                               exclude=list(exclude), name=name)
        self.circuit = circuit
        self.half_open_calls = int(half_open_calls)
        # The counters live in the circuit's storage; pybreaker reaches them only from call().
        self._storage = circuit._state_storage
        self._clock = clock
        self._lock = threading.Lock()  # a green lock under eventlet; never held across I/O
        self._epoch = 0
        self._trials = 0
        self._opened_at = clock() if circuit.current_state == OPEN else None
        circuit.add_listener(_Transitions(self))

    @classmethod
    def of(cls, breaker) -> "Breaker":
        """A ``Breaker`` as is, or a bare pybreaker circuit wrapped (with its settings and state)."""
        return breaker if isinstance(breaker, cls) else cls(breaker)

    # -- the three questions ------------------------------------------------------------

    def admit(self) -> Permit:
        """A permit to make the call now, or ``Rejected``."""
        with self._lock:
            state = self.circuit.current_state
            if state == OPEN:
                if self._opened_at is not None and self._clock() - self._opened_at < self.circuit.reset_timeout:
                    raise Rejected(f"circuit {self.name} is open")
                self.circuit.half_open()
                state = HALF_OPEN
            if state == HALF_OPEN:
                if self._trials >= self.half_open_calls:
                    raise Rejected(f"circuit {self.name} is half-open and its trial calls are taken")
                self._trials += 1
                return Permit(True, self._epoch)
            return Permit(False, self._epoch)

    def succeeded(self, permit: Permit) -> None:
        with self._lock:
            current = self._release(permit)
            state = self.circuit.current_state
            if state == CLOSED:
                self._storage.reset_counter()
            elif state == HALF_OPEN and permit.trial and current:
                self._storage.reset_counter()
                self._storage.increment_success_counter()
                if self._storage.success_counter >= self.circuit.success_threshold:
                    self.circuit.close()
            # Open: a late answer to a call made before the circuit opened says nothing about now.
        for listener in self.circuit.listeners:
            listener.success(self.circuit)

    def failed(self, permit: Permit, exc: BaseException) -> bool:
        """Record a failed call. True when this failure opened the circuit and the circuit is
        set to report that (pybreaker's ``throw_new_error_on_trip``) instead of the error."""
        if not self.circuit.is_system_error(exc):
            self.succeeded(permit)
            return False
        tripped = counted = False
        with self._lock:
            current = self._release(permit)
            state = self.circuit.current_state
            if state == CLOSED:
                self._storage.increment_counter()
                counted = True
                if self._storage.counter >= self.circuit.fail_max:
                    tripped = self.circuit.open()
            elif state == HALF_OPEN and permit.trial and current:
                self._storage.increment_counter()
                counted = True
                tripped = self.circuit.open()
        if counted:
            for listener in self.circuit.listeners:
                listener.failure(self.circuit, exc)
        return bool(tripped)

    def abandoned(self, permit: Permit) -> None:
        """The caller gave up for its own reasons (killed, its own outer deadline): no evidence
        either way, but a trial's place is given back."""
        with self._lock:
            self._release(permit)

    # -- what operators see -------------------------------------------------------------

    @property
    def name(self) -> str | None:
        return self.circuit.name

    @property
    def state(self) -> str:
        return self.circuit.current_state

    def snapshot(self) -> dict:
        with self._lock:
            state = self.circuit.current_state
            retry_in = None
            if state == OPEN and self._opened_at is not None:
                retry_in = round(max(0.0, self.circuit.reset_timeout - (self._clock() - self._opened_at)), 3)
            return {"state": state, "failures": self.circuit.fail_counter, "trials_in_flight": self._trials,
                    "retry_in_seconds": retry_in, "fail_max": self.circuit.fail_max,
                    "reset_seconds": self.circuit.reset_timeout, "half_open_calls": self.half_open_calls}

    # -- internals ----------------------------------------------------------------------

    def _release(self, permit: Permit) -> bool:
        """Give back a trial's place if it is still of the current state; is the permit current?"""
        current = permit.epoch == self._epoch
        if permit.trial and current:
            self._trials -= 1
        return current

    def _entered(self, state: str) -> None:
        # Called from the circuit's transitions, inside admit/succeeded/failed's lock when they
        # make the change; plain assignments, so a change made elsewhere is safe under eventlet.
        self._epoch += 1
        self._trials = 0
        self._opened_at = self._clock() if state == OPEN else None
