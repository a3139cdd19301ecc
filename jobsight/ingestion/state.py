"""The scraper's state between runs (``ScraperState``): the configured sources, one polite
fetcher per source (its circuit breaker lives as long as the process), conditional-GET
validators in Redis, the live skills taxonomy, and the Redis locks that make each source run
once per interval across every scraper instance."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import MutableMapping

from jobsight import taxonomy as taxonomy_store
from jobsight.errors import NotFound
from jobsight.sources.fetch import Fetcher

TAXONOMY_CHECK_SECONDS = 30
RUNNING_LOCK_SECONDS = 1800  # a crashed run's lock frees itself after this


def database_identity(session) -> str:
    """The jobs database as itself: its server's system identifier (one for a replicated pair,
    whichever node is primary) and the database's oid (new when it is created again)."""
    from sqlalchemy import text

    return session.execute(text(
        "SELECT (SELECT system_identifier FROM pg_control_system())::text || '-' || oid::text "
        "FROM pg_database WHERE datname = current_database()")).scalar()


class RedisValidators(MutableMapping):
    """ETag / Last-Modified per URL, kept in one Redis hash per source (shared by instances) and
    per jobs database: a validator says what that database already holds, so another database
    (a new one, a restored one, the replicated pair's instead of the single server's) starts
    with none, or its first runs would all be 304s with nothing stored."""

    def __init__(self, client, source_name: str, database: str = ""):
        self._redis = client
        self._key = f"jobsight:validators:{database}:{source_name}"

    def __getitem__(self, url):
        value = self._redis.hget(self._key, url)
        if value is None:
            raise KeyError(url)
        return json.loads(value)

    def __setitem__(self, url, value):
        self._redis.hset(self._key, url, json.dumps(value))

    def __delitem__(self, url):
        if not self._redis.hdel(self._key, url):
            raise KeyError(url)

    def __iter__(self):
        return (key.decode() for key in self._redis.hkeys(self._key))

    def __len__(self):
        return self._redis.hlen(self._key)

    def clear(self):
        self._redis.delete(self._key)


class ScraperState:
    def __init__(self, sources: list[dict], redis_client, fetcher_options: dict | None = None):
        self.sources = {source["name"]: source for source in sources}
        self._redis = redis_client
        self._fetchers: dict[str, Fetcher] = {}
        self._fetcher_options = fetcher_options or {}
        self._taxonomy = None
        self._taxonomy_fingerprint = None
        self._taxonomy_checked = 0.0
        self._owner = uuid.uuid4().hex
        self._database = ""

    def use_database(self, session) -> None:
        """Key the validators and the schedule by the jobs database (``database_identity``);
        read once per process."""
        if not self._database:
            self._database = database_identity(session)

    def get(self, name) -> dict:
        if not isinstance(name, str) or name not in self.sources:
            raise NotFound(f"No source named {name!r}")
        return self.sources[name]

    def fetcher(self, name: str) -> Fetcher:
        if name not in self._fetchers:
            self._fetchers[name] = Fetcher(self.get(name), validators=RedisValidators(self._redis, name,
                                                                                      self._database),
                                           **self._fetcher_options)
        return self._fetchers[name]

    def breaker_state(self, name: str) -> str:
        fetcher = self._fetchers.get(name)
        return fetcher.breaker_state if fetcher else "closed"

    def taxonomy(self, session):
        now = time.monotonic()
        if self._taxonomy is None or now - self._taxonomy_checked > TAXONOMY_CHECK_SECONDS:
            current = taxonomy_store.fingerprint(session)
            if self._taxonomy is None or current != self._taxonomy_fingerprint:
                self._taxonomy = taxonomy_store.load(session)
                self._taxonomy_fingerprint = current
            self._taxonomy_checked = now
        return self._taxonomy

    def forget_taxonomy(self) -> None:
        self._taxonomy_checked = 0.0

    def due(self, name: str, interval: int) -> bool:
        """True for exactly one caller per interval across every instance."""
        return bool(self._redis.set(f"jobsight:source-due:{self._database}:{name}", self._owner, nx=True,
                                    px=int(interval * 1000)))

    def start_running(self, name: str) -> bool:
        return bool(self._redis.set(f"jobsight:source-running:{name}", self._owner, nx=True,
                                    ex=RUNNING_LOCK_SECONDS))

    def stop_running(self, name: str) -> None:
        key = f"jobsight:source-running:{name}"
        if self._redis.get(key) == self._owner.encode():
            self._redis.delete(key)

    def running(self, name: str) -> bool:
        return bool(self._redis.exists(f"jobsight:source-running:{name}"))

    def close(self) -> None:
        for fetcher in self._fetchers.values():
            fetcher.close()
