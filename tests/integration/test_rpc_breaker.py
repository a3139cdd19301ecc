"""Calls through one circuit breaker overlap, and a deadline counts from the moment of the call:
real nameko services on the suite's RabbitMQ vhost, run in this process. Not a benchmark: the
margins are wide, the point is that nothing waits in line at the breaker."""
import time
import uuid

import eventlet
import pytest
from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

from jobsight.adapters.rpc import ServiceRpc
from jobsight.errors import ServiceTimeout

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def caller(config):
    """A caller service with one ServiceRpc to a roomy target (20 workers) and one to a target
    with a single worker, each breaker shared by all the caller's workers, as in a gateway; the
    test calls the caller over RPC. Names of their own: other runs on the vhost never meet them."""
    suffix = uuid.uuid4().hex[:8]
    roomy_name, single_name = f"brk_roomy_{suffix}", f"brk_single_{suffix}"

    class Sleeper:
        @rpc
        def sleep(self, seconds):
            eventlet.sleep(seconds)
            return seconds

    roomy = type("Roomy", (Sleeper,), {"name": roomy_name})
    single = type("Single", (Sleeper,), {"name": single_name})

    class Caller:
        name = f"brk_caller_{suffix}"
        roomy = ServiceRpc(roomy_name)
        single = ServiceRpc(single_name)

        @rpc
        def call(self, target, seconds, deadline=None):
            proxy = getattr(self, target)
            return (proxy.with_timeout(deadline) if deadline else proxy).sleep(seconds)

    settings = {"RPC": {"TIMEOUT": 5, "BREAKER_FAIL_MAX": 5, "BREAKER_RESET_SECONDS": 15}}
    containers = [ServiceContainer(roomy, {**config, "max_workers": 20}),
                  ServiceContainer(single, {**config, "max_workers": 1}),
                  ServiceContainer(Caller, {**config, **settings, "max_workers": 20})]
    for container in containers:
        container.start()
    try:
        with ClusterRpcProxy(config, timeout=30) as cluster:
            yield cluster[Caller.name]
    finally:
        for container in reversed(containers):
            container.kill()
        # Their durable queues would outlive them (with a late reply or two in them), and later
        # tests wait for every queue of the vhost to drain.
        with Connection(config["AMQP_URI"]) as connection:
            channel = connection.channel()
            for name in (roomy_name, single_name, Caller.name):
                channel.queue_delete(f"rpc-{name}")


def test_ten_concurrent_calls_through_one_breaker_overlap(caller):
    caller.call("roomy", 0)  # connections and queues up before the clock starts
    started = time.monotonic()
    replies = [caller.call.call_async("roomy", 0.5) for _ in range(10)]  # ten caller workers at once
    assert [reply.result() for reply in replies] == [0.5] * 10
    elapsed = time.monotonic() - started
    print(f"\nten concurrent 0.5 s calls through one breaker: {elapsed:.2f} s")
    assert elapsed < 2.0  # in line, one after the other, they take 5 s


def test_a_deadline_behind_a_hung_call_fires_on_time(caller):
    caller.call("single", 0)
    hung = caller.call.call_async("single", 2.0)  # holds the target's only worker
    eventlet.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(ServiceTimeout):
        caller.call("single", 0, 0.5)
    elapsed = time.monotonic() - started
    print(f"\na 0.5 s deadline behind a hung call: ServiceTimeout after {elapsed:.2f} s")
    assert 0.4 < elapsed < 1.5
    assert hung.result() == 2.0
