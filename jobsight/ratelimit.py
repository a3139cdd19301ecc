"""Throttling on the `limits` library: moving windows kept in Redis, so every instance of a
service shares them and adding replicas does not multiply an attacker's allowance.

Logins (users service), what each limit protects:

- **One account from one address** (``PAIR``): failed attempts in tiers, so the wait grows
  with the failures (5 a minute, 10 an hour, 20 a day by default). Only that address is
  refused: the owner logging in from anywhere else is not locked out by someone guessing.
- **One account from everywhere** (``ACCOUNT``): many failures from many addresses are a
  distributed guess. Then only addresses this account logged in from before may try; a new
  one gets 429 until the window moves on.
- **One address across accounts** (``CLIENT``): credential stuffing from one client. The address
  is the TCP peer, or what a trusted proxy forwarded (GATEWAY.TRUSTED_PROXIES), never a header
  anyone can send.

Sign-ups (``SIGN_UP``, per address, every attempt: each one costs an argon2 hash).
"""
from __future__ import annotations

import hashlib
import math
import time

from limits import parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from jobsight.errors import RateLimited

DEFAULTS = {
    "PAIR": "5/minute;10/hour;20/day",
    "ACCOUNT": "100/hour",
    "CLIENT": "50/15 minutes",
    "SIGN_UP": "10/hour",
}
KNOWN_CLIENTS_DAYS = 90
NAMESPACE = "jobsight-throttle"


def _digest(*parts: str) -> str:
    # Hash so that arbitrary emails cannot make odd or huge keys.
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class Throttle:
    """``limits`` strategies over one Redis; ``settings`` overrides DEFAULTS (strings in the
    library's notation, ``"5/minute;10/hour"``)."""

    def __init__(self, redis_url: str, settings: dict | None = None, redis_client=None):
        options = {"connection_pool": redis_client.connection_pool} if redis_client is not None else {}
        self._storage = RedisStorage(redis_url, key_prefix=NAMESPACE, **options)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._redis = redis_client
        given = {**DEFAULTS, **{k: v for k, v in (settings or {}).items() if k in DEFAULTS and v}}
        self.limits = {name: parse_many(str(value)) for name, value in given.items()}

    def _refuse_if_over(self, name: str, *key: str, message: str) -> None:
        for limit in self.limits[name]:
            if not self._limiter.test(limit, *key):
                reset, _ = self._limiter.get_window_stats(limit, *key)
                raise RateLimited(message, max(int(math.ceil(reset - time.time())), 1))

    def _hit(self, name: str, *key: str) -> None:
        for limit in self.limits[name]:
            self._limiter.hit(limit, *key)

    def clear(self, name: str, *key: str) -> None:
        for limit in self.limits[name]:
            self._storage.clear(limit.key_for(*key))

    def ping(self) -> str:
        return "ok" if self._storage.check() else "down"


class LoginThrottle(Throttle):
    def check(self, email: str, client: str) -> None:
        """Before the password is checked: ``RateLimited`` (with the seconds to wait) when this
        address failed too often for this account, or across accounts, or when the account is
        under a distributed guess and this address is new to it."""
        account, address = _digest("email", email), _digest("client", client)
        message = "Too many login attempts, try again later"
        self._refuse_if_over("PAIR", "pair", account, address, message=message)
        self._refuse_if_over("CLIENT", "client", address, message=message)
        try:
            self._refuse_if_over("ACCOUNT", "account", account, message=message)
        except RateLimited:
            if not self._known(account, address):
                raise

    def record_failure(self, email: str, client: str) -> None:
        account, address = _digest("email", email), _digest("client", client)
        self._hit("PAIR", "pair", account, address)
        self._hit("CLIENT", "client", address)
        self._hit("ACCOUNT", "account", account)

    def record_success(self, email: str, client: str) -> None:
        """The right password: this address's failures for the account are forgiven, and it is
        one the account may come back from while a distributed guess is going on."""
        account, address = _digest("email", email), _digest("client", client)
        self.clear("PAIR", "pair", account, address)
        if self._redis is not None:
            key = f"{NAMESPACE}:known:{account}"
            self._redis.sadd(key, address)
            self._redis.expire(key, KNOWN_CLIENTS_DAYS * 86400)

    def _known(self, account: str, address: str) -> bool:
        return bool(self._redis is not None and self._redis.sismember(f"{NAMESPACE}:known:{account}", address))

    def forget(self, email: str) -> int:
        """Drop what is kept of an email (its account is deleted): the number of keys dropped."""
        account = _digest("email", email)
        if self._redis is None:
            return 0
        keys = list(self._redis.scan_iter(match=f"{NAMESPACE}*{account}*", count=500))
        return self._redis.delete(*keys) if keys else 0


class SignUpThrottle(Throttle):
    def hit(self, client: str) -> None:
        """One sign-up attempt from ``client``; ``RateLimited`` past SIGN_UP."""
        address = _digest("client", client)
        self._refuse_if_over("SIGN_UP", "sign-up", address, message="Too many sign-ups from this address, "
                                                                     "try again later")
        self._hit("SIGN_UP", "sign-up", address)
