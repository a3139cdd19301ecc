"""Schemathesis against the running gateway with every check, response conformance included:
the OpenAPI document states every rule the server enforces (nothing valid is refused, nothing
invalid accepted), and every answer matches the schema it is documented with."""
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = 10  # per operation and phase: about 1,000 requests, under a minute


def test_schemathesis_finds_no_failure(http, gateway, operator):
    email = f"st-{uuid.uuid4().hex[:10]}@example.com"
    assert http.post(f"{gateway}/sign-up", json={"name": "Sam", "email": email,
                                                 "password": "correct horse"}).status_code == 201
    token = http.post(f"{gateway}/login", json={"email": email, "password": "correct horse"}).json()["token"]
    (name, value), = operator.items()
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{gateway}/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES),
         "--generation-deterministic", "--request-timeout", "10",
         "-H", f"Authorization: Bearer {token}", "-H", f"{name}: {value}",
         # Logging out would revoke the token the rest of the run uses.
         "--exclude-path", "/logout"],
        capture_output=True, text=True, timeout=600)
    summary = run.stdout[run.stdout.rfind("SUMMARY"):]
    print(summary)
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-2000:]
    counted = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert counted and int(counted[1]) == int(counted[2]) > 500, summary  # every operation was really tried
