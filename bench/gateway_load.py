"""Gateway throughput and latency under concurrent clients: req/s, p50 and p99 at 1, 10 and 50.

Three routes, each a different path through one gateway instance:

- ``/openapi.json``: answered by the gateway alone (no RPC);
- ``/jobs/<id>``: one RPC to the scraper (deadline and circuit breaker) and a jobs_db read;
- ``/all-skills-by-demand``: a cached insight, answered by the gateway from the cache ring
  after warming (it falls back to an RPC to insights when the ring is not running).

Every client is a green thread with its own keep-alive connection, sending one request after
the other for ``--seconds`` per cell. The aim check is the RPC route's throughput at 10
clients over that at 1 client: one gateway process should overlap calls to one service, not
queue them (aim >= 1.6).

By default the bench starts its own system with the supervisor (every service, one instance
each) on databases, a RabbitMQ vhost, a Redis db and ports of its own, ingests one demo board
and loads the warehouse, and stops and drops it all afterwards. ``--url`` measures a running
system instead (it must hold at least one job).

    python bench/gateway_load.py
    python bench/gateway_load.py --seconds 10 --clients 1 10 50 100
    python bench/gateway_load.py --url http://127.0.0.1:8000
"""
import eventlet

eventlet.monkey_patch()  # green clients, and nameko's standalone proxy, as under nameko run

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
PREFIX = "jobsight_bench_load"
VHOST = "jobsight_bench_load"
REDIS_DB = 11
AIM = 1.6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_vhost(vhost: str) -> None:
    api = "http://127.0.0.1:15672/api"
    requests.put(f"{api}/vhosts/{vhost}", auth=("guest", "guest"), timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{vhost}/guest", auth=("guest", "guest"), timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()


def _drop_databases(uris) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    for uri in uris:
        url = make_url(uri)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


class OwnSystem:
    """Every service under the supervisor, on resources no other run uses."""

    def __init__(self, count: int, log_dir: Path):
        port = _free_port()
        self.env = {
            "USERS_DB_URI": f"{PG}/{PREFIX}_users", "JOBS_DB_URI": f"{PG}/{PREFIX}_jobs",
            "WAREHOUSE_DB_URI": f"{PG}/{PREFIX}_warehouse", "COORDINATOR_DB_URI": f"{PG}/{PREFIX}_coordinator",
            "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "GATEWAY_PORT": str(port), "PUBLIC_WS_URL": f"ws://127.0.0.1:{port}/ws",
            "DEMO_SOURCES_ENABLED": "true", "DEMO_SOURCES_URL": f"http://127.0.0.1:{_free_port()}",
            "DEMO_SOURCES_COUNT": str(count), "SCRAPER_SCHEDULE": "false",
            # No timer-driven catch-up in the middle of a cell: the bench loads the warehouse itself.
            "ETL_CATCHUP_SECONDS": "3600", "LOG_LEVEL": "WARNING",
        }
        self.log_dir = log_dir
        self.runner = None

    def start(self) -> str:
        from jobsight import config as config_module
        from jobsight.migrate import upgrade_all
        from jobsight.supervisor import Supervisor

        os.environ.update(self.env)
        self.config = config_module.load()
        _ensure_vhost(VHOST)
        _drop_databases(self._uris())
        upgrade_all(self.config)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.runner = Supervisor(self.config, config_module.DEFAULT_PATH, env=self.env, log_dir=self.log_dir,
                                 out=open(os.devnull, "w"))
        self.runner.start()
        try:
            self.runner.wait_healthy(120)
        except BaseException:
            self.stop(keep=False)
            raise
        return self.runner.base_url

    def seed(self) -> dict:
        """One demo board ingested and the warehouse caught up: a job to read, an insight to cache."""
        from nameko.standalone.rpc import ClusterRpcProxy

        with ClusterRpcProxy(self.config, timeout=300) as n:
            board = next(s["name"] for s in n.scraper.sources() if s["kind"] == "greenhouse")
            run = n.scraper.run_source(board)
            deadline = time.monotonic() + 120
            while True:
                summary = n.etl.catch_up()
                if not summary.get("skipped") or time.monotonic() > deadline:
                    break
                time.sleep(1)
        return {"board": board, "run": run, "catch_up": summary}

    def cache_stats(self) -> dict | None:
        from nameko.standalone.rpc import ClusterRpcProxy

        try:
            with ClusterRpcProxy(self.config, timeout=10) as n:
                return n.gateway.cache_stats()
        except Exception as exc:
            return {"error": type(exc).__name__}

    def _uris(self):
        return [self.env[k] for k in ("USERS_DB_URI", "JOBS_DB_URI", "WAREHOUSE_DB_URI", "COORDINATOR_DB_URI")]

    def stop(self, keep: bool) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        if not keep:
            _drop_databases(self._uris())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def cell(url: str, clients: int, seconds: float) -> dict:
    """``clients`` green threads, each on its own keep-alive connection, for ``seconds``.
    The clients speak plain ``http.client``: on two cores, requests' own CPU per call would
    be taken from the system being measured."""
    latencies: list[float] = []
    errors = [0]
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    start = time.monotonic()
    stop_at = start + seconds

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    connection.request("GET", target, headers={"Connection": "keep-alive"})
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    connection.close()  # the next request opens a new connection
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors[0] += 1
        finally:
            connection.close()

    pool = eventlet.GreenPool(clients)
    for _ in range(clients):
        pool.spawn(client)
    pool.waitall()
    elapsed = time.monotonic() - start
    return {"clients": clients, "requests": len(latencies), "errors": errors[0],
            "rps": len(latencies) / elapsed,
            "p50_ms": percentile(latencies, 0.5) * 1000 if latencies else None,
            "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None}


def a_job_id(base: str) -> int:
    page = requests.get(f"{base}/jobs", params={"per_page": 1}, timeout=30).json()
    if not page.get("results"):
        raise SystemExit(f"{base} holds no job: ingest a source first (n.rpc.scraper.run_source(...))")
    return int(page["results"][0]["job_id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="measure a running system's gateway instead of starting one")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each cell")
    parser.add_argument("--count", type=int, default=300, help="demo postings of the bench's own system")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    args = parser.parse_args()

    system = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        system = OwnSystem(args.count, Path(__file__).resolve().parent.parent / "logs" / "bench-gateway-load")
        base = system.start()
    try:
        if system is not None:
            seeded = system.seed()
            print(f"seeded: {seeded['board']} ({seeded['run'].get('fetched', '?')} fetched), "
                  f"warehouse caught up: {json.dumps(seeded['catch_up'])[:160]}", flush=True)
        job_id = a_job_id(base)
        routes = [("no RPC", "/openapi.json"), ("RPC", f"/jobs/{job_id}"),
                  ("cached insight", "/all-skills-by-demand")]
        for _, path in routes:  # warm: connections, the OpenAPI document, the cache entry
            for _ in range(20):
                requests.get(base + path, timeout=30)
        before = system.cache_stats() if system is not None else None
        rows = []
        for label, path in routes:
            for clients in args.clients:
                row = {"route": label, "path": path, **cell(base + path, clients, args.seconds)}
                rows.append(row)
                print(f"  {label:15} {clients:>3} clients: {row['rps']:7.0f} req/s", flush=True)
        after = system.cache_stats() if system is not None else None
    finally:
        if system is not None:
            system.stop(args.keep)

    print(f"\ngateway {base}, {args.seconds:g} s per cell, one gateway instance")
    print(f"{'route':16} {'path':24} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in rows:
        p50 = f"{r['p50_ms']:8.1f}" if r["p50_ms"] is not None else f"{'-':>8}"
        p99 = f"{r['p99_ms']:8.1f}" if r["p99_ms"] is not None else f"{'-':>8}"
        print(f"{r['route']:16} {r['path']:24} {r['clients']:>7} {r['rps']:8.0f} {p50} {p99} {r['errors']:>6}")
    if before and after and "hits" in before and "hits" in after:
        print(f"cached insight: {after['hits'] - before['hits']} answered by the gateway from the ring, "
              f"{after.get('forwarded', 0) - before.get('forwarded', 0)} forwarded to insights")
    rpc = {r["clients"]: r["rps"] for r in rows if r["route"] == "RPC"}
    if 1 in rpc and 10 in rpc and rpc[1]:
        ratio = rpc[10] / rpc[1]
        print(f"aim: RPC route req/s at 10 clients / at 1 client = {ratio:.2f} "
              f"({'meets' if ratio >= AIM else 'misses'} the aim of >= {AIM})")


if __name__ == "__main__":
    main()
