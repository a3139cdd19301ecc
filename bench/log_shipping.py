"""Request latency with log shipping on and off, in the same run, and what shipping costs the log
server: p50/p99 of an authenticated gateway → users request, shipped records per second, and the
log server's memory afterwards.

Two systems (users and gateway, one instance each) run side by side on one set of databases,
each on a RabbitMQ vhost and gateway port of its own; one ships its logs to a log server the
bench starts (osmem-server), the other does not. Requests alternate between them, one client,
so both see the same machine load. Aim: shipping-on p50 within 5% of shipping-off.

    python bench/log_shipping.py
    python bench/log_shipping.py --requests 2000
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from jobsight.sandbox import drop_databases, ensure_vhost  # noqa: E402
from jobsight.ports import free_port  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
PREFIX = "jobsight_bench_logs"
AIM = 1.05


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _shipped(base_url: str) -> float:
    from jobsight import config as config_module
    from jobsight.supervisor import operator_headers

    text = requests.get(f"{base_url}/metrics", timeout=5, headers=operator_headers(config_module.load())).text
    match = re.search(r"^jobsight_log_records_shipped_total (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def _token(base_url: str) -> str:
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery"
    requests.post(f"{base_url}/sign-up", json={"name": "Bench", "email": email, "password": password},
                  timeout=30).raise_for_status()
    answer = requests.post(f"{base_url}/login", json={"email": email, "password": password}, timeout=30)
    answer.raise_for_status()
    return answer.json()["token"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per system (default 1000)")
    args = parser.parse_args()

    from osmem_server import OsmemServer

    uris = {k: f"{PG}/{PREFIX}_{name}" for k, name in
            (("USERS_DB_URI", "users"), ("JOBS_DB_URI", "jobs"), ("WAREHOUSE_DB_URI", "warehouse"),
             ("COORDINATOR_DB_URI", "coordinator"))}
    os.environ.update(uris)
    os.environ.update({"DEMO_SOURCES_ENABLED": "false", "SCRAPER_SCHEDULE": "false", "CACHE_ENABLED": "false"})
    from jobsight import config as config_module
    from jobsight.migrate import upgrade_all
    from jobsight.supervisor import Supervisor

    drop_databases(uris.values())
    upgrade_all(config_module.load())
    server = OsmemServer.start(addr=f"127.0.0.1:{free_port()}", japanese=False)
    systems, log_root = {}, Path(tempfile.mkdtemp(prefix="bench-logs-"))
    try:
        for name, shipping in (("on", "true"), ("off", "false")):
            port, vhost = free_port(), f"{PREFIX}_{name}"
            ensure_vhost(vhost)
            env = {"LOGS_SHIPPING": shipping, "LOGS_ELASTICSEARCH_URL": server.url, "LOGS_INDEX_PREFIX": PREFIX,
                   "GATEWAY_PORT": str(port), "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}",
                   "RPC_TIMEOUT": "30"}
            config = {**config_module.load(), "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "AMQP_URI": env["AMQP_URI"]}
            runner = Supervisor(config, config_module.DEFAULT_PATH, log_dir=log_root / name,
                                services=("users", "gateway"), env=env, out=open(os.devnull, "w"))
            runner.start()
            systems[name] = runner
        for runner in systems.values():
            runner.wait_healthy(120)
        sessions = {}
        for name, runner in systems.items():
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {_token(runner.base_url)}"
            sessions[name] = session
        times = {name: [] for name in systems}
        for _ in range(20):  # warm both
            for name, runner in systems.items():
                sessions[name].get(f"{runner.base_url}/subscriptions", timeout=30)
        shipped_before, started = _shipped(systems["on"].base_url), time.monotonic()
        for _ in range(args.requests):
            for name, runner in systems.items():
                began = time.perf_counter()
                answer = sessions[name].get(f"{runner.base_url}/subscriptions", timeout=30)
                times[name].append(time.perf_counter() - began)
                assert answer.status_code == 200, answer.text
        elapsed = time.monotonic() - started
        time.sleep(2)  # the last batch
        shipped = _shipped(systems["on"].base_url) - shipped_before
        print(f"{args.requests} requests per system, GET /subscriptions (gateway -> users RPC), one client, alternating")
        for name in ("off", "on"):
            values = sorted(times[name])
            print(f"  shipping {name:>3}: p50 {statistics.median(values) * 1000:6.2f} ms   "
                  f"p99 {values[int(len(values) * 0.99) - 1] * 1000:6.2f} ms")
        ratio = statistics.median(times["on"]) / statistics.median(times["off"])
        print(f"  p50 on/off: {ratio:.3f} (aim <= {AIM})  {'ok' if ratio <= AIM else 'MISSED'}")
        print(f"  records the gateway shipped: {shipped:.0f} in {elapsed:.1f} s = {shipped / elapsed:.0f} records/s "
              f"({shipped / args.requests:.1f} per request; users ships its own)")
        print(f"  log server memory (RSS): {_rss_mb(server.pid):.0f} MB")
    finally:
        for runner in systems.values():
            runner.stop()
        server.close()
        drop_databases(uris.values())
    return 0


if __name__ == "__main__":
    sys.exit(main())
