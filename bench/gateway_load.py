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

By default the bench starts its own system (jobsight.sandbox: `jobsight up --detach` on
databases, a RabbitMQ vhost, a Redis db and ports of its own), ingests one demo board and loads
the warehouse, and stops and drops it all afterwards. ``--replicas 1 2`` measures one instance
of every service, then two behind HAProxy, in the same run. ``--url`` measures a running
system instead (it must hold at least one job).

    python bench/gateway_load.py
    python bench/gateway_load.py --replicas 1 2
    python bench/gateway_load.py --seconds 10 --clients 1 10 50 100
    python bench/gateway_load.py --url http://127.0.0.1:8000
"""
import eventlet

eventlet.monkey_patch()  # green clients, and nameko's standalone proxy, as under nameko run

import argparse  # noqa: E402
import http.client  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from jobsight.sandbox import Sandbox  # noqa: E402

AIM = 1.6
# No timer-driven catch-up in the middle of a cell: the bench loads the warehouse itself.
SANDBOX_ENV = {"SCRAPER_SCHEDULE": "false", "ETL_CATCHUP_SECONDS": "3600", "LOG_LEVEL": "WARNING"}


def seed(box: Sandbox) -> dict:
    """One demo board ingested and the warehouse caught up: a job to read, an insight to cache."""
    with box.rpc(timeout=300) as n:
        board = next(s["name"] for s in n.scraper.sources() if s["kind"] == "greenhouse")
        run = n.scraper.run_source(board)
        deadline = time.monotonic() + 120
        while True:
            summary = n.etl.catch_up()
            if not summary.get("skipped") or time.monotonic() > deadline:
                break
            time.sleep(1)
    return {"board": board, "run": run, "catch_up": summary}


def cache_stats(box: Sandbox) -> dict | None:
    try:
        with box.rpc(timeout=10) as n:
            return n.gateway.cache_stats()
    except Exception as exc:
        return {"error": type(exc).__name__}


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


def measure(base: str, clients: list[int], seconds: float, box: Sandbox | None) -> tuple[list[dict], dict]:
    job_id = a_job_id(base)
    routes = [("no RPC", "/openapi.json"), ("RPC", f"/jobs/{job_id}"), ("cached insight", "/all-skills-by-demand")]
    for _, path in routes:  # warm: connections, the OpenAPI document, the cache entry
        for _ in range(20):
            requests.get(base + path, timeout=30)
    before = cache_stats(box) if box is not None else None
    rows = []
    for label, path in routes:
        for n in clients:
            row = {"route": label, "path": path, **cell(base + path, n, seconds)}
            rows.append(row)
            print(f"  {label:15} {n:>3} clients: {row['rps']:7.0f} req/s", flush=True)
    after = cache_stats(box) if box is not None else None
    cached = {}
    if before and after and "hits" in before and "hits" in after:
        cached = {"hits": after["hits"] - before["hits"], "forwarded": after.get("forwarded", 0) - before.get("forwarded", 0)}
    return rows, cached


def report(label: str, rows: list[dict], cached: dict, seconds: float) -> None:
    print(f"\n{label}, {seconds:g} s per cell")
    print(f"{'route':16} {'path':24} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in rows:
        p50 = f"{r['p50_ms']:8.1f}" if r["p50_ms"] is not None else f"{'-':>8}"
        p99 = f"{r['p99_ms']:8.1f}" if r["p99_ms"] is not None else f"{'-':>8}"
        print(f"{r['route']:16} {r['path']:24} {r['clients']:>7} {r['rps']:8.0f} {p50} {p99} {r['errors']:>6}")
    if cached:
        print(f"cached insight: {cached['hits']} answered by the gateway from the ring (one gateway's count), "
              f"{cached['forwarded']} forwarded to insights")
    rps = {(r["route"], r["clients"]): r["rps"] for r in rows}
    if rps.get(("RPC", 1)) and ("RPC", 10) in rps:
        ratio = rps[("RPC", 10)] / rps[("RPC", 1)]
        print(f"aim: RPC route req/s at 10 clients / at 1 client = {ratio:.2f} "
              f"({'meets' if ratio >= AIM else 'misses'} the aim of >= {AIM})")
    for n in sorted({r["clients"] for r in rows}):
        if rps.get(("no RPC", n)) and ("RPC", n) in rps:
            print(f"  at {n:>3} clients the RPC route serves {rps[('RPC', n)] / rps[('no RPC', n)]:.0%} of the "
                  f"no-RPC route's req/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="measure a running system's gateway instead of starting one")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each cell")
    parser.add_argument("--count", type=int, default=300, help="demo postings of the bench's own system")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1],
                        help="instances of every service, one sandbox each in turn (e.g. 1 2)")
    args = parser.parse_args()

    if args.url:
        rows, cached = measure(args.url.rstrip("/"), args.clients, args.seconds, None)
        report(f"gateway {args.url}", rows, cached, args.seconds)
        return
    results = []
    for replicas in args.replicas:
        box = Sandbox("bench_load", replicas=replicas, redis_db=11, demo_count=args.count, env=SANDBOX_ENV)
        box.create()
        box.up()
        try:
            seeded = seed(box)
            print(f"{replicas} instance(s) of every service; seeded: {seeded['board']} "
                  f"({seeded['run'].get('fetched', '?')} fetched)", flush=True)
            results.append((replicas, *measure(box.url, args.clients, args.seconds, box)))
        finally:
            box.down()
            box.destroy()
    for replicas, rows, cached in results:
        front = "one gateway" if replicas == 1 else f"HAProxy in front of {replicas} gateways"
        report(f"{replicas} instance(s) of every service ({front})", rows, cached, args.seconds)


if __name__ == "__main__":
    main()
