"""The insight cache services use: ``get_or_compute(key_parts, compute, version)``.

Values live on the node the ring picks for their key, read and written on that node's current
master (found through Sentinel). The cache is an accelerator, never a dependency: any Redis
error or timeout marks the node down for a short back-off (its keys go to the next node
meanwhile) and the value is computed from the warehouse, so a caller never sees a cache error.
Concurrent misses on one key compute once: within a process through a per-key flight, across
processes through a short ``SET NX PX`` lock whose waiters poll briefly, then compute themselves.

Blocking calls go through ``threading`` and ``time``, which ``eventlet.monkey_patch()`` (done by
``nameko run`` and the test suite) makes cooperative.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

from jobsight.cache.ring import Ring, cache_key

log = logging.getLogger(__name__)

_MISS = object()
# Delete the lock only if it is still ours (it may have expired and been taken by another).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


@dataclass
class _Node:
    down_until: float = 0.0
    up: bool = True
    hits: int = 0
    misses: int = 0
    errors: int = 0
    last_error: str | None = None


class _Flight:
    """One in-process computation of a key that concurrent callers wait for."""

    def __init__(self):
        self.done = threading.Event()
        self.ok = False
        self.value = None


def _decode(raw: bytes):
    return json.loads(raw)


class RingCache:
    def __init__(self, ring: Ring, clients: Mapping[str, redis.Redis], *, namespace: str = "insights",
                 ttl: int = 3600, down_seconds: float = 1.0, lock_ms: int = 3000,
                 wait_seconds: float | None = None, sentinel: Sentinel | None = None,
                 clock: Callable[[], float] = time.monotonic):
        missing = set(ring.nodes) - set(clients)
        if missing:
            raise ValueError(f"no client for ring nodes {sorted(missing)}")
        self.ring = ring
        self._clients = dict(clients)
        self._sentinel = sentinel
        self.namespace = namespace
        self.ttl = int(ttl)
        self.down_seconds = float(down_seconds)
        self.lock_ms = int(lock_ms)
        # How long a process waits for another one's computation before doing it itself.
        self.wait_seconds = float(wait_seconds if wait_seconds is not None else lock_ms / 1000)
        self._clock = clock
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._nodes = {name: _Node() for name in ring.nodes}
        # forwarded: peeks that found nothing (the gateway then asks the insights service)
        self._counts = dict.fromkeys(("requests", "hits", "misses", "coalesced", "bypassed", "forwarded", "errors"), 0)

    # -- the API -------------------------------------------------------------------------

    def get_or_compute(self, key_parts, compute: Callable[[], object], version):
        """The cached value of the query ``key_parts`` at warehouse ``version``, else ``compute()``
        (cached for next time). ``version=None`` (unknown) never caches. Raises only what
        ``compute`` raises."""
        self._count("requests")
        key = cache_key(self.namespace, version, key_parts)
        node = self._node_for(key) if version is not None else None
        if node is None:  # version unknown, or every node down
            self._count("bypassed")
            return compute()
        cached = self._get(node, key)
        if cached is None:  # the node failed just now
            self._count("bypassed")
            return compute()
        if cached is not _MISS:
            self._count("hits", node)
            return cached[0]
        return self._single_flight(node, key, compute)

    def peek(self, key_parts, version):
        """``(value,)`` when the query ``key_parts`` at ``version`` is cached, else None (a miss,
        an unknown version, or no node to ask): the caller then asks the service that computes.
        Never raises for the cache's sake."""
        if version is None:
            return None
        self._count("requests")
        key = cache_key(self.namespace, version, key_parts)
        node = self._node_for(key)
        cached = self._get(node, key) if node is not None else None
        if cached is None or cached is _MISS:
            self._count("forwarded")
            return None
        self._count("hits", node)
        return cached

    def stats(self) -> dict:
        """Counters since start and each node's state (``up`` / ``down``) and current master."""
        now = self._clock()
        with self._lock:
            counts = dict(self._counts)
            nodes = {}
            for name, node in self._nodes.items():
                pool = self._clients[name].connection_pool
                address = getattr(pool, "master_address", None)  # last one Sentinel named
                nodes[name] = {
                    "state": "down" if not node.up and node.down_until > now else "up",
                    "master": f"{address[0]}:{address[1]}" if address else None,
                    "hits": node.hits, "misses": node.misses, "errors": node.errors,
                    "last_error": node.last_error,
                }
        answered = counts["hits"] + counts["coalesced"]
        counts["hit_ratio"] = round(answered / counts["requests"], 4) if counts["requests"] else None
        return {"enabled": True, **counts, "nodes": nodes}

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        if self._sentinel is not None:
            self._sentinel.close()

    # -- reading and filling -------------------------------------------------------------

    def _single_flight(self, node: str, key: str, compute):
        with self._lock:
            flight = self._flights.get(key)
            leading = flight is None
            if leading:
                flight = self._flights[key] = _Flight()
        if not leading:
            if flight.done.wait(self.wait_seconds) and flight.ok:
                self._count("coalesced")
                return flight.value
            # The leader failed or is slow: this caller's own computation stands on its own.
            self._count("bypassed")
            return compute()
        try:
            flight.value = self._fill(node, key, compute)
            flight.ok = True
            return flight.value
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def _fill(self, node: str, key: str, compute):
        """Compute a missing key once across processes and store it on ``node``."""
        client = self._clients[node]
        lock_key, token = f"{key}:lock", uuid.uuid4().hex
        try:
            locked = client.set(lock_key, token, nx=True, px=self.lock_ms)
        except redis.RedisError as exc:
            self._node_failed(node, exc)
            self._count("bypassed")
            return compute()
        if not locked:
            found = self._await_other(node, key)
            if found is None:  # the node failed while we waited
                self._count("bypassed")
                return compute()
            if found is not _MISS:
                self._count("coalesced")
                return found[0]
        self._count("misses", node)
        try:
            payload = json.dumps(compute(), separators=(",", ":"))
        except BaseException:
            if locked:
                self._release(node, lock_key, token)
            raise
        try:
            with client.pipeline(transaction=False) as pipe:
                pipe.set(key, payload, ex=self.ttl)
                if locked:
                    pipe.eval(_RELEASE, 1, lock_key, token)
                pipe.execute()
        except redis.RedisError as exc:
            self._node_failed(node, exc)
        # Callers get what a hit would return (JSON types), whichever path answered.
        return json.loads(payload)

    def _await_other(self, node: str, key: str):
        """Poll for another process's result until ``wait_seconds`` pass: (value,), _MISS when it
        never comes, None when the node fails."""
        deadline, pause = self._clock() + self.wait_seconds, 0.005
        while self._clock() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            cached = self._get(node, key)
            if cached is not _MISS:
                return cached
        return _MISS

    def _release(self, node: str, lock_key: str, token: str) -> None:
        try:
            self._clients[node].eval(_RELEASE, 1, lock_key, token)
        except redis.RedisError as exc:
            self._node_failed(node, exc)

    def _get(self, node: str, key: str):
        """(value,) on a hit, _MISS on a miss, None when the node failed."""
        try:
            raw = self._clients[node].get(key)
        except redis.RedisError as exc:
            self._node_failed(node, exc)
            return None
        self._node_answered(node)
        if raw is None:
            return _MISS
        try:
            return (_decode(raw),)
        except ValueError:  # not ours or truncated: recompute and overwrite
            return _MISS

    # -- node state ----------------------------------------------------------------------

    def _node_for(self, key: str) -> str | None:
        now = self._clock()
        down = [name for name, node in self._nodes.items() if not node.up and node.down_until > now]
        return self.ring.node_for(key, skip=down)

    def _node_failed(self, node: str, exc: Exception) -> None:
        with self._lock:
            state = self._nodes[node]
            state.errors += 1
            self._counts["errors"] += 1
            state.last_error = f"{type(exc).__name__}: {exc}"[:300]
            state.down_until = self._clock() + self.down_seconds
            was_up, state.up = state.up, False
        if was_up:
            log.warning("cache node %s is down; its keys go to the next node for %.1f s", node,
                        self.down_seconds, extra={"node": node, "error": state.last_error})

    def _node_answered(self, node: str) -> None:
        state = self._nodes[node]
        if not state.up:
            with self._lock:
                was_down, state.up = not state.up, True
            if was_down:
                log.info("cache node %s is back", node, extra={"node": node})

    def _count(self, name: str, node: str | None = None) -> None:
        with self._lock:
            self._counts[name] += 1
            if node is not None and name in ("hits", "misses"):
                setattr(self._nodes[node], name, getattr(self._nodes[node], name) + 1)


