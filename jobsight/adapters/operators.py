"""What the gateway keeps for operators: who is one (the operator token, jobsight.auth), and a
short-lived shared answer for the costly ``/status``."""
from __future__ import annotations

import hmac
import time

from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider

from jobsight.auth import OPERATOR_HEADER, operator_token


class _Operators:
    def __init__(self, token: str):
        self._token = token.encode()

    def allows(self, request) -> bool:
        given = (request.headers.get(OPERATOR_HEADER) or "").encode()
        return bool(given) and hmac.compare_digest(given, self._token)


class OperatorAccess(DependencyProvider):
    """``self.operator.allows(request)``: the request carries the operator token."""

    def setup(self):
        self.operators = _Operators(operator_token(self.container.config))

    def get_dependency(self, worker_ctx):
        return self.operators


class _Shared:
    """Single flight: a caller who arrives while the answer is being computed waits for that
    one instead of starting its own; ``seconds`` > 0 also reuses a finished one that long."""

    def __init__(self, seconds: float = 0.0):
        self.seconds = seconds
        self._lock = Semaphore()
        self._at = float("-inf")
        self._value = None

    def answer(self, compute):
        asked = time.monotonic()
        if asked - self._at < self.seconds:
            return self._value
        with self._lock:
            if self._at >= asked - self.seconds:  # finished after this caller asked
                return self._value
            value = compute()
            self._value, self._at = value, time.monotonic()
            return value


class Coalesced(DependencyProvider):
    def __init__(self, seconds: float = 0.0):
        self.seconds = seconds

    def setup(self):
        self.shared = _Shared(self.seconds)

    def get_dependency(self, worker_ctx):
        return self.shared
