"""Each gateway instance shows its circuit breakers: in /status, in /metrics, and over RPC to
operators (``n.rpc.gateway.breakers()``, ``n.rpc.etl.breakers()``)."""
import pytest

pytestmark = pytest.mark.integration

BACKENDS = ("users", "scraper", "insights", "etl", "coordinator")


def test_status_details_carry_this_instances_circuits(http, gateway, operator):
    details = http.get(f"{gateway}/status", timeout=10, headers=operator).json()["details"]
    assert set(details["circuits"]) == set(BACKENDS)
    assert set(details["circuits"].values()) <= {"closed", "half-open", "open"}


def test_metrics_give_each_circuit_state_half_open_included(http, gateway, operator):
    http.get(f"{gateway}/status", timeout=10)
    body = http.get(f"{gateway}/metrics", headers=operator).text
    states = [line for line in body.splitlines()
              if line.startswith("jobsight_circuit_state{") and 'target="users"' in line]
    assert sorted(line.split('jobsight_circuit_state="')[1].split('"')[0] for line in states) == \
        ["closed", "half-open", "open"]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in states) == 1.0  # exactly one state holds
    assert 'jobsight_circuit_state{jobsight_circuit_state="closed",target="users"} 1.0' in body
    assert 'jobsight_circuit_open{target="users"} 0.0' in body


def test_operators_read_one_instances_breakers_over_rpc(rpc, config):
    gateway = rpc.gateway.breakers()
    assert gateway["instance"] and set(gateway["breakers"]) == set(BACKENDS)
    users = gateway["breakers"]["users"]
    assert users["state"] in ("closed", "half-open", "open") and users["failures"] >= 0
    assert users["fail_max"] == config["RPC"]["BREAKER_FAIL_MAX"]
    assert users["half_open_calls"] == config["RPC"]["BREAKER_HALF_OPEN_CALLS"]
    assert users["timeout"] == float(config["RPC"]["TIMEOUT"])
    assert set(rpc.etl.breakers()["breakers"]) == {"scraper", "users"}
