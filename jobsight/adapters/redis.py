"""Redis-backed providers: the shared connection pool, and the lock that makes timer work run
once per interval across every instance of a service."""
from __future__ import annotations

import redis
from nameko.extensions import DependencyProvider


class RedisProvider(DependencyProvider):
    """Base for providers that need the shared Redis connection pool."""

    def setup(self):
        self.client = redis.Redis.from_url(self.container.config["REDIS_URL"], socket_timeout=5,
                                           socket_connect_timeout=5, health_check_interval=30)

    def stop(self):
        self.client.close()


class IntervalLock(RedisProvider):
    def setup(self):
        super().setup()
        self.lock = OncePerInterval(self.client, f"jobsight:{self.container.service_name}:")

    def get_dependency(self, worker_ctx):
        return self.lock


class OncePerInterval:
    def __init__(self, client, prefix: str):
        self._client = client
        self._prefix = prefix
        self._started: set[str] = set()

    def once_per(self, name: str, seconds: float) -> bool:
        """True for the first caller in each ``seconds`` window, across every instance.

        An instance's first call always wins: a restarted instance catches up at once
        rather than waiting out a window another instance (or its previous life) opened.
        """
        ttl = max(int(seconds * 1000) - 100, 1)
        if name not in self._started:
            self._started.add(name)
            self._client.set(f"{self._prefix}{name}", "1", px=ttl)
            return True
        return bool(self._client.set(f"{self._prefix}{name}", "1", nx=True, px=ttl))
