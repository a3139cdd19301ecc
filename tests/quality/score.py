"""Score Jobsight's extraction against the hand-labelled quality set.

Each labelled file is a native payload of one source kind; it is parsed with that kind's adapter
(url = the file's ``file://`` URI), normalized, and compared with the labels a human wrote:

* skills — micro precision / recall / F1 over all postings, and F1 per source kind;
* salary — exact match: min and max within 0.5 %, same currency and period (null == null matches);
* experience_years — exact; remote — exact (true / false / null).

Run ``python -m tests.quality.score`` or ``python tests/quality/score.py`` for a table and every
mismatch; tests call ``score()`` and read the returned dict.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import yaml  # noqa: E402

from jobsight.normalize import normalize  # noqa: E402
from jobsight.normalize.skills import read_taxonomy_file  # noqa: E402
from jobsight.sources import get_adapter  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LABELLED_DIR = REPO / "tests" / "data" / "labelled"
DEFAULT_LABELS = LABELLED_DIR / "labels.yml"
TAXONOMY_FILE = REPO / "jobsight" / "data" / "skills.yml"
KINDS = ("greenhouse", "lever", "ashby", "remoteok", "remotive", "arbeitnow", "hn", "rss", "jsonld", "rabota")
PERIODS = ("hour", "day", "week", "month", "year")
SALARY_TOLERANCE = 0.005  # 0.5 %
FIELDS = ("salary", "experience_years", "remote")


# ------------------------------------------------------------------ loading and validation
def load_labels(labels_path: str | Path | None = None) -> list[dict]:
    path = Path(labels_path) if labels_path else DEFAULT_LABELS
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("postings") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of postings (or a mapping with 'postings')")
    return entries


def taxonomy_names(path: Path = TAXONOMY_FILE) -> set[str]:
    rows, _ = read_taxonomy_file(path)
    return {str(skill["name"]) for skill in rows}


def validate(entries: list[dict], base_dir: Path = LABELLED_DIR) -> list[str]:
    """Problems with the labels themselves (empty when the set is well formed)."""
    names = taxonomy_names()
    problems: list[str] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = entry.get("file") or f"entry #{index}"
        for key in ("file", "kind", "skills", "salary", "experience_years", "remote"):
            if key not in entry:
                problems.append(f"{where}: missing key {key!r}")
        if where in seen:
            problems.append(f"{where}: labelled twice")
        seen.add(where)
        if entry.get("kind") not in KINDS:
            problems.append(f"{where}: unknown kind {entry.get('kind')!r}")
        if entry.get("file") and not (base_dir / entry["file"]).is_file():
            problems.append(f"{where}: file not found")
        skills = entry.get("skills")
        if not isinstance(skills, list):
            problems.append(f"{where}: skills must be a list")
        else:
            for skill in skills:
                if skill not in names:
                    problems.append(f"{where}: skill {skill!r} is not in the taxonomy")
            if len(set(skills)) != len(skills):
                problems.append(f"{where}: duplicate skills")
        salary = entry.get("salary")
        if salary is not None:
            if not isinstance(salary, dict) or set(salary) - {"min", "max", "currency", "period"}:
                problems.append(f"{where}: salary must be null or {{min, max, currency, period}}")
            else:
                if salary.get("min") is None and salary.get("max") is None:
                    problems.append(f"{where}: salary without min or max (use null)")
                if salary.get("period") not in PERIODS:
                    problems.append(f"{where}: salary period {salary.get('period')!r} not in {PERIODS}")
                currency = salary.get("currency")
                if not (isinstance(currency, str) and len(currency) == 3 and currency.isupper()):
                    problems.append(f"{where}: currency {currency!r} is not an ISO 4217 code")
        years = entry.get("experience_years")
        if years is not None and (isinstance(years, bool) or not isinstance(years, (int, float)) or years < 0):
            problems.append(f"{where}: experience_years must be a non-negative number or null")
        if entry.get("remote") not in (True, False, None):
            problems.append(f"{where}: remote must be true, false or null")
    return problems


# ------------------------------------------------------------------ extraction
def extract(entry: dict, base_dir: Path = LABELLED_DIR) -> dict:
    """Parse and normalize one labelled file; ``error`` is set unless exactly one posting results."""
    path = base_dir / entry["file"]
    document = path.read_text(encoding="utf-8")
    result = get_adapter(entry["kind"]).parse(document, path.resolve().as_uri())
    if len(result.postings) != 1:
        reasons = "; ".join(skip.reason for skip in result.skipped)
        return {"error": f"{len(result.postings)} postings parsed (expected 1){': ' + reasons if reasons else ''}"}
    posting = normalize(result.postings[0])
    salary = None
    if posting.salary is not None:
        salary = {"min": posting.salary.min, "max": posting.salary.max,
                  "currency": posting.salary.currency, "period": posting.salary.period}
    return {"error": None, "skills": list(posting.skills), "salary": salary,
            "experience_years": posting.experience_years, "remote": posting.remote}


# ------------------------------------------------------------------ comparison
def _close(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    try:
        expected, got = float(expected), float(got)
    except (TypeError, ValueError):
        return False
    if expected == 0:
        return abs(got) < 1e-9
    return abs(got - expected) <= SALARY_TOLERANCE * abs(expected)


def salary_matches(expected: dict | None, got: dict | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return (_close(expected.get("min"), got.get("min")) and _close(expected.get("max"), got.get("max"))
            and expected.get("currency") == got.get("currency") and expected.get("period") == got.get("period"))


def experience_matches(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return abs(float(expected) - float(got)) < 1e-6


def remote_matches(expected: Any, got: Any) -> bool:
    return expected is got if expected is None or got is None else bool(expected) == bool(got)


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _fmt_salary(value: dict | None) -> str:
    if value is None:
        return "null"
    def num(x):
        return "null" if x is None else f"{float(x):g}"
    return f"{num(value.get('min'))}-{num(value.get('max'))} {value.get('currency')}/{value.get('period')}"


def score(labels_path: str | Path | None = None) -> dict:
    """Score the set; returns overall and per-kind figures, every mismatch and every parse error."""
    path = Path(labels_path) if labels_path else DEFAULT_LABELS
    base_dir = path.resolve().parent
    entries = load_labels(path)
    kinds: dict[str, dict] = defaultdict(lambda: {"postings": 0, "tp": 0, "fp": 0, "fn": 0,
                                                  **{field: 0 for field in FIELDS}})
    totals = {"tp": 0, "fp": 0, "fn": 0, **{field: 0 for field in FIELDS}}
    mismatches: list[dict] = []
    errors: list[dict] = []
    rows: list[dict] = []
    for entry in entries:
        kind = entry["kind"]
        stats = kinds[kind]
        stats["postings"] += 1
        got = extract(entry, base_dir)
        if got["error"]:
            errors.append({"file": entry["file"], "kind": kind, "error": got["error"]})
            got = {"skills": [], "salary": "<parse error>", "experience_years": "<parse error>",
                   "remote": "<parse error>"}
        expected_skills, got_skills = set(entry["skills"]), set(got["skills"])
        tp = len(expected_skills & got_skills)
        fp, fn = len(got_skills - expected_skills), len(expected_skills - got_skills)
        for bucket in (stats, totals):
            bucket["tp"] += tp
            bucket["fp"] += fp
            bucket["fn"] += fn
        if fp or fn:
            mismatches.append({"file": entry["file"], "kind": kind, "field": "skills",
                               "expected": sorted(expected_skills), "got": sorted(got_skills),
                               "missing": sorted(expected_skills - got_skills),
                               "extra": sorted(got_skills - expected_skills), "note": entry.get("note")})
        checks = {
            "salary": not isinstance(got["salary"], str) and salary_matches(entry["salary"], got["salary"]),
            "experience_years": not isinstance(got["experience_years"], str)
            and experience_matches(entry["experience_years"], got["experience_years"]),
            "remote": not isinstance(got["remote"], str) and remote_matches(entry["remote"], got["remote"]),
        }
        for field, ok in checks.items():
            if ok:
                stats[field] += 1
                totals[field] += 1
            else:
                mismatches.append({"file": entry["file"], "kind": kind, "field": field,
                                   "expected": entry[field], "got": got[field], "note": entry.get("note")})
        rows.append({"file": entry["file"], "kind": kind, "got": got, **{f: checks[f] for f in FIELDS}})

    n = len(entries)
    by_kind = {}
    for kind in sorted(kinds, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        stats = kinds[kind]
        count = stats["postings"]
        by_kind[kind] = {"postings": count, "skills": _prf(stats["tp"], stats["fp"], stats["fn"]),
                         **{field: stats[field] / count for field in FIELDS}}
    return {
        "postings": n,
        "skills": _prf(totals["tp"], totals["fp"], totals["fn"]),
        **{field: (totals[field] / n if n else 0.0) for field in FIELDS},
        "by_kind": by_kind,
        "mismatches": mismatches,
        "errors": errors,
        "rows": rows,
    }


# ------------------------------------------------------------------ report
def report(result: dict) -> str:
    lines = []
    header = f"{'kind':<11} {'n':>3} {'skill P':>8} {'skill R':>8} {'skill F1':>9} {'salary':>7} {'exp':>6} {'remote':>7}"
    lines += [header, "-" * len(header)]
    for kind, stats in result["by_kind"].items():
        s = stats["skills"]
        lines.append(f"{kind:<11} {stats['postings']:>3} {s['precision']:>8.3f} {s['recall']:>8.3f} {s['f1']:>9.3f} "
                     f"{stats['salary']:>7.0%} {stats['experience_years']:>6.0%} {stats['remote']:>7.0%}")
    s = result["skills"]
    lines += ["-" * len(header),
              f"{'ALL':<11} {result['postings']:>3} {s['precision']:>8.3f} {s['recall']:>8.3f} {s['f1']:>9.3f} "
              f"{result['salary']:>7.1%} {result['experience_years']:>6.1%} {result['remote']:>7.1%}",
              f"skills micro: tp={s['tp']} fp={s['fp']} fn={s['fn']}"]
    if result["errors"]:
        lines += ["", f"PARSE ERRORS ({len(result['errors'])}):"]
        lines += [f"  {e['file']}: {e['error']}" for e in result["errors"]]
    lines += ["", f"MISMATCHES ({len(result['mismatches'])}):"]
    for m in result["mismatches"]:
        if m["field"] == "skills":
            detail = f"missing={m['missing']} extra={m['extra']}"
        elif m["field"] == "salary":
            got = m["got"] if isinstance(m["got"], str) else _fmt_salary(m["got"])
            detail = f"expected={_fmt_salary(m['expected'])} got={got}"
        else:
            detail = f"expected={m['expected']!r} got={m['got']!r}"
        lines.append(f"  {m['file']:<20} {m['field']:<17} {detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    labels_path = argv[0] if argv else None
    entries = load_labels(labels_path)
    problems = validate(entries, Path(labels_path).resolve().parent if labels_path else LABELLED_DIR)
    if problems:
        print("LABEL PROBLEMS:\n  " + "\n  ".join(problems))
    print(report(score(labels_path)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
