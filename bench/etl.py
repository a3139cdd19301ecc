"""Warehouse loading speed: incremental event loads (events/s) and full rebuilds (rows/s).

    .venv/bin/python bench/etl.py                       # 100,000 postings
    .venv/bin/python bench/etl.py --count 1000000 --events 20000

Works on a database of its own (``jobsight_bench_warehouse``, recreated by the real
migrations), never on warehouse_db. Jobs come from the demo world (``DemoWorld``): a pool of
distinct realistic jobs is generated once and cycled under fresh job ids, so producing the
input costs little; that cost is measured too and printed as the baseline.

Incremental: each event goes through exactly what the etl service's handler does (check the
payload, claim the event id, load, scoped quality checks, version bump, one transaction),
from ``--workers`` threads, like a pool of nameko workers; the broker hop is not included.
Rebuild: pages of 5,000 jobs, as ``scraper.export_jobs`` would hand them, through
``jobsight.warehouse.rebuild`` (stage, dimensions, facts, bridge, indexes, aggregates,
checks, ANALYZE, swap).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobsight.demo import DemoWorld  # noqa: E402
from jobsight.events import envelope  # noqa: E402
from jobsight.migrate import upgrade  # noqa: E402
from jobsight.normalize.skills import Taxonomy  # noqa: E402
from jobsight.warehouse import records  # noqa: E402
from jobsight.warehouse.store import Warehouse  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
DATABASE = "jobsight_bench_warehouse"
POOL = 20_000
PAGE = 5_000
PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}
FX = Path(__file__).resolve().parent.parent / "jobsight" / "data" / "fx_rates.yml"


def latest_rates() -> dict[str, float]:
    data = yaml.safe_load(FX.read_text())
    return {cur: float(by_date[max(by_date)]) for cur, by_date in data["rates"].items()}


def job_dict(job, job_id: int, day: int, rates: dict[str, float]) -> dict:
    """A demo job in the event/export shape of docs/EVENTS.md."""
    posted = job.posted_at.isoformat()
    is_open = job.is_open(day)
    salary = None
    if job.pay is not None:
        factor, rate = PER_YEAR.get(job.pay.period, 1), rates.get(job.pay.currency)
        annual = (lambda v: round(v * factor / rate, 2) if v is not None and rate else None)
        salary = {"min": job.pay.min, "max": job.pay.max, "currency": job.pay.currency, "period": job.pay.period,
                  "annual_min": annual(job.pay.min), "annual_max": annual(job.pay.max),
                  "annual_currency": "EUR" if rate else None, "raw": job.pay.text}
    return {
        "job_id": job_id, "version": 1, "status": "open" if is_open else "closed", "title": job.title,
        "company": job.company.name, "description": "", "location": job.location, "city": job.city,
        "region": job.region, "country": job.country, "workplace": job.workplace, "remote": job.remote,
        "employment_type": job.employment_type, "seniority": job.seniority, "date_posted": posted,
        "first_seen": posted, "last_seen": posted, "closed_at": None if is_open else posted,
        "updated_at": posted, "skills": list(job.skills), "salary": salary,
        "experience_years": float(job.experience_years), "sources": [], "n_sources": 1 if is_open else 0,
    }


class Jobs:
    """``count`` job dicts: a pool of distinct demo jobs cycled under ids 1..count."""

    def __init__(self, count: int):
        world = DemoWorld(count=min(POOL, count), day=30)
        rates = latest_rates()
        self.pool = [job_dict(job, 0, world.day, rates) for job in world.jobs()]
        self.count = count

    def job(self, job_id: int) -> dict:
        return {**self.pool[(job_id - 1) % len(self.pool)], "job_id": job_id}

    def pages(self, size: int = PAGE):
        for start in range(1, self.count + 1, size):
            stop = min(start + size, self.count + 1)
            yield {"jobs": [self.job(i) for i in range(start, stop)], "next": f"bench:{stop}"}


def fresh_database() -> str:
    uri = f"{PG}/{DATABASE}"
    admin = create_engine(make_url(uri).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()
    upgrade("warehouse", uri)
    return uri


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s" if seconds > 0 else "n/a"


def bench_incremental(warehouse: Warehouse, jobs: Jobs, events: int, workers: int) -> None:
    payloads = [envelope({"job": jobs.job(i)}) for i in range(1, events + 1)]

    def handle(payload):
        event, row = records.job_event(payload)
        return warehouse.apply_job_event(event, row)

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(handle, payloads, chunksize=16))
    took = time.monotonic() - started
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        again = list(pool.map(handle, payloads, chunksize=16))  # redelivered: nothing changes
    took_again = time.monotonic() - started
    assert sum(bool(r.applied) for r in results) == events and all(r.duplicate for r in again)
    print(f"incremental  {events:>9,} events  {took:7.2f}s  {rate(events, took):>12}  "
          f"({workers} workers; redelivery of all of them: {rate(events, took_again)})")


def bench_rebuild(warehouse: Warehouse, jobs: Jobs) -> None:
    started = time.monotonic()
    produced = sum(len(page["jobs"]) for page in jobs.pages())
    baseline = time.monotonic() - started
    result = warehouse.rebuild(jobs.pages())
    assert result.jobs == produced, (result.jobs, produced)
    failed = [c.name for c in result.checks if not c.ok]
    print(f"rebuild      {result.jobs:>9,} rows    {result.seconds:7.2f}s  {rate(result.jobs, result.seconds):>12}  "
          f"(producing the pages alone: {baseline:.2f}s, {rate(produced, baseline)})")
    print("             phases: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.phases.items()))
    print(f"             quality checks failing: {', '.join(failed) or 'none'}; "
          f"status read: {timed(warehouse.status):.3f}s")


def timed(call) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="postings in the full rebuild")
    parser.add_argument("--events", type=int, default=5_000, help="events in the incremental run")
    parser.add_argument("--workers", type=int, default=10, help="concurrent incremental loads")
    args = parser.parse_args(argv)

    uri = fresh_database()
    engine = create_engine(uri, pool_size=args.workers + 2)
    warehouse = Warehouse(engine, skills=Taxonomy.load().skills)
    started = time.monotonic()
    jobs = Jobs(max(args.count, args.events))
    print(f"jobsight bench/etl: {len(jobs.pool):,} distinct demo jobs generated in "
          f"{time.monotonic() - started:.1f}s; database {DATABASE}; {os.cpu_count()} CPUs")
    bench_incremental(warehouse, jobs, args.events, args.workers)
    jobs.count = args.count
    bench_rebuild(warehouse, jobs)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
