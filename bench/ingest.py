"""Ingestion throughput.

1. Parse + normalize, per source kind, on one core: postings per second for the adapter alone
   and for adapter + normalizer, over the demo boards' native payloads (served in-process).
2. End to end: demo boards over HTTP on loopback → crawl → normalize → dedup → jobs_db
   (a bench database of its own) → job events dispatched to RabbitMQ (a bench vhost).

    python bench/ingest.py                      # 3,000 demo jobs for part 1, 100,000 postings end to end
    python bench/ingest.py --e2e-postings 20000 # quicker
    python bench/ingest.py --skip-e2e
"""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import dedup_quality  # noqa: E402  (bench/dedup_quality.py)
from dedup_quality import InProcessFetcher  # noqa: E402
from jobsight import config as config_module, taxonomy as taxonomy_store  # noqa: E402
from jobsight.adapters.units import JobsUnit  # noqa: E402
from jobsight.ingestion import pipeline  # noqa: E402
from jobsight.outbox import Relay  # noqa: E402
from jobsight.ports import free_port  # noqa: E402
from jobsight.demo import DemoWorld  # noqa: E402
from jobsight.demo.server import default_sources, make_app  # noqa: E402
from jobsight.migrate import upgrade  # noqa: E402
from jobsight.normalize import default_taxonomy, normalize  # noqa: E402
from jobsight.sources import get_adapter  # noqa: E402
from jobsight.sources.crawl import crawl  # noqa: E402
from jobsight.sources.fetch import Fetcher  # noqa: E402

JSON_KINDS = ("greenhouse", "lever", "ashby", "remoteok", "remotive", "arbeitnow")


def parse_throughput(count: int) -> None:
    world = DemoWorld(count=count)
    app = make_app(world)
    base = "http://demo.local"
    taxonomy = default_taxonomy()
    by_kind = defaultdict(list)
    for source in default_sources(base):
        by_kind[source["kind"]].append(source)
    print(f"\n== parse + normalize on one core ({count} demo jobs) ==")
    print(f"{'kind':<11} {'postings':>8} {'parse/s':>10} {'parse+normalize/s':>18}")
    totals = defaultdict(float)
    for kind, sources in sorted(by_kind.items()):
        adapter = get_adapter(kind)
        fetcher = InProcessFetcher(app)
        for source in sources:
            list(crawl(source, fetcher, adapter))
        documents = fetcher.documents
        t0 = time.perf_counter()
        raws = []
        for url, body in documents:
            raws.extend(adapter.parse(body, url, sources[0]).postings)
        parse_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for raw in raws:
            normalize(raw, taxonomy)
        normalize_s = time.perf_counter() - t0
        n = len(raws)
        print(f"{kind:<11} {n:>8} {n / parse_s:>10,.0f} {n / (parse_s + normalize_s):>18,.0f}")
        if kind in JSON_KINDS:
            totals["n"] += n
            totals["s"] += parse_s + normalize_s
    print(f"{'JSON kinds':<11} {int(totals['n']):>8} {'':>10} {totals['n'] / totals['s']:>18,.0f}")


def _bench_database(config: dict) -> str:
    url = make_url(config_module.db_uri(config, "jobs")).set(database="jobsight_bench_jobs")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "jobsight_bench_jobs" WITH (FORCE)'))
    admin.dispose()
    uri = url.render_as_string(hide_password=False)
    upgrade("jobs", uri)
    return uri


def _bench_vhost(config: dict) -> str:
    auth = ("guest", "guest")
    requests.put("http://127.0.0.1:15672/api/vhosts/jobsight_bench", auth=auth, timeout=10)
    requests.put("http://127.0.0.1:15672/api/permissions/jobsight_bench/guest", auth=auth, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"})
    return "pyamqp://guest:guest@127.0.0.1:5672/jobsight_bench"


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/robots.txt", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("demo boards did not start")


def end_to_end(postings: int) -> None:
    config = config_module.load()
    # About 1.13 postings per job are served on the demo boards (jobs on several boards).
    count = max(100, int(postings / 1.13))
    port = free_port()
    # The boards run in a process of their own, as real boards would: their rendering is not ours.
    server = subprocess.Popen([sys.executable, "-m", "jobsight.demo", "--port", str(port), "--count", str(count)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait_for(base)
    uri = _bench_database(config)
    engine = create_engine(uri)
    with Session(engine) as session:
        taxonomy_store.seed(session)
        session.commit()
        taxonomy = taxonomy_store.load(session)
    from nameko.amqp.publish import Publisher
    from nameko.events import get_event_exchange

    amqp = {"AMQP_URI": _bench_vhost(config), "serializer": "json"}
    exchange = get_event_exchange("scraper", amqp)
    publisher = Publisher(amqp["AMQP_URI"], use_confirms=True, declare=[exchange])
    # The events go out as the scraper's relay sends them: from the outbox, with confirms.
    relay = Relay(engine, lambda kind, payload, _: publisher.publish(payload, exchange=exchange, routing_key=kind))

    print(f"\n== end to end: demo boards over HTTP → jobs_db → events ({count} demo jobs) ==")
    t0 = time.perf_counter()
    totals = defaultdict(int)
    for source in default_sources(base):
        source = {**source, "max_requests": 10**6, "max_pages": 10**5}
        stats = pipeline.run_source(source, Fetcher(source, rate_limit=0), taxonomy,
                                    lambda: JobsUnit.of(Session(engine)))
        relay.drain(timeout=600)
        for key in ("fetched", "new", "updated", "unchanged", "skipped", "errors"):
            totals[key] += getattr(stats, key)
    elapsed = time.perf_counter() - t0
    with engine.connect() as conn:
        observations = conn.execute(text("SELECT count(*) FROM job_sources")).scalar()
        jobs = conn.execute(text("SELECT count(*) FROM jobs")).scalar()
        rows = conn.execute(text("SELECT id, source_kind, url, job_id FROM job_sources")).all()
    quality = dedup_quality.measure(rows, DemoWorld(count=count), base)
    server.terminate()
    server.wait()
    print(f"postings stored: {observations:,} as {jobs:,} canonical jobs "
          f"({observations - jobs:,} duplicates merged); skipped {totals['skipped']}, errors {totals['errors']}")
    print(f"events published from the outbox: {relay.published:,}")
    print(f"dedup against the demo's ground truth: precision {quality['precision']:.3f}, "
          f"recall {quality['recall']:.3f} ({quality['canonical_jobs']:,} canonical jobs for "
          f"{quality['true_jobs']:,} true jobs)")
    print(f"elapsed: {elapsed:,.1f} s → {observations / elapsed:,.0f} postings/s end to end (one process)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Ingestion throughput")
    parser.add_argument("--count", type=int, default=3000, help="demo jobs for the per-kind parse figures")
    parser.add_argument("--e2e-postings", type=int, default=100_000)
    parser.add_argument("--skip-e2e", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parse_throughput(args.count)
    if not args.skip_e2e:
        end_to_end(args.e2e_postings)


if __name__ == "__main__":
    main()
