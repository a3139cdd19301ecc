"""Shipped logs against a real log server (osmem-server, OpenSearch-compatible): one request's
records from the gateway and from users, in order, within seconds; nothing personal in them; and
with the server gone, the services answer as fast as before while the drop counter moves."""
import os
import re
import statistics
import time
import uuid

import pytest
import requests
from osmem_server import OsmemServer

from jobsight import logquery, logship
from jobsight.config import DEFAULT_PATH
from jobsight.ports import free_port

pytestmark = pytest.mark.integration

VHOST = "jobsight_test_logs"


def _ensure_vhost(vhost: str) -> None:
    api, auth = "http://127.0.0.1:15672/api", ("guest", "guest")
    requests.put(f"{api}/vhosts/{vhost}", auth=auth, timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{vhost}/guest", auth=auth, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()


@pytest.fixture
def log_server():
    server = OsmemServer.start(addr=f"127.0.0.1:{free_port()}", japanese=False)
    yield server
    server.close()


@pytest.fixture
def shipping_system(config, databases, log_server, tmp_path):
    """users and gateway on a vhost and port of their own, shipping to ``log_server``."""
    from jobsight.supervisor import Supervisor

    _ensure_vhost(VHOST)
    port = free_port()
    prefix = f"test-logs-{uuid.uuid4().hex[:8]}"
    env = {"LOGS_SHIPPING": "true", "LOGS_ELASTICSEARCH_URL": log_server.url, "LOGS_INDEX_PREFIX": prefix,
           "GATEWAY_PORT": str(port), "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}",
           "RPC_TIMEOUT": "20"}  # sign-up hashes with argon2: slow on a busy machine
    own = {**config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "AMQP_URI": env["AMQP_URI"]}
    runner = Supervisor(own, DEFAULT_PATH, replicas=1, log_dir=tmp_path, services=("users", "gateway"),
                        env=env, out=open(os.devnull, "w"))
    runner.start()
    try:
        runner.wait_healthy(60)
        yield runner, prefix
    finally:
        runner.stop()


def _records(url, prefix, request_id):
    es = logship.client(url)
    es.indices.refresh(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
    return logquery.search(es, prefix, logquery.build_query(request_id=request_id))


def _dropped(base_url) -> float:
    from jobsight import config as config_module
    from jobsight.supervisor import operator_headers

    text = requests.get(f"{base_url}/metrics", timeout=5, headers=operator_headers(config_module.load())).text
    match = re.search(r'^jobsight_log_records_dropped_total\{reason="unavailable"\} (\S+)$', text, re.M)
    return float(match.group(1)) if match else 0.0


def _p50(base_url, n=40) -> float:
    times = []
    for _ in range(n):
        started = time.monotonic()
        assert requests.get(f"{base_url}/get-subscriptions/1", timeout=5).status_code == 401
        times.append(time.monotonic() - started)
    return statistics.median(times)


def test_one_requests_records_reach_the_index_in_order_and_a_dead_server_costs_nothing(shipping_system,
                                                                                        log_server):
    runner, prefix = shipping_system
    request_id = f"obs-{uuid.uuid4().hex}"
    email, password = f"obs-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery"
    answer = requests.post(f"{runner.base_url}/sign-up", json={"name": "Obs", "email": email, "password": password},
                           headers={"X-Request-ID": request_id}, timeout=10)
    assert answer.status_code == 201 and answer.headers["X-Request-ID"] == request_id

    deadline, records = time.monotonic() + 10, []
    while time.monotonic() < deadline:
        records = _records(log_server.url, prefix, request_id)
        services = {r["service"]["name"] for r in records}
        if {"users", "gateway"} <= services and any(r.get("event", {}).get("action") == "http.request"
                                                    for r in records):
            break
        time.sleep(0.3)
    services = [r["service"]["name"] for r in records]
    assert "users" in services and "gateway" in services, records
    stamps = [r["@timestamp"] for r in records]
    assert stamps == sorted(stamps)
    # Each call's record stands where it began: the gateway's call, then users', then the answer.
    assert services.index("gateway") < services.index("users")
    assert records[-1]["event"]["action"] == "http.request"
    assert records[-1]["http"]["response"]["status_code"] == 201
    everything = requests.get(f"{log_server.url}/{prefix}-*/_search", json={"size": 1000}, timeout=10).text
    assert email not in everything and password not in everything

    shipping_p50 = _p50(runner.base_url)
    before = _dropped(runner.base_url)
    log_server.close()
    down_p50 = _p50(runner.base_url)
    deadline = time.monotonic() + 15
    while _dropped(runner.base_url) == before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _dropped(runner.base_url) > before
    # Normal speed: never held up by retries (each a few seconds) to a server that is gone.
    assert down_p50 < max(3 * shipping_p50, shipping_p50 + 0.05), (shipping_p50, down_p50)
