"""Keyword relevance on the demo world, against the labelled queries of tests/data/relevance.yml.

The open jobs of ``DemoWorld(seed, count, day)`` are stored in a bench database of their own
(built by the real migrations), then every labelled query is run through the code users reach:

* ``/find-jobs`` (``search.find_jobs``): precision of its first 20 results;
* the title matcher search, insights and saved-search alerts share: recall and precision of
  every job it selects (what an insight over the keywords counts);
* ``/jobs`` (``search.search_jobs``, title OR full text): precision of its first page and its total.

    python bench/relevance.py                     # 3,000 demo jobs, seed 42, day 0
    python bench/relevance.py --count 20000 --all # every query's row, not only the worst
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jobsight import config as config_module, dedup, search, taxonomy as taxonomy_store  # noqa: E402
from jobsight.db.jobs import Job  # noqa: E402
from jobsight.demo import DemoWorld  # noqa: E402
from jobsight.migrate import upgrade  # noqa: E402
from jobsight.validate import normalize_keywords  # noqa: E402
from tests.quality.relevance import PAGE, load_queries, score  # noqa: E402

DATABASE = "jobsight_bench_relevance"


def build(uri: str, world: DemoWorld) -> dict[int, object]:
    """A fresh jobs database holding the world's open jobs (job id = demo index + 1)."""
    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()
    upgrade("jobs", uri)
    jobs = {job.index + 1: job for job in world if job.is_open(world.day)}
    engine = create_engine(uri)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO jobs (id, title, company, company_key, location, city, country, workplace, remote, "
            "description, date_posted, skills, status, version) VALUES (:id, :title, :company, :company_key, "
            ":location, :city, :country, :workplace, :remote, :description, :posted, :skills, 'open', 1)"),
            [{"id": job_id, "title": job.title, "company": job.company.name,
              "company_key": dedup.company_key(job.company.name), "location": job.location,
              "city": None if job.remote else job.city, "country": job.country, "workplace": job.workplace,
              "remote": job.remote, "description": job.content.plain(), "posted": job.posted_at,
              "skills": list(job.skills)} for job_id, job in jobs.items()])
        conn.execute(text("ANALYZE jobs"))
        conn.execute(text("ANALYZE job_titles"))
    with Session(engine) as session:
        taxonomy_store.seed(session)
        session.commit()
    engine.dispose()
    return jobs


def selected_ids(session: Session, keywords: str) -> set[int]:
    """Every open job the shared title matcher selects for the keywords."""
    titles = search.matched_titles(normalize_keywords(keywords))
    return set(session.scalars(select(Job.id).join(titles, titles.c.id == Job.title_id).where(Job.status == "open")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--day", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="print every query, not only the worst ten")
    args = parser.parse_args()
    uri = make_url(config_module.db_uri(config_module.load(), "jobs")).set(database=DATABASE)
    uri = uri.render_as_string(hide_password=False)
    world = DemoWorld(seed=args.seed, count=args.count, day=args.day)
    jobs = build(uri, world)
    queries = load_queries()
    judged = {q.q: {i for i, job in jobs.items() if q.judge(job.title, job.role.teams)} for q in queries}
    engine = create_engine(uri)
    timings = []
    with Session(engine) as session:
        def timed(function):
            t0 = time.perf_counter()
            result = function()
            timings.append(time.perf_counter() - t0)
            return result

        found = {q.q: [job["job_id"] for job in timed(lambda: search.find_jobs(session, q.q, limit=PAGE))]
                 for q in queries}
        chosen = {q.q: selected_ids(session, q.q) for q in queries}
        pages, totals = {}, {}
        for q in queries:
            answer = search.search_jobs(session, search.parse_search_query({"q": q.q, "per_page": PAGE}))
            pages[q.q] = [job["job_id"] for job in answer["results"]]
            totals[q.q] = answer["total"]
    engine.dispose()
    matcher = score(queries, lambda q: judged[q.q], lambda q: found[q.q], lambda q: chosen[q.q])
    searched = score(queries, lambda q: judged[q.q], lambda q: pages[q.q], lambda q: chosen[q.q])
    print(f"demo world: seed {args.seed}, {args.count} jobs, day {args.day}: {len(jobs)} open jobs, "
          f"{len(queries)} labelled queries")
    rows = matcher.per_query if args.all else matcher.worst()
    print(f"\n{'query':<30} {'relevant':>8} {'selected':>8} {'p@20':>6} {'recall':>6} {'set P':>6} {'/jobs total':>11}")
    for row in rows:
        recall = "-" if row["recall"] is None else f"{row['recall']:.2f}"
        print(f"{row['q']:<30} {row['relevant']:>8} {row['selected']:>8} {row['p@20']:>6.2f} {recall:>6} "
              f"{row['set_precision']:>6.2f} {totals[row['q']]:>11}")
    print(f"\n/find-jobs precision@20 (mean over queries): {matcher.precision_at_20:.3f}")
    print(f"title matcher recall (mean over queries):   {matcher.recall:.3f}")
    print(f"title matcher set precision (mean):         {matcher.set_precision:.3f}")
    print(f"/jobs precision@20 (mean over queries):      {searched.precision_at_20:.3f}")
    print(f"/jobs total, mean over queries:              {sum(totals.values()) / len(totals):,.0f} "
          f"(judged relevant, mean: {sum(len(v) for v in judged.values()) / len(judged):,.0f})")
    print(f"/find-jobs time per query: median {sorted(timings)[len(timings) // 2] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