class UncachedInsights:
    """What services get with the cache switched off: every request computes."""

    def get_or_compute(self, key_parts, compute, version):
        return compute()

    def peek(self, key_parts, version):
        return None

    def stats(self) -> dict:
        return {"enabled": False}

    def close(self) -> None:
        pass


def _addresses(value) -> list[tuple[str, int]]:
    items = value.split(",") if isinstance(value, str) else list(value)
    addresses = []
    for item in items:
        host, _, port = str(item).strip().rpartition(":")
        addresses.append((host or "127.0.0.1", int(port)))
    return addresses


def from_config(config: dict, namespace: str | None = None) -> RingCache | UncachedInsights:
    """The cache described by config.yml's ``CACHE`` section (each node a Sentinel service);
    ``namespace`` over its NAMESPACE."""
    settings = config.get("CACHE") or {}
    namespace = namespace or str(settings.get("NAMESPACE") or "insights")
    if not settings.get("ENABLED", False):
        return UncachedInsights()
    names: Iterable[str] = settings.get("SERVICE_NAMES") or ["cache-1", "cache-2", "cache-3"]
    timeout = float(settings.get("SOCKET_TIMEOUT", 0.2))
    # Fail fast, never retry inside redis-py: the warehouse is the fallback, not a wait.
    fail_fast = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0)}
    sentinel = Sentinel(_addresses(settings.get("SENTINELS", "127.0.0.1:26379")), sentinel_kwargs=dict(fail_fast))
    clients = {name: sentinel.master_for(name, **fail_fast) for name in names}
    return RingCache(Ring(clients, vnodes=int(settings.get("VNODES", 160))), clients,
                     namespace=namespace, ttl=int(settings.get("TTL", 3600)),
                     down_seconds=float(settings.get("DOWN_SECONDS", 1.0)),
                     lock_ms=int(settings.get("LOCK_MS", 3000)), sentinel=sentinel)
