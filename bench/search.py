"""Search latency through the gateway, against the naive way, at 100,000 and 1,000,000 postings.

For each size: a bench database of its own (never jobs_db) is built by the real migrations and
filled set-based; the scraper and gateway run as real processes (jobsight.runner) on a free
port and a vhost of their own; a fixed mix of searches (keywords with and without typos,
filters, skills, date sort, deeper pages) goes through ``GET /jobs`` one at a time. The naive
way runs in the same process on the same rows: load every open posting, fuzzy-match titles with
a token-set ratio in Python (rapidfuzz when installed, else a pure-Python token-set ratio),
filter, sort, count and facet in Python.

How the rows are made (cheap synthetic path, not ``normalize``): ``DemoWorld(count=D)`` with
D = min(N, 50,000) distinct jobs, each stored from its ground truth (title, company, place,
workplace, skills, plain-text description, pay annualized into EUR with the project's FX table),
COPYed into a staging table; N rows are then made with one INSERT … SELECT over
generate_series (copy r of job i gets id r·D+i+1 and is posted r mod 60 days earlier), one
job_sources row each. Indexes are dropped during the load and rebuilt after it.

    python bench/search.py                       # 100,000 and 1,000,000 postings
    python bench/search.py --sizes 100000 --rounds 5
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jobsight import config as config_module, dedup, taxonomy as taxonomy_store  # noqa: E402
from jobsight.demo import DemoWorld  # noqa: E402
from jobsight.ports import free_port  # noqa: E402
from jobsight.migrate import upgrade  # noqa: E402
from jobsight.normalize.salary import annualize, to_base  # noqa: E402

PG = "postgresql://postgres:postgres@127.0.0.1:5432"
DATABASE = "jobsight_bench_search"
VHOST = "jobsight_bench_search"
DISTINCT = 50_000
NOW = datetime(2025, 7, 20, tzinfo=timezone.utc)  # "today" of the demo world (day 0 is 2025-06-02)

# The mix every round sends: (label, query parameters).
QUERIES = [
    ("keywords", {"q": "python developer"}),
    ("typo", {"q": "pyhton developer"}),
    ("typo 2", {"q": "data enginer"}),
    ("keywords+remote", {"q": "devops engineer", "remote": "true"}),
    ("keywords+location", {"q": "java", "location": "Germany"}),
    ("keywords+salary", {"q": "machine learning engineer", "salary_min": "80000"}),
    ("keywords+skills", {"q": "backend engineer", "skills": "Python,PostgreSQL"}),
    ("keywords+since", {"q": "frontend developer", "since": "2025-07-01"}),
    ("keywords, by date", {"q": "product manager", "sort": "date"}),
    ("keywords, page 5", {"q": "engineer", "page": "5"}),
    ("rare", {"q": "rust engineer", "location": "Berlin"}),
    ("filters only", {"remote": "hybrid", "skills": "Kubernetes", "salary_min": "60000"}),
]


# -- loading ---------------------------------------------------------------------------------

def recreate_database(uri: str) -> None:
    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()
    upgrade("jobs", uri)


def _annual_eur(pay, posted) -> tuple[float | None, float | None]:
    if pay is None:
        return None, None
    values = []
    for amount in (pay.min, pay.max):
        base = to_base(annualize(amount, pay.period), pay.currency, posted.date()) if amount is not None else None
        values.append(round(base, 2) if base is not None else None)
    return values[0], values[1]


def _pg_array(values) -> str:
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def staging_csv(count: int) -> io.StringIO:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for job in DemoWorld(count=count):
        annual_min, annual_max = _annual_eur(job.pay, job.posted_at)
        kind, board = job.boards[0]
        out.writerow([
            job.index + 1, job.title, job.company.name, dedup.company_key(job.company.name), job.location,
            None if job.remote else job.city, None if job.remote else job.region, job.country, job.workplace,
            job.remote, job.employment_type, job.seniority, job.content.plain(), job.posted_at.isoformat(),
            _pg_array(job.skills), annual_min, annual_max, "EUR" if annual_min is not None else None,
            job.experience_years, kind, f"demo-{kind}-{board}" if board != kind else f"demo-{kind}",
        ])
    buffer.seek(0)
    return buffer


STAGING = """CREATE UNLOGGED TABLE staging (
    i bigint, title text, company text, company_key text, location text, city text, region text, country text,
    workplace text, remote boolean, employment_type text, seniority text, description text, date_posted timestamptz,
    skills text[], annual_min float8, annual_max float8, annual_currency text, experience_years float8,
    source_kind text, source_name text)"""


def load(uri: str, postings: int) -> dict:
    distinct = min(postings, DISTINCT)
    t0 = time.perf_counter()
    data = staging_csv(distinct)
    generated = time.perf_counter() - t0
    engine = create_engine(uri)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute(STAGING)
        cur.copy_expert("COPY staging FROM STDIN WITH (FORMAT csv)", data)
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('jobs', 'job_sources') "
                    "AND indexname NOT LIKE '%pkey' AND indexname NOT LIKE 'uq_%'")
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
        t1 = time.perf_counter()
        cur.execute("""
            INSERT INTO jobs (id, title, company, company_key, location, city, region, country, workplace, remote,
                              employment_type, seniority, description, date_posted, skills, annual_min, annual_max,
                              annual_currency, experience_years, status, version, first_seen, last_seen, updated_at)
            SELECT r * %(d)s + s.i, s.title, s.company, s.company_key, s.location, s.city, s.region, s.country,
                   s.workplace, s.remote, s.employment_type, s.seniority, s.description,
                   s.date_posted - make_interval(days => (r %% 60)::int), s.skills, s.annual_min, s.annual_max,
                   s.annual_currency, s.experience_years, 'open', 1, now(), now(), now()
            FROM generate_series(0, %(copies)s - 1) AS r CROSS JOIN staging s
            WHERE r * %(d)s + s.i <= %(n)s""", {"d": distinct, "copies": -(-postings // distinct), "n": postings})
        cur.execute("""
            INSERT INTO job_sources (id, job_id, source_name, source_kind, source_id, url, url_key)
            SELECT j.id, j.id, s.source_name, s.source_kind, j.id::text, 'https://example.test/' || j.id,
                   'example.test/' || j.id
            FROM jobs j JOIN staging s ON s.i = (j.id - 1) %% %(d)s + 1""", {"d": distinct})
        inserted = time.perf_counter() - t1
        t2 = time.perf_counter()
        for _, definition in indexes:
            cur.execute(definition)
        cur.execute("DROP TABLE staging")
        raw.commit()
        indexed = time.perf_counter() - t2
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE jobs"))
        conn.execute(text("VACUUM ANALYZE job_sources"))
    with Session(engine) as session:
        taxonomy_store.seed(session)
        session.commit()
    engine.dispose()
    return {"generate_s": generated, "insert_s": inserted, "index_s": indexed, "total_s": time.perf_counter() - t0}


# -- the system under test ---------------------------------------------------------------------

def ensure_vhost(vhost: str = VHOST) -> None:
    api = "http://127.0.0.1:15672/api"
    requests.put(f"{api}/vhosts/{vhost}", auth=("guest", "guest"), timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{vhost}/guest", auth=("guest", "guest"), timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()


def start_system(uri: str, log_dir: Path, services=("scraper", "gateway"), vhost: str = VHOST,
                 extra_env: dict | None = None):
    """``services`` as real processes on a free port and ``vhost``; (runner, gateway URL) once
    ``GET /jobs`` answers. ``extra_env`` adds or overrides settings (other databases, the cache)."""
    from jobsight.supervisor import Supervisor

    port = free_port()
    env = {"JOBS_DB_URI": uri, "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}",
           "REDIS_URL": "redis://127.0.0.1:6379/12", "GATEWAY_PORT": str(port), "SCRAPER_SCHEDULE": "false",
           "DEMO_SOURCES_ENABLED": "false", "RPC_TIMEOUT": "30", "LOG_LEVEL": "WARNING", **(extra_env or {})}
    os.environ.update(env)
    config = config_module.load()
    runner = Supervisor(config, config_module.DEFAULT_PATH, services=services, log_dir=log_dir, env=env,
                    out=open(os.devnull, "w"))
    runner.start()
    base = runner.base_url
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/jobs", params={"q": "python"}, timeout=30).status_code == 200:
                return runner, base
        except requests.RequestException:
            pass
        if runner.dead():
            break
        time.sleep(0.3)
    runner.stop()
    raise RuntimeError(f"{' + '.join(services)} did not come up; see {log_dir}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def measure_engine(base: str, rounds: int) -> tuple[list[float], dict]:
    latencies, answers = [], {}
    with requests.Session() as http:
        for params in (p for _, p in QUERIES):  # warm-up round
            http.get(f"{base}/jobs", params=params, timeout=60)
        for _ in range(rounds):
            for label, params in QUERIES:
                t0 = time.perf_counter()
                response = http.get(f"{base}/jobs", params=params, timeout=60)
                latencies.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (label, response.status_code, response.text)
                answers[label] = response.json()
    return latencies, answers


# -- the naive way -----------------------------------------------------------------------------

try:
    from rapidfuzz.fuzz import token_set_ratio  # C++: the fastest a naive Python scan gets
    FUZZY = "rapidfuzz.token_set_ratio"
except ImportError:  # pure Python, as fuzzywuzzy computes it
    from difflib import SequenceMatcher

    def token_set_ratio(a: str, b: str) -> float:
        ta, tb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
        common = " ".join(sorted(ta & tb))
        da, db = " ".join(sorted(ta - tb)), " ".join(sorted(tb - ta))
        one, two = (common + " " + da).strip(), (common + " " + db).strip()

        def ratio(x, y):
            return 100.0 * SequenceMatcher(None, x, y).ratio() if x or y else 0.0
        return max(ratio(common, one), ratio(common, two), ratio(one, two))
    FUZZY = "pure-Python token_set_ratio (difflib)"

FUZZY_THRESHOLD = 80
_COLUMNS = "id, title, company, company_key, city, country, workplace, annual_min, annual_max, skills, date_posted"


def naive_search(uri: str, params: dict) -> dict:
    """Every open posting into Python, then match, filter, sort, count and facet there."""
    import psycopg2

    with psycopg2.connect(uri) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {_COLUMNS} FROM jobs WHERE status = 'open'")
        rows = cur.fetchall()
    q = params.get("q", "").lower()
    skills = set(filter(None, params.get("skills", "").split(",")))
    since = datetime.fromisoformat(params["since"]).replace(tzinfo=timezone.utc) if "since" in params else None
    salary = float(params.get("salary_min", 0))
    location = params.get("location")
    remote = {"true": ("remote",), "hybrid": ("hybrid",)}.get(params.get("remote"))
    hits = []
    for row in rows:
        (job_id, title, company, company_key, city, country, workplace, annual_min, annual_max, job_skills,
         posted) = row
        score = token_set_ratio(q, title.lower()) if q else 100
        if score < FUZZY_THRESHOLD:
            continue
        if remote and workplace not in remote:
            continue
        if location and location not in (country, city) and {"Germany": "DE"}.get(location) != country:
            continue
        if salary and ((annual_max if annual_max is not None else annual_min) or 0) < salary:
            continue
        if skills and not skills <= set(job_skills):
            continue
        if since and (posted is None or posted < since):
            continue
        hits.append((score, posted, job_id, row))
    if params.get("sort") == "date" or not q:
        hits.sort(key=lambda h: (h[1], h[2]), reverse=True)
    else:
        hits.sort(key=lambda h: (h[0], h[1], h[2]), reverse=True)
    page, per_page = int(params.get("page", 1)), 20
    skill_counts = Counter(s for *_, row in hits for s in row[9])
    return {"total": len(hits), "results": [h[2] for h in hits[(page - 1) * per_page: page * per_page]],
            "facets": {"skills": skill_counts.most_common(20),
                       "remote": Counter(row[6] or "unknown" for *_, row in hits),
                       "location": Counter(row[5] or row[4] for *_, row in hits).most_common(20)}}


def measure_naive(uri: str, rounds: int) -> tuple[list[float], dict]:
    latencies, answers = [], {}
    for _ in range(rounds):
        for label, params in QUERIES:
            t0 = time.perf_counter()
            answers[label] = naive_search(uri, params)
            latencies.append((time.perf_counter() - t0) * 1000)
    return latencies, answers


# -- the run -----------------------------------------------------------------------------------

def run(postings: int, rounds: int, naive_rounds: int, log_dir: Path) -> dict:
    uri = f"{PG}/{DATABASE}"
    print(f"\n== {postings:,} postings ==", flush=True)
    recreate_database(uri)
    loaded = load(uri, postings)
    print(f"loaded in {loaded['total_s']:.0f} s (generate {loaded['generate_s']:.0f} s, insert "
          f"{loaded['insert_s']:.0f} s, indexes {loaded['index_s']:.0f} s)", flush=True)
    runner, base = start_system(uri, log_dir)
    try:
        engine_ms, engine_answers = measure_engine(base, rounds)
    finally:
        runner.stop()
    naive_ms, naive_answers = measure_naive(uri, naive_rounds)
    print(f"{'query':<20} {'engine total':>12} {'naive total':>12}")
    for label, _ in QUERIES:
        print(f"{label:<20} {engine_answers[label]['total']:>12,} {naive_answers[label]['total']:>12,}")
    figures = {
        "postings": postings,
        "engine_p50": statistics.median(engine_ms), "engine_p99": percentile(engine_ms, 0.99),
        "naive_p50": statistics.median(naive_ms), "naive_p99": percentile(naive_ms, 0.99),
        "engine_requests": len(engine_ms), "naive_runs": len(naive_ms),
    }
    per_query = {label: [] for label, _ in QUERIES}
    for n, value in enumerate(engine_ms):
        per_query[QUERIES[n % len(QUERIES)][0]].append(value)
    print("engine p50 per query (ms): " + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in per_query.items()))
    print(f"engine through the gateway: p50 {figures['engine_p50']:.1f} ms, p99 {figures['engine_p99']:.1f} ms "
          f"({figures['engine_requests']} requests)")
    print(f"naive ({FUZZY}): p50 {figures['naive_p50']:.0f} ms, p99 {figures['naive_p99']:.0f} ms "
          f"({figures['naive_runs']} runs)")
    print(f"ratio naive/engine: p50 x{figures['naive_p50'] / figures['engine_p50']:.0f}, "
          f"p99 x{figures['naive_p99'] / figures['engine_p99']:.0f}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=10, help="rounds of the query mix through the gateway")
    parser.add_argument("--naive-rounds", type=int, default=1, help="rounds of the mix the naive way")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    ensure_vhost()
    log_dir = Path(__file__).resolve().parent.parent / "logs" / "bench-search"
    log_dir.mkdir(parents=True, exist_ok=True)
    results = [run(n, args.rounds, args.naive_rounds, log_dir) for n in args.sizes]
    print("\n" + json.dumps(results, indent=1))
    if not args.keep:
        url = make_url(f"{PG}/{DATABASE}")
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
