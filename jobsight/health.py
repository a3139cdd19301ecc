"""Health checks: what each service reports to the gateway's ``/status``, and waiting for one."""
from __future__ import annotations

import time

from sqlalchemy import text


def check_database(session) -> str:
    session.execute(text("SELECT 1"))
    return "ok"


def report(**checks) -> dict:
    """Run named zero-argument checks; the service is ok only if every check is."""
    results, ok = {}, True
    for name, check in checks.items():
        started = time.monotonic()
        try:
            results[name] = check()
        except Exception as exc:  # a failing dependency is reported, not raised
            results[name] = f"error: {type(exc).__name__}"
            ok = False
        results[f"{name}_ms"] = round((time.monotonic() - started) * 1000, 1)
    return {"ok": ok, "checks": results}


def wait_for(predicate, timeout: float, interval: float = 0.2):
    """``predicate()`` once it is truthy, polling every ``interval`` s; its last value at ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
