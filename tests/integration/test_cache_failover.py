"""A real Sentinel failover under load: a cache master is killed while insights are requested
from green threads; no request fails, Sentinel promotes the replica, the node keeps its keys.

Uses the ring scripts/setup.sh starts (masters 6380-6382, replicas 6390-6392, Sentinels
26379-26381) and puts it back as it was: the killed master returns as a replica, then Sentinel
is asked to fail back to it.
"""
import os
import random
import signal
import time
import uuid

import eventlet
import pytest
import redis

from jobsight.cache import store
from jobsight.cache.ring import cache_key

pytestmark = pytest.mark.integration

SENTINEL_PORTS = (26379, 26380, 26381)
SERVICES = ("cache-1", "cache-2", "cache-3")
VICTIM = "cache-2"
N_KEYS = 300


def node(port: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1, socket_connect_timeout=1, decode_responses=True)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = condition()
        except redis.RedisError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def master_port(service: str) -> int | None:
    """The master's port when all three Sentinels agree on it."""
    answers = set()
    for port in SENTINEL_PORTS:
        with node(port) as sentinel:
            address = sentinel.execute_command("SENTINEL", "get-master-addr-by-name", service)
        answers.add(int(address[1]) if address else None)
    return answers.pop() if len(answers) == 1 else None


def healthy(service: str) -> bool:
    """Its master and one in-sync replica, known as such to every Sentinel."""
    for port in SENTINEL_PORTS:
        with node(port) as sentinel:
            state = sentinel.sentinel_master(service)
            replicas = sentinel.sentinel_slaves(service)
        if not state["is_master"] or state["is_sdown"] or state["is_odown"] or state["num-other-sentinels"] < 2:
            return False
        if not any(r["master-link-status"] == "ok" and not r["is_sdown"] for r in replicas):
            return False
    return True


@pytest.fixture
def ring_topology():
    try:
        topology = {service: master_port(service) for service in SERVICES}
        ready = all(topology.values()) and all(healthy(service) for service in SERVICES)
    except redis.RedisError:
        ready = False
    if not ready:
        pytest.skip("the cache ring is not running or not healthy: run scripts/setup.sh "
                    "(masters cache-1..3 on 6380-6382, replicas on 6390-6392, Sentinels on 26379-26381)")
    return topology


def restart_as_replica(port: int, master: int) -> None:
    """Start a killed node again the way setup does, as a replica of the current master."""
    with node(master) as survivor:
        settings = {name: survivor.config_get(name)[name] for name in ("dir", "maxmemory", "maxmemory-policy")}
    state_dir = settings["dir"]
    command = (f"redis-server --daemonize yes --bind 127.0.0.1 --port {port} --save '' --appendonly no "
               f"--maxmemory {settings['maxmemory']} --maxmemory-policy {settings['maxmemory-policy']} "
               f"--dir {state_dir} --logfile {state_dir}/redis-{port}.log --pidfile {state_dir}/redis-{port}.pid "
               f"--replicaof 127.0.0.1 {master}")
    assert os.system(command) == 0, command


def fail_back(service: str, port: int) -> None:
    """Ask Sentinel to make ``port`` the master again (it may need a moment to trust the replica)."""
    def switched():
        if master_port(service) == port:
            return True
        with node(SENTINEL_PORTS[0]) as sentinel:
            try:
                sentinel.execute_command("SENTINEL", "FAILOVER", service)
            except redis.ResponseError:  # NOGOODSLAVE / INPROG: not yet
                pass
        time.sleep(0.4)
        return False

    with node(port) as replica:
        master_port_before = int(replica.execute_command("ROLE")[2])
    wait_for(switched, 60, f"Sentinel to fail {service} back to {port}")
    # Sentinel would demote the former master itself, but only after its next INFO round
    # (~20 s); this is the same command, sent now.
    with node(master_port_before) as demoted:
        demoted.replicaof("127.0.0.1", port)
    wait_for(lambda: healthy(service), 60, f"{service} to have its replica back")


