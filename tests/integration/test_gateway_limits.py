"""A gateway's bounds, on an instance of its own with small ones in front of the suite's
services: a request whose headers or body are trickled a byte at a time is cut at the deadline
with a 408 (a slowloris holds nothing for long); beyond MAX_CONNECTIONS open connections or
MAX_IN_FLIGHT requests being answered, the next one gets a 503 with Retry-After at once rather
than a place in a queue."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from jobsight.chaos import trickle, wait_for
from jobsight.config import DEFAULT_PATH
from jobsight.ports import free_port

pytestmark = pytest.mark.integration

DEADLINE, MAX_CONNECTIONS, MAX_IN_FLIGHT = 2, 40, 4


@pytest.fixture(scope="module")
def small(system, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "GATEWAY_PORT": str(port), "GATEWAY_SOCKET_TIMEOUT": str(DEADLINE),
           "GATEWAY_MAX_CONNECTIONS": str(MAX_CONNECTIONS), "GATEWAY_MAX_IN_FLIGHT": str(MAX_IN_FLIGHT),
           "METRICS_PORT": str(free_port()), "JOBSIGHT_SERVICE": "gateway", "JOBSIGHT_INSTANCE": "limits",
           "LOGS_SHIPPING": "false"}
    log = open(tmp_path_factory.mktemp("small-gateway") / "gateway.log", "w")
    process = subprocess.Popen([str(Path(sys.executable).with_name("nameko")), "run", "--config", str(DEFAULT_PATH),
                                "services.gateway"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def live():
        try:
            return requests.get(f"{url}/health/live", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    try:
        assert wait_for(live, 60), "the small gateway did not start"
        yield port
    finally:
        process.terminate()
        process.wait(20)
        log.close()


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def test_headers_trickled_a_byte_at_a_time_are_cut_at_the_deadline(small):
    received, took = trickle(small, b"GET /skills HTTP/1.1\r\nHost: x\r\nX-Slow: ", 15, interval=0.25)
    assert received.startswith(b"HTTP/1.1 408") and b'"code": "request_timeout"' in received, received[:200]
    assert DEADLINE - 0.5 < took < DEADLINE + 3, took


def test_a_body_trickled_a_byte_at_a_time_is_cut_at_the_deadline(small):
    head = b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
    received, took = trickle(small, head, 15, interval=0.25)
    assert received.startswith(b"HTTP/1.1 408") and b'"code": "request_timeout"' in received, received[:200]
    assert b"Connection: close" in received  # the rest of the body is not waited for
    assert DEADLINE - 0.5 < took < DEADLINE + 3, took


def test_beyond_max_connections_the_next_gets_a_fast_503_then_service_resumes(small):
    url = f"http://127.0.0.1:{small}"
    held = [connect(small) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.3)  # accepted: each waits for its request line
        started = time.monotonic()
        busy = requests.get(f"{url}/skills", timeout=5)
        took = time.monotonic() - started
    finally:
        for sock in held:
            sock.close()
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1", busy.text
    assert busy.json()["code"] == "service_unavailable" and took < 1.0, took
    assert wait_for(lambda: requests.get(f"{url}/skills", timeout=5).status_code == 200, 10)


def test_beyond_max_in_flight_the_next_request_gets_a_fast_503(small):
    url = f"http://127.0.0.1:{small}"
    head = b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
    slow = [connect(small) for _ in range(MAX_IN_FLIGHT)]
    for sock in slow:
        sock.sendall(head)  # each request is being answered: its worker waits for the body
    try:
        time.sleep(0.3)
        started = time.monotonic()
        busy = requests.get(f"{url}/skills", timeout=5)
        took = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1", busy.text
    assert "busy" in busy.json()["msg"] and took < 1.0, took
    assert wait_for(lambda: requests.get(f"{url}/skills", timeout=5).status_code == 200, DEADLINE + 5)
