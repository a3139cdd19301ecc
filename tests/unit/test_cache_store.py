"""The cache object services use, on a real Redis (db 11 of the default server): concurrent
misses compute once, and a dead or hanging node only makes requests slower, never failing."""
import socket
import threading
import time
import uuid

import eventlet
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from jobsight.cache.ring import Ring, cache_key
from jobsight.cache.store import RingCache, UncachedInsights

NODES = ["a", "b", "c"]
FAIL_FAST = {"socket_timeout": 0.2, "socket_connect_timeout": 0.2, "retry": Retry(NoBackoff(), 0)}


@pytest.fixture
def db11():
    client = redis.Redis(host="127.0.0.1", port=6379, db=11, **FAIL_FAST)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield client
    client.close()


@pytest.fixture
def namespace(db11):
    namespace = f"cachetest-{uuid.uuid4().hex[:8]}"
    yield namespace
    for key in db11.scan_iter(f"{namespace}:*"):
        db11.delete(key)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Warehouse:
    """A stand-in for an insight query: counts how often it really ran."""

    def __init__(self, value=None, seconds=0.0):
        self.calls = 0
        self.value = value if value is not None else [["Python", 120], ["SQL", 80]]
        self.seconds = seconds

    def __call__(self):
        self.calls += 1
        if self.seconds:
            time.sleep(self.seconds)  # cooperative: the suite monkey-patches
        return self.value


def dead_client():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return redis.Redis(host="127.0.0.1", port=port, **FAIL_FAST)


