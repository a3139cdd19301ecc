"""How well ingestion merges the same job seen on several boards, against the demo world's
ground truth: pairwise precision and recall of "these two observations are one job".

    python bench/dedup_quality.py --ingest [--count 100000] [--seed 42] [--day 0]
    python bench/dedup_quality.py [--jobs-db URI] [--demo-url URL] [--count 3000]

With ``--ingest`` every demo board of ``DemoWorld(seed, count, day)`` is read in-process (no
sockets) through the real pipeline (parse, normalize, resolve, store) into a bench database of
its own, then measured. Without it, an already ingested jobs database is measured (after
``make run`` or ``bench/ingest.py``, with the demo world's settings).
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.test import Client  # noqa: E402

from jobsight import config as config_module, taxonomy as taxonomy_store  # noqa: E402
from jobsight.dedup import normalize_url  # noqa: E402
from jobsight.demo import DemoWorld  # noqa: E402
from jobsight.demo import feeds, links  # noqa: E402
from jobsight.demo.generate import KINDS  # noqa: E402
from jobsight.sources.fetch import FetchResult  # noqa: E402

DATABASE = "jobsight_bench_dedup_{count}"  # one per size, so two runs can go side by side
IN_PROCESS = "http://demo.local"

_HN = re.compile(r"item\?id=(\d+)")


def truth_by_url(world: DemoWorld, base: str) -> tuple[dict[str, int], int]:
    urls: dict[str, int] = {}
    for kind in KINDS:
        if kind == "hn":  # HN postings live at news.ycombinator.com item ids (below)
            continue
        for job in world.visible(kind):
            for url in (links.posting_url(base, job, kind), links.home_url(base, job)):
                if url:
                    urls[normalize_url(url)] = job.index
    hn_base = feeds._month_base(feeds._month_key(world.now)) + feeds._HN_JOB_OFFSET
    return urls, hn_base


def pairwise(truth: dict[int, int], predicted: dict[int, int]) -> dict:
    def pairs(groups: dict[int, int]) -> set[tuple[int, int]]:
        members = defaultdict(list)
        for obs_id, group in groups.items():
            if obs_id in truth:
                members[group].append(obs_id)
        return {tuple(sorted(p)) for ids in members.values() for p in combinations(ids, 2)}

    true_pairs, predicted_pairs = pairs(truth), pairs(predicted)
    hit = len(true_pairs & predicted_pairs)
    precision = hit / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hit / len(true_pairs) if true_pairs else 1.0
    return {"true_pairs": len(true_pairs), "predicted_pairs": len(predicted_pairs), "correct_pairs": hit,
            "precision": round(precision, 4), "recall": round(recall, 4),
            "canonical_jobs": len(set(predicted.values())), "true_jobs": len(set(truth.values()))}


class InProcessFetcher:
    """Serves the demo app without sockets: what is measured is parsing and dedup, not HTTP."""

    def __init__(self, app):
        self.client = Client(app)
        self.documents: list[tuple[str, str]] = []

    def fetch(self, url: str, conditional: bool = True) -> FetchResult:
        parts = urlsplit(url)
        response = self.client.get(parts.path, query_string=parts.query, base_url=f"{parts.scheme}://{parts.netloc}")
        body = response.get_data(as_text=True)
        self.documents.append((url, body))
        return FetchResult(url, response.status_code, body)


def ingest(world: DemoWorld, uri: str) -> dict:
    """Every demo board of ``world`` through the real pipeline into a fresh database at ``uri``."""
    from jobsight.adapters.units import JobsUnit
    from jobsight.demo.server import default_sources, make_app
    from jobsight.ingestion import pipeline
    from jobsight.migrate import upgrade

    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()
    upgrade("jobs", uri)
    engine = create_engine(uri)
    with Session(engine) as session:
        taxonomy_store.seed(session)
        session.commit()
        taxonomy = taxonomy_store.load(session)
    app = make_app(world)
    totals = defaultdict(int)
    t0 = time.perf_counter()
    for source in default_sources(IN_PROCESS):
        source = {**source, "max_requests": 10**7, "max_pages": 10**6}
        stats = pipeline.run_source(source, InProcessFetcher(app), taxonomy, lambda: JobsUnit.of(Session(engine)))
        for key in ("new", "updated", "skipped", "errors"):
            totals[key] += getattr(stats, key)
    totals["seconds"] = round(time.perf_counter() - t0, 1)
    engine.dispose()
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest", action="store_true", help="ingest the demo boards into a bench database first")
    parser.add_argument("--jobs-db", default=None)
    parser.add_argument("--demo-url", default="http://127.0.0.1:8100")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--day", type=int, default=0)
    args = parser.parse_args()
    world = DemoWorld(seed=args.seed, count=args.count, day=args.day)
    uri, base = args.jobs_db or config_module.db_uri(config_module.load(), "jobs"), args.demo_url
    if args.ingest:
        os.environ.setdefault("PYTHONWARNINGS", "ignore")
        logging.getLogger("jobsight").setLevel(logging.ERROR)
        uri = make_url(uri).set(database=DATABASE.format(count=args.count)).render_as_string(hide_password=False)
        base = IN_PROCESS
        totals = ingest(world, uri)
        print(f"ingested {args.count:,} demo jobs (seed {args.seed}, day {args.day}) in {totals['seconds']:,} s: "
              f"{totals['new']:,} new, {totals['updated']:,} updated, {totals['skipped']:,} skipped, "
              f"{totals['errors']} errors")
    engine = create_engine(uri)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, source_kind, url, job_id FROM job_sources")).all()
    engine.dispose()
    report = measure(rows, world, base)
    print(f"observations: {len(rows)} (without ground truth: {report.pop('unknown')})")
    for key, value in report.items():
        print(f"{key:>16}: {value}")


def measure(rows, world: DemoWorld, base: str) -> dict:
    urls, hn_base = truth_by_url(world, base.rstrip("/"))
    truth, predicted, unknown = {}, {}, 0
    for obs_id, kind, url, job_id in rows:
        predicted[obs_id] = job_id
        match = _HN.search(url) if kind == "hn" else None
        index = int(match.group(1)) - hn_base if match else urls.get(normalize_url(url))
        if index is None:
            unknown += 1
        else:
            truth[obs_id] = index
    return {"unknown": unknown, **pairwise(truth, predicted)}


if __name__ == "__main__":
    main()
