"""`jobsight up --detach --replicas N` and `jobsight down`, as an operator runs them."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from jobsight.supervisor import PID_FILE
from jobsight.ports import free_port

pytestmark = pytest.mark.integration


def nameko_processes(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eww", "-o", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "nameko run" in line and marker in line]


def services_on_port(port: int) -> list[int]:
    """nameko processes started with this GATEWAY_PORT in their environment."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"nameko" in cmdline and f"GATEWAY_PORT={port}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def test_detached_replicas_start_healthy_and_stop_cleanly(databases, tmp_path, system):
    if PID_FILE.exists():
        pytest.skip("a detached jobsight is already running on this checkout")
    port = free_port()
    env = {**os.environ, "GATEWAY_PORT": str(port)}
    log_dir = tmp_path / "logs"
    up = subprocess.run([sys.executable, "-m", "jobsight.cli", "up", "--detach", "--replicas", "2",
                         "--log-dir", str(log_dir)], env=env, capture_output=True, text=True, timeout=150)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        status = requests.get(f"http://127.0.0.1:{port}/status", timeout=5)
        assert status.status_code == 200
        logs = sorted(p.name for p in log_dir.glob("*-?.log"))
        assert logs == sorted(f"{s}-{i}.log" for s in ("users", "scraper", "insights", "etl", "coordinator", "gateway")
                              for i in (0, 1))
        # Both gateways share the port; both users instances serve RPC.
        assert len(nameko_processes("services.users")) >= 2
    finally:
        down = subprocess.run([sys.executable, "-m", "jobsight.cli", "down"], env=env, capture_output=True,
                              text=True, timeout=60)
    assert down.returncode == 0 and "stopped" in down.stdout
    assert not services_on_port(port)  # no service outlives `down`
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/status", timeout=2)
    assert not PID_FILE.exists()
