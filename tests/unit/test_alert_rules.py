"""The alert rules and Prometheus configs as Debian's promtool (installed by setup) reads them:
valid, and each alert fires when it should and stays quiet when it should not
(deploy/prometheus/alerts_test.yml)."""
import shutil
import subprocess

import pytest

from jobsight.config import ROOT

DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def promtool():
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail("promtool is not installed: scripts/setup.sh installs Debian's prometheus package")
    return binary


def run(promtool, *args):
    done = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60, cwd=DEPLOY / "prometheus")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_the_alert_rules_are_valid(promtool):
    assert "SUCCESS: 6 rules found" in run(promtool, "check", "rules", "alerts.yml")


def test_each_alert_fires_as_its_unit_tests_say(promtool):
    assert "SUCCESS" in run(promtool, "test", "rules", "alerts_test.yml")


@pytest.mark.parametrize("config", ["prometheus/local.yml", "prometheus.yml"])
def test_the_local_and_compose_configs_are_valid(promtool, config):
    out = run(promtool, "check", "config", "--syntax-only", str(DEPLOY / config)) if config == "prometheus.yml" \
        else run(promtool, "check", "config", str(DEPLOY / config))
    assert "is valid prometheus config file syntax" in out
