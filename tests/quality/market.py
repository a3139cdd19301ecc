"""Score skill extraction on the labour-market set (tests/data/market): postings for roles
outside software (IT administration, finance, sales, support, logistics, robotics, games,
healthcare, trades...) in English, German and Romanian, in the native shapes of the sources.

The labels were written from the postings alone, in plain English names, before the taxonomy
grew to cover these roles. Each label is read through the taxonomy (``canonical``: "MS Excel"
and "Excel" are one skill); a label the taxonomy does not know stays as written and can only
be missed. Half the set (``split: tune``) may be tuned on; the other half (``heldout``) is only
measured.

Run ``python -m tests.quality.market [tune|heldout|all]`` for the figures and every mismatch.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import yaml  # noqa: E402

from jobsight.normalize import default_taxonomy, normalize  # noqa: E402
from jobsight.sources import get_adapter  # noqa: E402
from tests.quality.score import _prf  # noqa: E402

MARKET_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "market"
SPLITS = ("tune", "heldout")


def load() -> list[dict]:
    return yaml.safe_load((MARKET_DIR / "labels.yml").read_text(encoding="utf-8"))["postings"]


def parse(entry: dict):
    path = MARKET_DIR / entry["file"]
    return get_adapter(entry["kind"]).parse(path.read_text(encoding="utf-8"), path.resolve().as_uri())


def score(split: str | None = None, taxonomy=None) -> dict:
    """Micro precision, recall and F1 over the postings of ``split`` (all when None), by role
    family and language too, with every mismatch."""
    taxonomy = taxonomy or default_taxonomy()
    totals = {"tp": 0, "fp": 0, "fn": 0}
    groups: dict[str, dict] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    mismatches, errors, unknown = [], [], set()
    entries = [entry for entry in load() if split in (None, entry["split"])]
    for entry in entries:
        result = parse(entry)
        if len(result.postings) != 1:
            errors.append(entry["file"])
            continue
        got = set(normalize(result.postings[0], taxonomy).skills)
        expected = set()
        for label in entry["skills"]:
            name = taxonomy.canonical(label)
            if name is None:
                unknown.add(label)
            expected.add(name or label)
        tp, fp, fn = len(expected & got), len(got - expected), len(expected - got)
        for bucket in (totals, groups[f"role:{entry['role']}"], groups[f"language:{entry['language']}"]):
            bucket["tp"] += tp
            bucket["fp"] += fp
            bucket["fn"] += fn
        if fp or fn:
            mismatches.append({"file": entry["file"], "missing": sorted(expected - got),
                               "extra": sorted(got - expected), "note": entry.get("note")})
    return {"postings": len(entries), "skills": _prf(**totals),
            "groups": {name: _prf(**stats) for name, stats in sorted(groups.items())},
            "mismatches": mismatches, "errors": errors, "unknown_labels": sorted(unknown)}


def report(result: dict) -> str:
    s = result["skills"]
    lines = [f"{result['postings']} postings: skills P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
             f"  (tp={s['tp']} fp={s['fp']} fn={s['fn']})"]
    for name, g in result["groups"].items():
        lines.append(f"  {name:<24} P {g['precision']:.3f}  R {g['recall']:.3f}  F1 {g['f1']:.3f}")
    for m in result["mismatches"]:
        lines.append(f"  {m['file']}: missing {m['missing']} extra {m['extra']}")
    if result["unknown_labels"]:
        lines.append(f"labels the taxonomy does not know: {result['unknown_labels']}")
    if result["errors"]:
        lines.append(f"files that did not parse to one posting: {result['errors']}")
    return "\n".join(lines)


if __name__ == "__main__":
    from jobsight.normalize.skills import Taxonomy

    chosen = sys.argv[1] if len(sys.argv) > 1 else "heldout"
    other = Taxonomy.load(sys.argv[2]) if len(sys.argv) > 2 else None  # e.g. an older skills.yml
    print(report(score(None if chosen == "all" else chosen, other)))
