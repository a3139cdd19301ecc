"""Insight latency through the cache ring against the warehouse itself, and the hit ratio.

    .venv/bin/python bench/cache.py                    # 50,000 jobs, 2,000 requests
    .venv/bin/python bench/cache.py --jobs 200000 --requests 5000

Works on a database of its own (``jobsight_bench_cache``, recreated by the real migrations and
filled with synthetic jobs), never on warehouse_db, and on the cache ring scripts/setup.sh starts
(under a namespace of its own). The insight is ``skills_by_demand`` (the real query and the real
warehouse-version read). Baseline: the same requests straight from the warehouse. The gateway's
cached path is timed both ways in the same run: the version read from the warehouse per request
(as the gateway did) and the version kept by warehouse_loaded events (as it does now). Then the
same keywords through the store, first each one cold (a miss: query + store), then hot (hits),
then a mixed workload from a cold cache: ``--queries`` keywords drawn with weight 1/rank.
"""
from __future__ import annotations

import eventlet

eventlet.monkey_patch()  # as the services run it

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobsight import config as config_module  # noqa: E402
from jobsight.adapters.version import KnownVersion  # noqa: E402
from jobsight.insights import queries as insights, questions  # noqa: E402
from jobsight.cache import store  # noqa: E402
from jobsight.warehouse import aggregates  # noqa: E402
from jobsight.warehouse.version import current_version  # noqa: E402
from jobsight.migrate import upgrade  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
DATABASE = "jobsight_bench_cache"
ROLES = ["python developer", "data engineer", "backend engineer", "frontend developer", "devops engineer",
         "java developer", "machine learning engineer", "site reliability engineer", "product manager",
         "qa engineer", "mobile developer", "security engineer", "data analyst", "golang developer",
         "full stack developer", "platform engineer", "cloud architect", "rust developer"]
LEVELS = ["", "senior ", "junior ", "lead ", "staff "]
SKILLS = ["Python", "SQL", "Docker", "Kubernetes", "AWS", "Go", "Java", "TypeScript", "React", "PostgreSQL",
          "Terraform", "Kafka", "Spark", "Rust", "Linux", "GCP", "Azure", "Redis", "Django", "FastAPI"]


