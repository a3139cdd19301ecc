"""Search and every insight through the gateway, cached and uncached, against the naive way.

For each size (100,000 postings by default; ``--count 1000000``): the bench jobs database is
built exactly as bench/search.py builds it (its own database, never jobs_db), and a bench
warehouse of its own (never warehouse_db) is filled from it through the real loader's SQL
(``jobsight.warehouse.load``: stage, dimensions, facts, bridge), with each job first seen on its
posting date moved so the newest posting is today (so weekly trends have data). Then scraper,
insights and gateway run as real processes (jobsight.runner) on a free port and a vhost of
their own, twice: with the cache ring (CACHE_ENABLED=true: "cached" is every request after the
first of its key) and without (CACHE_ENABLED=false: every request computes: "uncached").

The naive way runs in the same process on the same rows, once per question: load every open
posting from the jobs database, fuzzy-match titles with a token-set ratio (bench/search.py's),
aggregate in Python. Its figures and the engine's sample sizes are printed side by side; title
questions differ a little by design (the keyword matcher's rule against token-set ratio).

    .venv/bin/python bench/search_insights.py                    # 100,000 postings
    .venv/bin/python bench/search_insights.py --count 1000000 --rounds 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

import search as search_bench  # noqa: E402  (bench/search.py: jobs database, system start, naive search)
from jobsight.migrate import upgrade  # noqa: E402
from jobsight.warehouse import load as warehouse_load  # noqa: E402

PG = search_bench.PG
JOBS_DATABASE = "jobsight_bench_insights_jobs"
WAREHOUSE_DATABASE = "jobsight_bench_insights_warehouse"
VHOST = "jobsight_bench_insights"
STAGE = "public.stage_job"
# The demo world's "today" becomes the bench's first-seen today.
SHIFT = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) - search_bench.NOW
TITLES = ["python developer", "data engineer", "devops engineer"]

# label -> [(path, params)]: every variant is asked each round.
INSIGHTS = {
    "skills-by-demand": [(f"/generate-insight-skills-by-demand/{k}", {}) for k in TITLES],
    "average-experience": [(f"/generate-insight-average-experience/{k}", {}) for k in TITLES],
    "skills-by-salary": [("/skills-by-salary", {})],
    "average-job-salary": [("/average-job-salary", {})],
    "all-skills-by-demand": [("/all-skills-by-demand", {})],
    "salary percentiles": [("/insights/salary", {"skill": "Python"}), ("/insights/salary", {"title": "data engineer"}),
                           ("/insights/salary", {"location": "Germany"})],
    "skill trend": [(f"/insights/skills/{s}/trend", {}) for s in ("Python", "Kubernetes", "React")],
    "co-skills": [("/insights/co-skills", {"keywords": k}) for k in TITLES],
    "experience": [("/insights/experience", {}), ("/insights/experience", {"keywords": "python developer"})],
    "remote-share": [("/insights/remote-share", {}), ("/insights/remote-share", {"keywords": "devops engineer"})],
    "companies": [("/insights/companies", {}), ("/insights/companies", {"keywords": "python developer"}),
                  ("/insights/companies", {"skill": "Kubernetes"})],
}


# -- the bench warehouse ----------------------------------------------------------------------

def _drop(uri: str) -> None:
    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def build_warehouse(jobs_uri: str, uri: str) -> float:
    """Every job of the bench jobs database, staged and loaded by the loader's own SQL."""
    t0 = time.perf_counter()
    _drop(uri)
    upgrade("warehouse", uri)
    jobs_engine, engine = create_engine(jobs_uri), create_engine(uri)
    with tempfile.TemporaryFile("w+") as buffer:
        raw = jobs_engine.raw_connection()
        try:
            raw.cursor().copy_expert(f"""COPY (
                SELECT id, version, status, title, company, company_key, location, city, region, country,
                       CASE WHEN coalesce(location, city, region, country) IS NOT NULL THEN
                            concat_ws('|', coalesce(country, ''), coalesce(region, ''), coalesce(city, ''),
                                      coalesce(location, '')) END,
                       workplace, remote, seniority, employment_type, annual_min, annual_max, annual_currency,
                       experience_years, date_posted, date_posted + interval '{SHIFT.total_seconds()} seconds',
                       date_posted + interval '{SHIFT.total_seconds()} seconds', closed_at, updated_at, 1, skills
                FROM jobs) TO STDOUT""", buffer)
        finally:
            raw.close()
        buffer.seek(0)
        with engine.begin() as conn:
            cur = conn.connection.cursor()
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'warehouse' "
                        "AND tablename IN ('fact_job', 'bridge_job_skill') AND indexname NOT LIKE '%pkey'")
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(f"DROP INDEX warehouse.{name}")
            cur.execute(warehouse_load.stage_ddl(STAGE))
            cur.copy_expert(f"COPY {STAGE} FROM STDIN", buffer)
            warehouse_load.load_dimensions(conn, warehouse_load.LIVE, STAGE)
            warehouse_load.insert_facts_bulk(conn, warehouse_load.LIVE, STAGE, unique=True)
            for _, definition in indexes:
                cur.execute(definition)
            cur.execute(f"DROP TABLE {STAGE}")
            warehouse_load.bump_version(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    jobs_engine.dispose()
    engine.dispose()
    return time.perf_counter() - t0


# -- through the gateway ------------------------------------------------------------------------

def start(jobs_uri: str, warehouse_uri: str, log_dir: Path, cache: bool):
    runner, base = search_bench.start_system(
        jobs_uri, log_dir, services=("scraper", "insights", "gateway"), vhost=VHOST,
        extra_env={"WAREHOUSE_DB_URI": warehouse_uri, "CACHE_ENABLED": "true" if cache else "false",
                   "CACHE_TTL": "900", "REDIS_URL": "redis://127.0.0.1:6379/11"})
    deadline = time.monotonic() + 60
    while requests.get(f"{base}/average-job-salary", timeout=60).status_code != 200:
        if time.monotonic() > deadline:
            runner.stop()
            raise RuntimeError(f"insights did not answer; see {log_dir}")
        time.sleep(0.3)
    return runner, base


def timed_get(http, base: str, path: str, params: dict) -> tuple[float, dict]:
    t0 = time.perf_counter()
    response = http.get(base + path, params=params, timeout=120)
    elapsed = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200, (path, params, response.status_code, response.text)
    return elapsed, response.json()


def measure_insights(base: str, rounds: int) -> tuple[dict[str, list[float]], dict]:
    """Per insight label: latencies of ``rounds`` passes over its variants, after one warm-up
    pass (which, with the cache on, is the miss that fills it)."""
    latencies, answers = defaultdict(list), {}
    with requests.Session() as http:
        for variants in INSIGHTS.values():
            for path, params in variants:
                timed_get(http, base, path, params)
        for _ in range(rounds):
            for label, variants in INSIGHTS.items():
                for path, params in variants:
                    elapsed, body = timed_get(http, base, path, params)
                    latencies[label].append(elapsed)
                    answers[(path, tuple(sorted(params.items())))] = body
    return latencies, answers


def measure_search(base: str, rounds: int) -> list[float]:
    return search_bench.measure_engine(base, rounds)[0]


# -- the naive way ------------------------------------------------------------------------------

_NAIVE_COLUMNS = ("title, company, city, country, workplace, remote, annual_min, annual_max, annual_currency, "
                  "experience_years, skills, date_posted")


def load_postings(uri: str) -> list[tuple]:
    import psycopg2

    with psycopg2.connect(uri) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {_NAIVE_COLUMNS} FROM jobs WHERE status = 'open'")
        return cur.fetchall()


def _matches(keywords: str | None, title: str) -> bool:
    return not keywords or search_bench.token_set_ratio(keywords, title.lower()) >= search_bench.FUZZY_THRESHOLD


def _midpoint(row) -> float | None:
    lo, hi, currency = row[6], row[7], row[8]
    if currency != "EUR":
        return None
    return (lo + hi) / 2 if lo is not None and hi is not None else lo if lo is not None else hi


def _percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return dict.fromkeys(("p25", "p50", "p75", "p90"), values[0] if values else None)
    cuts = statistics.quantiles(values, n=100, method="inclusive")  # = percentile_cont
    return {"p25": cuts[24], "p50": cuts[49], "p75": cuts[74], "p90": cuts[89]}


def _bucket(years) -> str:
    if years is None:
        return "unstated"
    for label, high in (("0", 1), ("1", 2), ("2", 3), ("3-4", 5), ("5-7", 8)):
        if years < high:
            return label
    return "8+"


def naive_answer(uri: str, path: str, params: dict):
    """One question the naive way: every open posting into Python, then match and aggregate."""
    rows = load_postings(uri)
    if path.startswith("/generate-insight-") or path in ("/insights/co-skills",):
        keywords = params.get("keywords") or path.rsplit("/", 1)[1]
        matched = [r for r in rows if _matches(keywords, r[0])]
        if "average-experience" in path:
            years = [r[9] for r in matched if r[9] is not None]
            return {"sample_size": len(years), "average": statistics.fmean(years) if years else None}
        return {"sample_size": len(matched), "top": Counter(s for r in matched for s in r[10]).most_common(20)}
    if path == "/skills-by-salary":
        per_skill = defaultdict(list)
        for r in rows:
            if (mid := _midpoint(r)) is not None:
                for skill in r[10]:
                    per_skill[skill].append(mid)
        return {"sample_size": len(per_skill), "top": {s: statistics.fmean(v) for s, v in per_skill.items()}}
    if path == "/average-job-salary":
        mids = [m for r in rows if (m := _midpoint(r)) is not None]
        return {"sample_size": len(mids), "average": statistics.fmean(mids)}
    if path == "/all-skills-by-demand":
        return {"sample_size": len(rows), "top": Counter(s for r in rows for s in r[10])}
    if path == "/insights/salary":
        matched = [r for r in rows if _matches(params.get("title"), r[0])
                   and ("skill" not in params or params["skill"] in r[10])
                   and ("location" not in params or r[3] == "DE")]
        mids = [m for r in matched if (m := _midpoint(r)) is not None]
        return {"sample_size": len(mids), "open_jobs": len(matched), "percentiles": _percentiles(mids)}
    if path.endswith("/trend"):
        skill = path.split("/")[3]
        today = datetime.now(timezone.utc).date()
        this_week = today - timedelta(days=today.weekday())
        first, end = this_week - timedelta(weeks=11), this_week + timedelta(weeks=1)
        weeks = Counter()
        for r in rows:
            seen = (r[11] + SHIFT).astimezone(timezone.utc).date()
            if skill in r[10] and first <= seen < end:
                weeks[seen - timedelta(days=seen.weekday())] += 1
        return {"sample_size": sum(weeks.values()), "weeks": sorted(weeks.items())}
    matched = [r for r in rows if _matches(params.get("keywords"), r[0])
               and ("skill" not in params or params["skill"] in r[10])]
    if path == "/insights/experience":
        return {"sample_size": len(matched), "buckets": Counter(_bucket(r[9]) for r in matched)}
    if path == "/insights/remote-share":
        return {"sample_size": len(matched),
                "workplaces": Counter(r[4] if r[4] in ("remote", "hybrid", "onsite")
                                      else "remote" if r[5] else "unknown" for r in matched)}
    if path == "/insights/companies":
        return {"sample_size": len(matched), "top": Counter(r[1] for r in matched).most_common(10)}
    raise ValueError(path)


def measure_naive(uri: str) -> tuple[dict[str, list[float]], dict]:
    latencies, answers = defaultdict(list), {}
    for label, variants in INSIGHTS.items():
        for path, params in variants:
            t0 = time.perf_counter()
            answers[(path, tuple(sorted(params.items())))] = naive_answer(uri, path, params)
            latencies[label].append((time.perf_counter() - t0) * 1000)
    return latencies, answers


# -- the run ------------------------------------------------------------------------------------

def _p(values: list[float], share: float) -> float:
    return search_bench.percentile(values, share)


def _sample(body) -> str:
    if isinstance(body, dict) and "sample_size" in body:
        return str(body["sample_size"])
    return "-"


def run(count: int, rounds: int, cached_rounds: int, log_dir: Path) -> dict:
    jobs_uri, warehouse_uri = f"{PG}/{JOBS_DATABASE}", f"{PG}/{WAREHOUSE_DATABASE}"
    print(f"\n== {count:,} postings ==", flush=True)
    search_bench.recreate_database(jobs_uri)
    loaded = search_bench.load(jobs_uri, count)
    print(f"jobs database loaded in {loaded['total_s']:.0f} s", flush=True)
    print(f"warehouse loaded in {build_warehouse(jobs_uri, warehouse_uri):.0f} s", flush=True)

    runner, base = start(jobs_uri, warehouse_uri, log_dir, cache=False)
    try:
        search_ms = measure_search(base, rounds)
        uncached, engine_answers = measure_insights(base, rounds)
    finally:
        runner.stop()
    runner, base = start(jobs_uri, warehouse_uri, log_dir, cache=True)
    try:
        cached, cached_answers = measure_insights(base, cached_rounds)
    finally:
        runner.stop()
    mismatched = [key for key, body in engine_answers.items() if cached_answers.get(key) != body]
    naive_search_ms, _ = search_bench.measure_naive(jobs_uri, 1)
    naive, naive_answers = measure_naive(jobs_uri)

    print(f"\n{'question':<22}{'uncached p50':>13}{'p99':>9}{'cached p50':>12}{'p99':>8}{'naive p50':>11}"
          f"{'naive/uncached':>16}{'naive/cached':>14}")
    rows = {"search (GET /jobs)": (search_ms, None, naive_search_ms)}
    rows.update({label: (uncached[label], cached[label], naive[label]) for label in INSIGHTS})
    figures = {}
    for label, (engine_ms, cached_ms, naive_ms) in rows.items():
        u50, u99, n50 = statistics.median(engine_ms), _p(engine_ms, 0.99), statistics.median(naive_ms)
        c50, c99 = (statistics.median(cached_ms), _p(cached_ms, 0.99)) if cached_ms else (None, None)
        figures[label] = {"uncached_p50": u50, "uncached_p99": u99, "cached_p50": c50, "cached_p99": c99,
                          "naive_p50": n50}
        cached_text = f"{c50:>12.2f}{c99:>8.2f}" if c50 is not None else f"{'(no cache)':>12}{'':>8}"
        ratio_cached = f"x{n50 / c50:,.0f}" if c50 else "-"
        print(f"{label:<22}{u50:>13.1f}{u99:>9.1f}{cached_text}{n50:>11.0f}{'x' + format(n50 / u50, ',.0f'):>16}"
              f"{ratio_cached:>14}")
    print(f"\n(ms through the gateway; uncached: {rounds} rounds, cached: {cached_rounds} rounds over every "
          f"variant; naive: one run per variant, {search_bench.FUZZY})")
    print("sample sizes, engine vs naive (title questions differ by matcher):")
    for label, variants in INSIGHTS.items():
        pairs = [f"{_sample(engine_answers[k])}/{_sample(naive_answers[k])}"
                 for k in ((p, tuple(sorted(q.items()))) for p, q in variants)]
        print(f"  {label:<22} {', '.join(pairs)}")
    print(f"cached answers equal uncached ones: {'yes' if not mismatched else f'NO: {mismatched}'}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, nargs="+", default=[100_000], help="postings (one run per size)")
    parser.add_argument("--rounds", type=int, default=10, help="uncached rounds over every question variant")
    parser.add_argument("--cached-rounds", type=int, default=100, help="cached rounds over every question variant")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    args = parser.parse_args()
    search_bench.ensure_vhost(VHOST)
    log_dir = Path(__file__).resolve().parent.parent / "logs" / "bench-search-insights"
    log_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    for count in args.count:
        run(count, args.rounds, args.cached_rounds, log_dir)
    if not args.keep:
        for database in (JOBS_DATABASE, WAREHOUSE_DATABASE):
            _drop(f"{PG}/{database}")


if __name__ == "__main__":
    main()
