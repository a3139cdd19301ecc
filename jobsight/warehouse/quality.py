"""Data quality checks run after loads; results are logged, counted and kept in etl.quality_checks.

Each check counts offending rows. After an incremental load the checks run over just the jobs
it changed (cheap) and only record failures; after a catch-up or a rebuild they run over the
whole warehouse and set each check's state. ``counts_reconcile`` compares job counts by status
with the source's own counts when those are known.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

SALARY_MIN = 500.0  # a year, in the base currency
SALARY_MAX = 2_000_000.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def _scope(column: str, job_ids) -> str:
    return "" if job_ids is None else f" AND {column} = ANY(%(ids)s)"


def _count(cur, sql: str, job_ids) -> int:
    cur.execute(sql, {"ids": list(job_ids) if job_ids is not None else None})
    return cur.fetchone()[0]


def run_checks(conn, schema: str, *, job_ids=None, source_counts: dict | None = None,
               salary_min: float = SALARY_MIN, salary_max: float = SALARY_MAX,
               base_currency: str = "EUR") -> list[CheckResult]:
    cur = conn.connection.cursor()
    results = []

    orphans = _count(cur, f"""
        SELECT count(*) FROM {schema}.bridge_job_skill b
        WHERE (NOT EXISTS (SELECT 1 FROM {schema}.fact_job f WHERE f.job_id = b.job_id)
               OR NOT EXISTS (SELECT 1 FROM {schema}.dim_skill k WHERE k.skill_key = b.skill_key))
        {_scope('b.job_id', job_ids)}""", job_ids)
    results.append(CheckResult("no_orphan_bridge_rows", orphans == 0,
                               f"{orphans} bridge rows point at a missing job or skill"))

    dangling = _count(cur, f"""
        SELECT count(*) FROM {schema}.fact_job f
        WHERE (NOT EXISTS (SELECT 1 FROM {schema}.dim_company c WHERE c.company_key = f.company_key)
               OR (f.location_key IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM {schema}.dim_location l WHERE l.location_key = f.location_key)))
        {_scope('f.job_id', job_ids)}""", job_ids)
    results.append(CheckResult("facts_have_dimensions", dangling == 0,
                               f"{dangling} jobs point at a missing company or location"))

    cur.execute(f"""
        SELECT count(*) FROM {schema}.fact_job f
        WHERE f.annual_currency = %(cur)s
          AND (f.annual_min < %(lo)s OR f.annual_max < %(lo)s OR f.annual_min > %(hi)s OR f.annual_max > %(hi)s
               OR f.annual_min > f.annual_max)
        {_scope('f.job_id', job_ids)}""",
                {"cur": base_currency, "lo": salary_min, "hi": salary_max,
                 "ids": list(job_ids) if job_ids is not None else None})
    insane = cur.fetchone()[0]
    results.append(CheckResult("salaries_in_bounds", insane == 0,
                               f"{insane} jobs pay outside {salary_min:,.0f}-{salary_max:,.0f} {base_currency} "
                               "a year or have min > max"))

    inconsistent = _count(cur, f"""
        SELECT count(*) FROM {schema}.fact_job f
        WHERE (f.first_seen > f.last_seen
               OR f.closed_at < f.first_seen
               OR (f.status = 'closed') <> (f.closed_at IS NOT NULL)
               OR f.date_posted > now() + interval '1 day'
               OR f.first_seen > now() + interval '1 day'
               OR f.date_posted < timestamptz '1990-01-01')
        {_scope('f.job_id', job_ids)}""", job_ids)
    results.append(CheckResult("dates_consistent", inconsistent == 0,
                               f"{inconsistent} jobs have first_seen > last_seen, closed before first seen, "
                               "status and closed_at disagreeing, or dates in the future"))

    if source_counts is not None:
        cur.execute(f"SELECT status, count(*) FROM {schema}.fact_job GROUP BY status")
        ours = dict(cur.fetchall())
        wanted = {status: int(n) for status, n in source_counts.items()}
        statuses = sorted(set(ours) | set(wanted))
        diff = {s: (ours.get(s, 0), wanted.get(s, 0)) for s in statuses if ours.get(s, 0) != wanted.get(s, 0)}
        results.append(CheckResult(
            "counts_reconcile", not diff,
            "; ".join(f"{s}: warehouse {w}, source {src}" for s, (w, src) in diff.items())
            or f"{sum(ours.values())} jobs match the source by status"))
    return results


def record(conn, results: list[CheckResult], scoped: bool = False) -> list[CheckResult]:
    """Keep results in etl.quality_checks and log failures. A scoped run only records failures:
    a pass over a few jobs says nothing about the rest."""
    cur = conn.connection.cursor()
    failed = [r for r in results if not r.ok]
    for result in results if not scoped else failed:
        cur.execute("""
            INSERT INTO etl.quality_checks AS q (name, ok, failures, detail, checked_at, failed_at)
            VALUES (%(name)s, %(ok)s, %(fail)s, %(detail)s, now(), CASE WHEN %(ok)s THEN NULL ELSE now() END)
            ON CONFLICT (name) DO UPDATE SET ok = EXCLUDED.ok, failures = q.failures + EXCLUDED.failures,
                detail = EXCLUDED.detail, checked_at = now(), failed_at = coalesce(EXCLUDED.failed_at, q.failed_at)""",
                    {"name": result.name, "ok": result.ok, "fail": 0 if result.ok else 1, "detail": result.detail})
    for result in failed:
        log.warning("warehouse quality check %s failed: %s", result.name, result.detail,
                    extra={"check": result.name, "detail": result.detail})
    return results


def read(conn) -> dict:
    cur = conn.connection.cursor()
    cur.execute("SELECT name, ok, failures, detail, checked_at, failed_at FROM etl.quality_checks ORDER BY name")
    return {name: {"ok": ok, "failures": failures, "detail": detail,
                   "checked_at": checked_at.isoformat() if checked_at else None,
                   "failed_at": failed_at.isoformat() if failed_at else None}
            for name, ok, failures, detail, checked_at, failed_at in cur.fetchall()}