def build_warehouse(n_jobs: int) -> str:
    uri = f"{PG}/{DATABASE}"
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    upgrade("warehouse", uri)
    engine = create_engine(uri)
    titles = [level + role for role in ROLES for level in LEVELS]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO warehouse.dim_company (name_key, name) VALUES ('acme', 'Acme')"))
        conn.execute(text("INSERT INTO warehouse.dim_skill (name) SELECT unnest(CAST(:skills AS text[]))"),
                     {"skills": SKILLS})
        conn.execute(text("INSERT INTO warehouse.dim_title (name) SELECT unnest(CAST(:titles AS text[]))"),
                     {"titles": titles})
        conn.execute(text("""
            INSERT INTO warehouse.fact_job (job_id, source_version, status, title, title_key, company_key,
                                            annual_min, annual_max, annual_currency, experience_years, n_sources)
            SELECT g, 1, CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END, t.name, t.title_key, 1,
                   40000 + g % 50000, 60000 + g % 60000, 'EUR', g % 9, 1
            FROM generate_series(1, :n) g
            JOIN warehouse.dim_title t ON t.name = (CAST(:titles AS text[]))[1 + g % :n_titles]"""),
                     {"titles": titles, "n_titles": len(titles), "n": n_jobs})
        conn.execute(text("""
            INSERT INTO warehouse.bridge_job_skill (job_id, skill_key)
            SELECT DISTINCT g, 1 + (g * k * 7919) % :n_skills
            FROM generate_series(1, :n) g, generate_series(1, 4) k"""),
                     {"n": n_jobs, "n_skills": len(SKILLS)})
        aggregates.build_maintained(conn, "warehouse")  # what insights read, as a rebuild sums them
        conn.execute(text("UPDATE etl.state SET version = 1"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return uri


def timed(calls) -> list[float]:
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(name: str, times: list[float]) -> str:
    p99 = statistics.quantiles(times, n=100)[98] if len(times) >= 100 else max(times)
    return f"  {name:<34} n={len(times):>5}  p50 {statistics.median(times):8.3f} ms  p99 {p99:8.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=60, help="distinct keywords in the mixed workload")
    args = parser.parse_args()

    t0 = time.perf_counter()
    engine = create_engine(build_warehouse(args.jobs))
    print(f"warehouse: {args.jobs:,} jobs loaded in {time.perf_counter() - t0:.1f} s ({DATABASE})")
    cache = store.from_config(config_module.load(), namespace=f"bench-{uuid.uuid4().hex[:8]}")
    keywords = [level + role for role in ROLES for level in LEVELS]

    def through_cache(session, kw):
        return cache.get_or_compute(("skills_by_demand", kw),
                                    lambda: insights.skills_by_demand(session, kw), current_version(session))

    with Session(engine) as session:
        def direct(kw):
            current_version(session)
            return insights.skills_by_demand(session, kw)

        for kw in keywords[:5]:  # warm PostgreSQL's buffers and plans
            direct(kw)
        n = min(args.requests, 100)  # each one is a full query: keep the baseline short
        print("skills_by_demand, one client:")
        print(line("uncached (warehouse every time)", timed(lambda kw=random.choice(keywords): direct(kw)
                                                            for _ in range(n))))
        print(line("cache miss (query + store)", timed(lambda kw=kw: through_cache(session, kw) for kw in keywords)))
        print(line("cache hit (version read + GET)", timed(lambda kw=random.choice(keywords): through_cache(session, kw)
                                                           for _ in range(args.requests))))
        # The gateway's cached path: validate the question, learn the version, peek at the ring.
        # Before: the version read from the warehouse (one row) on every request. Now: the view
        # warehouse_loaded events keep (adapters.version), no database on the path.
        version = current_version(session)
        view = KnownVersion(ttl=3600)
        view.heard(version)
        print("the gateway's cached path (validate + version + GET):")
        print(line("version read from the warehouse", timed(
            lambda kw=random.choice(keywords): cache.peek(questions.prepare("skills_by_demand", keywords=kw)[1],
                                                          current_version(session)) for _ in range(args.requests))))
        print(line("version heard from events", timed(
            lambda kw=random.choice(keywords): cache.peek(questions.prepare("skills_by_demand", keywords=kw)[1],
                                                          view.current(lambda: version))
            for _ in range(args.requests))))
        session.commit()

    # A skewed mix from a cold cache: a few keywords are most of the traffic, as with real searches.
    cache.close()
    cache = store.from_config(config_module.load(), namespace=f"bench-{uuid.uuid4().hex[:8]}")
    population = [f"{kw} {i}" if i else kw for i in range(args.queries // len(keywords) + 1) for kw in keywords]
    population = random.sample(population[:args.queries], min(args.queries, len(population)))
    weights = [1 / (rank + 1) for rank in range(len(population))]
    cache_before = cache.stats()
    with Session(engine) as session:
        mixed = timed(lambda kw=random.choices(population, weights)[0]: through_cache(session, kw)
                      for _ in range(args.requests))
    stats = cache.stats()
    hits = stats["hits"] - cache_before["hits"]
    requests = stats["requests"] - cache_before["requests"]
    print(f"mixed workload from a cold cache ({len(population)} distinct keywords, weight 1/rank):")
    print(line("through the cache", mixed))
    print(f"  hit ratio {hits / requests:.1%}  ({hits} hits, {stats['misses'] - cache_before['misses']} misses, "
          f"{stats['bypassed'] - cache_before['bypassed']} bypassed, {stats['errors']} cache errors)")
    print("  nodes: " + ", ".join(f"{name} {n['state']} @ {n['master']} ({n['hits']} hits)"
                                  for name, n in stats["nodes"].items()))
    cache.close()
    engine.dispose()


if __name__ == "__main__":
    main()
