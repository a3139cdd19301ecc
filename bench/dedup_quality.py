"""How well ingestion merges the same job seen on several boards, against the demo world's
ground truth: pairwise precision and recall of "these two observations are one job".

    python bench/dedup_quality.py [--jobs-db URI] [--seed 42] [--count 3000] [--day 0]

Run it after the scraper has ingested the demo boards (``make run``, or
``bench/ingest.py``), with the demo world's settings.
"""
from __future__ import annotations

import argparse
import re
from collections import defaultdict
from itertools import combinations

from sqlalchemy import create_engine, text

from jobsight import config as config_module
from jobsight.dedup import normalize_url
from jobsight.demo import DemoWorld
from jobsight.demo import feeds, links
from jobsight.demo.generate import KINDS

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs-db", default=None)
    parser.add_argument("--demo-url", default="http://127.0.0.1:8100")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--day", type=int, default=0)
    args = parser.parse_args()
    uri = args.jobs_db or config_module.db_uri(config_module.load(), "jobs")
    engine = create_engine(uri)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, source_kind, url, job_id FROM job_sources")).all()
    world = DemoWorld(seed=args.seed, count=args.count, day=args.day)
    report = measure(rows, world, args.demo_url)
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
