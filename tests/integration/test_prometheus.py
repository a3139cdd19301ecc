"""The real Prometheus (Debian's, as setup installs it) on the running system: it finds every
instance through the file the supervisor writes and scrapes each; every Grafana panel's query
returns series; killing a service fires its alert."""
import json
import os
import shutil
import signal
import subprocess
import time

import pytest
import requests

from jobsight.config import ROOT
from jobsight.ports import free_port
from tests.integration.conftest import wait_for
from tests.unit.test_dashboards import panel_queries

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def prometheus(system, tmp_path_factory):
    """A Prometheus of the test's own: the shipped alert rules, the system's targets file, and
    short intervals so the test does not wait on 5 s ticks (a scrape may take up to 2 s: the
    machine is busy with the rest of the suite)."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is not installed: scripts/setup.sh installs it")
    home = tmp_path_factory.mktemp("prometheus")
    port = free_port()
    (home / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "2s", "scrape_timeout": "2s", "evaluation_interval": "1s"},
        "rule_files": [str(ROOT / "deploy" / "prometheus" / "alerts.yml")],
        "scrape_configs": [{"job_name": "jobsight", "file_sd_configs": [
            {"files": [str(system.targets_file)], "refresh_interval": "1s"}]}],
    }))
    log = open(home / "prometheus.log", "wb")
    process = subprocess.Popen([binary, f"--config.file={home / 'prometheus.yml'}",
                                f"--storage.tsdb.path={home / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        assert wait_for(ready, 30), (home / "prometheus.log").read_text()[-2000:]
        yield url
    finally:
        process.terminate()
        process.wait(15)
        log.close()


def query(prometheus, expr: str) -> list:
    answer = requests.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10).json()
    assert answer["status"] == "success", (expr, answer)
    return answer["data"]["result"]


def targets(prometheus) -> dict:
    active = requests.get(f"{prometheus}/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
    return {t["labels"]["replica"]: t for t in active}


def health(prometheus) -> dict:
    """Each target's health and last error, for a failure message."""
    return {replica: (t["health"], t.get("lastError"), t["scrapeUrl"]) for replica, t in targets(prometheus).items()}


def test_prometheus_scrapes_every_instance(system, prometheus):
    expected = {f"{i.service}-{i.index}": i for i in system.instances if i.metrics_port}
    assert {i.split("-")[0] for i in expected} == {"users", "scraper", "insights", "etl", "coordinator", "gateway"}

    def all_up():
        found = targets(prometheus)
        return set(found) == set(expected) and all(t["health"] == "up" for t in found.values())

    assert wait_for(all_up, 30), (health(prometheus), {r: i.metrics_port for r, i in expected.items()})
    for replica, target in targets(prometheus).items():
        assert target["labels"]["service"] == expected[replica].service
        assert target["scrapeUrl"].endswith(f":{expected[replica].metrics_port}/metrics")
    # Each instance reports its own entrypoints: every service has answered a call by now.
    assert wait_for(lambda: {r["metric"]["service"] for r in query(
        prometheus, "sum by (service) (jobsight_entrypoint_calls_total)")} >= set(s.split("-")[0] for s in expected), 30)


def test_every_dashboard_panel_returns_series_after_a_demo_run(system, prometheus, gateway, rpc, http):
    sources = [s["name"] for s in rpc.scraper.sources() if s["name"].startswith("demo-") and s["enabled"]]
    for name in sources[:3]:
        rpc.scraper.run_source(name)
    rpc.etl.catch_up()
    for path in ("/jobs?q=python", "/jobs/1", "/insights/skills", "/insights/skills", "/skills", "/status"):
        http.get(gateway + path, timeout=30)
    failing = {}

    def all_answer():
        failing.clear()
        for dashboard, title, expr in panel_queries():
            if not query(prometheus, expr):
                failing[(dashboard, title)] = expr
        return not failing

    # rate() needs two scrapes inside its window after the activity above.
    assert wait_for(all_answer, 45, interval=2), (f"{len(failing)} panels return no series: {failing}",
                                                   health(prometheus))


def test_killing_a_service_fires_its_alert(system, prometheus, gateway):
    victim = next(i for i in system.instances if i.service == "insights")
    os.kill(victim.process.pid, signal.SIGKILL)
    killed = time.monotonic()

    def firing():
        alerts = requests.get(f"{prometheus}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
        return [a for a in alerts if a["labels"].get("alertname") == "JobsightServiceDown"
                and a["labels"].get("service") == "insights" and a["state"] == "firing"]

    try:
        fired = wait_for(firing, 75, interval=1)
        took = time.monotonic() - killed
    finally:
        # The session's system is not supervised: heal it here, as `jobsight up` would have.
        assert wait_for(lambda: system.heal() or victim.process.poll() is None, 30)
        assert wait_for(lambda: requests.get(f"{gateway}/status", timeout=5).status_code == 200, 60)
    assert fired, ("JobsightServiceDown{service=insights} did not fire within 75 s",
                   requests.get(f"{prometheus}/api/v1/alerts", timeout=5).json()["data"]["alerts"], health(prometheus))
    print(f"JobsightServiceDown fired {took:.0f}s after SIGKILL (rule: for 30s)")
    # It is back: Prometheus scrapes it again.
    assert wait_for(lambda: targets(prometheus)[victim.label]["health"] == "up", 30)