def test_a_killed_master_fails_over_with_no_failed_request(ring_topology, config):
    settings = dict(config["CACHE"], ENABLED=True, TTL=300, DOWN_SECONDS=0.3)
    cache = store.from_config({"CACHE": settings}, namespace=f"cachetest-failover-{uuid.uuid4().hex[:8]}")
    computed = []

    def insight(i):
        def compute():
            computed.append(i)
            return {"query": i, "jobs": i * 7}
        return compute

    queries = [("skills_by_demand", f"query {i}") for i in range(N_KEYS)]
    placement = {q: cache.ring.node_for(cache_key(cache.namespace, 1, q)) for q in queries}
    victim_queries = [q for q in queries if placement[q] == VICTIM]
    old_port = ring_topology[VICTIM]
    failures, answered, stop = [], [0], [False]

    def client_loop():
        while not stop[0]:
            i = random.randrange(N_KEYS)
            try:
                value = cache.get_or_compute(queries[i], insight(i), 1)
                assert value == {"query": i, "jobs": i * 7}, value
                answered[0] += 1
            except Exception as exc:  # noqa: BLE001 - any failure is what the test is about
                failures.append(repr(exc))
            eventlet.sleep(0.002)

    for i, query in enumerate(queries):  # warm: every key cached on its node ...
        cache.get_or_compute(query, insight(i), 1)
    with node(old_port) as victim:  # ... and on the victim's replica before it dies
        assert victim.execute_command("WAIT", 1, 5000) == 1
        pid = int(victim.info("server")["process_id"])

    new_port = None
    pool = eventlet.GreenPool()
    try:
        for _ in range(8):
            pool.spawn(client_loop)
        eventlet.sleep(0.3)
        try:
            os.kill(pid, signal.SIGKILL)
        except PermissionError:  # not our process to signal: the server can stop itself
            with node(old_port) as victim:
                try:
                    victim.shutdown(nosave=True)
                except redis.ConnectionError:
                    pass
        new_port = wait_for(lambda: (p := master_port(VICTIM)) not in (None, old_port) and p, 30,
                            "Sentinel to promote the replica")

        def served_again():
            state = cache.stats()["nodes"][VICTIM]
            return state["state"] == "up" and state["master"] == f"127.0.0.1:{new_port}"
        wait_for(served_again, 30, "the cache to use the promoted replica")
        eventlet.sleep(0.3)
        stop[0] = True
        pool.waitall()

        assert failures == []
        stats = cache.stats()
        assert answered[0] > 0 and stats["errors"] >= 1  # the outage was seen, and hidden
        # The node kept its place: its keys are still its keys, now served from the promoted
        # replica with the values replicated before the kill (hits, nothing recomputed).
        assert {q: cache.ring.node_for(cache_key(cache.namespace, 1, q)) for q in queries} == placement
        hits, n_computed = stats["nodes"][VICTIM]["hits"], len(computed)
        for query in victim_queries:
            i = queries.index(query)
            assert cache.get_or_compute(query, insight(i), 1) == {"query": i, "jobs": i * 7}
        assert len(computed) == n_computed
        assert cache.stats()["nodes"][VICTIM]["hits"] == hits + len(victim_queries)
    finally:
        stop[0] = True
        pool.waitall()
        cache.close()
        if new_port is None:
            new_port = wait_for(lambda: (p := master_port(VICTIM)) not in (None, old_port) and p, 30,
                                "Sentinel to promote the replica")
        # Leave the ring as it was found: the old master back as a replica, then master again.
        try:
            node(old_port).ping()
        except redis.ConnectionError:
            restart_as_replica(old_port, new_port)
        wait_for(lambda: node(old_port).execute_command("ROLE")[3] == "connected", 60,
                 f"{old_port} to rejoin {VICTIM} as a replica")
        fail_back(VICTIM, old_port)
    assert {service: master_port(service) for service in SERVICES} == ring_topology