@pytest.fixture
def hanging_server():
    """Accepts connections and never answers: every call runs into the socket timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


def ring_cache(clients, namespace, **kwargs):
    return RingCache(Ring(NODES), clients, namespace=namespace, ttl=60, **kwargs)


def test_concurrent_misses_on_one_key_compute_once(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace)
    warehouse = Warehouse(seconds=0.1)
    pool = eventlet.GreenPool()
    results = list(pool.imap(lambda _: cache.get_or_compute(("skills_by_demand", "python"), warehouse, 1),
                             range(25)))
    assert warehouse.calls == 1
    assert results == [warehouse.value] * 25
    stats = cache.stats()
    assert stats["misses"] == 1 and stats["coalesced"] == 24 and stats["errors"] == 0


def test_a_second_request_is_a_hit_and_a_new_version_recomputes(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace)
    warehouse = Warehouse()
    assert cache.get_or_compute(("average_job_salary",), warehouse, 1) == warehouse.value
    assert cache.get_or_compute(("average_job_salary",), warehouse, 1) == warehouse.value
    assert warehouse.calls == 1
    cache.get_or_compute(("average_job_salary",), warehouse, 2)  # the warehouse was loaded
    assert warehouse.calls == 2
    assert cache.stats()["hits"] == 1 and cache.stats()["misses"] == 2


def test_values_are_stored_as_json_with_the_ttl(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace)
    value = cache.get_or_compute(("skills_by_salary",), Warehouse({"Kubernetes": 81000.0}), 3)
    key = cache_key(namespace, 3, ("skills_by_salary",))
    assert db11.get(key) == b'{"Kubernetes":81000.0}'
    assert 0 < db11.ttl(key) <= 60
    assert value == {"Kubernetes": 81000.0}


def test_unknown_version_is_never_cached(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace)
    warehouse = Warehouse()
    cache.get_or_compute(("x",), warehouse, None)
    cache.get_or_compute(("x",), warehouse, None)
    assert warehouse.calls == 2 and not list(db11.scan_iter(f"{namespace}:*"))


def test_another_process_computing_the_key_is_waited_for(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace, wait_seconds=2)
    key = cache_key(namespace, 1, ("all_skills_by_demand",))
    db11.set(f"{key}:lock", "other-process", px=3000)  # another process is computing it

    def other_process_finishes():
        time.sleep(0.1)
        db11.set(key, '{"Python":420}', ex=60)
        db11.delete(f"{key}:lock")

    threading.Thread(target=other_process_finishes).start()
    warehouse = Warehouse()
    assert cache.get_or_compute(("all_skills_by_demand",), warehouse, 1) == {"Python": 420}
    assert warehouse.calls == 0


def test_a_slow_lock_holder_is_not_waited_for_forever(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace, wait_seconds=0.2)
    key = cache_key(namespace, 1, ("all_skills_by_demand",))
    db11.set(f"{key}:lock", "stuck-process", px=10000)
    warehouse = Warehouse()
    assert cache.get_or_compute(("all_skills_by_demand",), warehouse, 1) == warehouse.value
    assert warehouse.calls == 1
    assert db11.get(f"{key}:lock") == b"stuck-process"  # not ours to release


def test_a_failing_computation_raises_and_releases_the_lock(db11, namespace):
    cache = ring_cache(dict.fromkeys(NODES, db11), namespace)

    def broken():
        raise LookupError("warehouse says no")

    with pytest.raises(LookupError):
        cache.get_or_compute(("x",), broken, 1)
    assert not list(db11.scan_iter(f"{namespace}:*"))
    assert cache.get_or_compute(("x",), Warehouse(), 1) == Warehouse().value


def test_a_dead_node_falls_back_to_the_warehouse_and_is_skipped_for_a_while(db11, namespace):
    clock = Clock()
    ring = Ring(NODES)
    cache = RingCache(ring, {"a": dead_client(), "b": db11, "c": db11}, namespace=namespace,
                      down_seconds=1.0, clock=clock)
    query = next(q for q in (("q", i) for i in range(100)) if ring.node_for(cache_key(namespace, 1, q)) == "a")
    warehouse = Warehouse()

    assert cache.get_or_compute(query, warehouse, 1) == warehouse.value  # never raises
    stats = cache.stats()
    assert stats["errors"] == 1 and stats["bypassed"] == 1
    assert stats["nodes"]["a"]["state"] == "down" and "ConnectionError" in stats["nodes"]["a"]["last_error"]

    # While it is down its keys live on the next node: cached there, no new errors.
    assert cache.get_or_compute(query, warehouse, 1) == warehouse.value
    assert cache.get_or_compute(query, warehouse, 1) == warehouse.value
    assert warehouse.calls == 2 and cache.stats()["errors"] == 1 and cache.stats()["hits"] == 1

    clock.now += 1.5  # back-off over: the node is tried again (still dead)
    assert cache.get_or_compute(query, warehouse, 1) == warehouse.value
    assert cache.stats()["errors"] == 2


def test_a_hanging_node_costs_one_timeout_then_is_skipped(db11, namespace, hanging_server):
    hanging = redis.Redis(host="127.0.0.1", port=hanging_server, **FAIL_FAST)
    cache = ring_cache({"a": hanging, "b": hanging, "c": hanging}, namespace)
    warehouse = Warehouse()
    assert cache.get_or_compute(("x",), warehouse, 1) == warehouse.value
    assert cache.stats()["errors"] == 1 and "Timeout" in str(cache.stats()["nodes"])
    hanging.close()


def test_with_every_node_down_insights_still_answer(namespace):
    cache = ring_cache({name: dead_client() for name in NODES}, namespace)
    warehouse = Warehouse()
    pool = eventlet.GreenPool()
    results = list(pool.imap(lambda i: cache.get_or_compute(("q", i), warehouse, 1), range(30)))
    assert results == [warehouse.value] * 30
    assert warehouse.calls == 30
    stats = cache.stats()
    assert stats["bypassed"] == 30 and all(n["state"] == "down" for n in stats["nodes"].values())


def test_the_switched_off_cache_just_computes():
    warehouse = Warehouse()
    assert UncachedInsights().get_or_compute(("x",), warehouse, 1) == warehouse.value
    assert UncachedInsights().stats() == {"enabled": False}
