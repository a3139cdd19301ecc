"""The labelled keyword queries (tests/data/relevance.yml) and how results are scored against them.

Every open job of a demo world is judged for every query by its base title (the title without
seniority word, team suffix or "(m/w/d)"). Scores:

* precision@20 — of the first 20 results (fewer when fewer match), the share judged relevant;
  a query judged to have no relevant job scores 1 when nothing is returned, else 0;
* recall — of the jobs judged relevant, the share the matcher selects (anywhere, not only the
  first page): what an insight over the keywords counts;
* set precision — of every job selected, the share judged relevant.

Each figure is averaged over the queries (queries with no relevant job count for precision only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from jobsight.demo.catalog import SENIORITY

JUDGEMENTS = Path(__file__).resolve().parents[1] / "data" / "relevance.yml"
PAGE = 20
_SENIORITY_WORDS = {prefix for _, prefix, _, _ in SENIORITY if prefix} | {"Werkstudent"}


@dataclass(frozen=True)
class Query:
    q: str
    relevant: frozenset[str]
    title_has: str | None = None
    never: tuple[str, ...] = ()

    def judge(self, title: str, teams: tuple[str, ...] = ()) -> bool:
        if base_title(title, teams) not in self.relevant:
            return False
        return self.title_has is None or re.search(rf"\b{re.escape(self.title_has)}\b", title) is not None


def load_queries(path: Path = JUDGEMENTS) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(entry["q"], frozenset(entry["relevant"]), entry.get("title_has"), tuple(entry.get("never", ())))
            for entry in data["queries"]]


def base_title(title: str, teams: tuple[str, ...] = ()) -> str:
    """The role a demo title names: no seniority word, team suffix or gender marker."""
    base = title.removesuffix(" (m/w/d)")
    for team in teams:
        for separator in (": ", ", "):
            base = base.removesuffix(f"{separator}{team}")
    first, _, rest = base.partition(" ")
    if first in _SENIORITY_WORDS and rest:
        base = rest
    for word in ("Senior", "Junior"):  # Romanian titles put it last
        base = base.removesuffix(f" {word}")
    return base


def titles_of(queries: list[Query]) -> set[str]:
    return {title for query in queries for title in query.relevant} | {t for q in queries for t in q.never}


@dataclass
class Figures:
    precision_at_20: float
    recall: float
    set_precision: float
    per_query: list[dict]

    def worst(self, n: int = 10) -> list[dict]:
        return sorted(self.per_query, key=lambda r: (min(r["p@20"], r["recall"] if r["recall"] is not None else 1,
                                                         r["set_precision"]), r["q"]))[:n]


def score(queries: list[Query], judged, ranked, selected) -> Figures:
    """``judged(query) -> set of relevant job ids``; ``ranked(query) -> the first PAGE job ids``;
    ``selected(query) -> every job id the matcher selects``."""
    rows = []
    for query in queries:
        relevant = judged(query)
        page = list(ranked(query))[:PAGE]
        chosen = set(selected(query))
        if relevant:
            p20 = sum(1 for job in page if job in relevant) / len(page) if page else 0.0
            recall = len(chosen & relevant) / len(relevant)
        else:
            p20 = 0.0 if page else 1.0
            recall = None
        set_precision = len(chosen & relevant) / len(chosen) if chosen else (1.0 if not relevant else 0.0)
        rows.append({"q": query.q, "relevant": len(relevant), "selected": len(chosen), "p@20": round(p20, 3),
                     "recall": None if recall is None else round(recall, 3), "set_precision": round(set_precision, 3)})
    recalls = [r["recall"] for r in rows if r["recall"] is not None]
    return Figures(
        precision_at_20=round(sum(r["p@20"] for r in rows) / len(rows), 4),
        recall=round(sum(recalls) / len(recalls), 4),
        set_precision=round(sum(r["set_precision"] for r in rows) / len(rows), 4),
        per_query=rows)
