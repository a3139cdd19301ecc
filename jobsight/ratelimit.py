"""Login throttling: failed attempts counted in Redis per (email, client) and per client.

Fixed windows with ``INCR`` + ``EXPIRE`` are shared by every users instance, so adding
replicas does not multiply an attacker's allowance.
"""
from __future__ import annotations

import hashlib

from jobsight.errors import RateLimited


def _digest(*parts: str) -> str:
    # Hash so that arbitrary emails cannot make odd or huge keys.
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _key(*parts: str) -> str:
    return f"jobsight:login-failures:{_digest(*parts)}"


def _pair_key(email: str, client: str) -> str:
    # Grouped under the email's own digest, so an account's counters can be forgotten with it.
    return f"jobsight:login-failures:{_digest('email', email)}:{_digest('pair', email, client)}"


class LoginThrottle:
    def __init__(self, redis_client, max_failures: int = 5, window_seconds: int = 900, max_per_client: int = 50):
        self._redis = redis_client
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_per_client = max_per_client

    def _keys(self, email: str, client: str):
        return _pair_key(email, client), _key("client", client)

    def check(self, email: str, client: str) -> None:
        """Raise ``RateLimited`` (with seconds to wait) while either counter is over its limit."""
        pair, per_client = self._keys(email, client)
        pipe = self._redis.pipeline()
        pipe.get(pair)
        pipe.ttl(pair)
        pipe.get(per_client)
        pipe.ttl(per_client)
        pair_count, pair_ttl, client_count, client_ttl = pipe.execute()
        if int(pair_count or 0) >= self.max_failures:
            raise RateLimited("Too many login attempts, try again later", max(int(pair_ttl), 1))
        if int(client_count or 0) >= self.max_per_client:
            raise RateLimited("Too many login attempts, try again later", max(int(client_ttl), 1))

    def record_failure(self, email: str, client: str) -> None:
        pipe = self._redis.pipeline()
        for key in self._keys(email, client):
            pipe.incr(key)
            pipe.expire(key, self.window, nx=True)
        pipe.execute()

    def reset(self, email: str, client: str) -> None:
        self._redis.delete(self._keys(email, client)[0])

    def forget(self, email: str) -> int:
        """Drop every counter of an email (its account is deleted); the number dropped."""
        keys = list(self._redis.scan_iter(match=f"jobsight:login-failures:{_digest('email', email)}:*", count=500))
        return self._redis.delete(*keys) if keys else 0

    def ping(self) -> str:
        self._redis.ping()
        return "ok"
