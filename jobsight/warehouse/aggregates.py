"""Aggregate tables recomputed from the fact and bridge tables in one statement each.

They are refreshed in a transaction of their own (readers keep the previous numbers until it
commits), after every catch-up and inside every rebuild, and record the warehouse version they
reflect. The insight queries never read these two: they read the maintained aggregates below, which
every load keeps exact in its own transaction.
"""
from __future__ import annotations

BASE_CURRENCY = "EUR"


def refresh(conn, schema: str, base_currency: str = BASE_CURRENCY) -> None:
    cur = conn.connection.cursor()
    cur.execute(f"DELETE FROM {schema}.agg_skill_demand_daily")
    # Per skill and day: jobs first seen, jobs closed, and the running number open at day's end.
    cur.execute(f"""
        INSERT INTO {schema}.agg_skill_demand_daily (date_key, skill_key, posted, closed, open_jobs)
        SELECT date_key, skill_key, posted, closed,
               sum(posted - closed) OVER (PARTITION BY skill_key ORDER BY date_key)
        FROM (SELECT e.date_key, b.skill_key, sum(e.posted)::integer AS posted, sum(e.closed)::integer AS closed
              FROM {schema}.bridge_job_skill b
              JOIN {schema}.fact_job f ON f.job_id = b.job_id
              CROSS JOIN LATERAL (VALUES
                  (coalesce(f.first_seen_date_key, f.posted_date_key), 1, 0),
                  (CASE WHEN f.status = 'closed'
                        THEN coalesce(f.closed_date_key, f.last_seen_date_key) END, 0, 1)) AS e(date_key, posted, closed)
              WHERE e.date_key IS NOT NULL
              GROUP BY e.date_key, b.skill_key) per_day""")
    cur.execute(f"DELETE FROM {schema}.agg_skill_salary")
    # Midpoint of each open job's annual range, only in the base currency (never mixed).
    cur.execute(f"""
        INSERT INTO {schema}.agg_skill_salary
            (skill_key, open_jobs, salaries, currency, average, minimum, p25, median, p75, maximum)
        SELECT b.skill_key, count(*), count(m.mid), %(cur)s, avg(m.mid), min(m.mid),
               percentile_cont(0.25) WITHIN GROUP (ORDER BY m.mid),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY m.mid),
               percentile_cont(0.75) WITHIN GROUP (ORDER BY m.mid), max(m.mid)
        FROM {schema}.bridge_job_skill b
        JOIN {schema}.fact_job f ON f.job_id = b.job_id
        CROSS JOIN LATERAL (SELECT CASE WHEN f.annual_currency = %(cur)s
                                        THEN coalesce((f.annual_min + f.annual_max) / 2, f.annual_min, f.annual_max)
                                   END AS mid) m
        WHERE f.status = 'open'
        GROUP BY b.skill_key""", {"cur": base_currency})


# -- maintained aggregates: exact after every load -------------------------------------------
# Each is a sum of per-job contributions. A load records the contributions of the jobs it is
# about to change with sign -1, changes them, records their new contributions with sign +1 and
# adds the signed sums to the tables, all in its own transaction: the aggregates and the facts
# agree at every version a reader can see. A rebuild (or the migration that added them) sums
# every job once (``build_maintained``). Rows summed down to zero are deleted.

DELTA = "pg_temp.agg_delta"
# (column, condition on the years asked ``y``) in agg_title.
EXPERIENCE_COLUMNS = (("experience_0", "y < 1"), ("experience_1", "y >= 1 AND y < 2"),
                      ("experience_2", "y >= 2 AND y < 3"), ("experience_3_4", "y >= 3 AND y < 5"),
                      ("experience_5_7", "y >= 5 AND y < 8"), ("experience_8_plus", "y >= 8"))
WORKPLACE_COLUMNS = ("remote", "hybrid", "onsite", "unknown")
_DELTA_COLUMNS = ("sign integer, job_id bigint, open boolean, title_key integer, company_key integer, "
                  "location_key integer, workplace text, y double precision, salary double precision, "
                  "first_seen_key integer, skill_keys integer[]")
_SALARY = ("coalesce(sum(sign) FILTER (WHERE salary IS NOT NULL), 0)", "coalesce(sum(sign * salary::numeric), 0)")
_SKILLS = f"{DELTA} d CROSS JOIN LATERAL unnest(d.skill_keys) AS s(skill_key)"


class Maintained:
    """One maintained aggregate: its key columns, measure columns and the signed sums over the delta."""

    def __init__(self, table: str, keys: tuple[str, ...], measures: tuple[str, ...], select: str):
        self.table, self.keys, self.measures, self.select = table, keys, measures, select

    @property
    def count(self) -> str:
        return self.measures[0]


MAINTAINED = (
    Maintained("agg_skill", ("skill_key",), ("open_jobs", "salaries", "salary_sum"), f"""
        SELECT s.skill_key, sum(sign), {", ".join(_SALARY)} FROM {_SKILLS} WHERE open GROUP BY s.skill_key"""),
    Maintained("agg_company", ("company_key",), ("open_jobs",), f"""
        SELECT company_key, sum(sign) FROM {DELTA} WHERE open GROUP BY company_key"""),
    Maintained("agg_title", ("title_key",),
               ("open_jobs", "salaries", "salary_sum", "experience_stated", "experience_sum")
               + tuple(c for c, _ in EXPERIENCE_COLUMNS) + WORKPLACE_COLUMNS, f"""
        SELECT title_key, sum(sign), {", ".join(_SALARY)},
               coalesce(sum(sign) FILTER (WHERE y IS NOT NULL), 0), coalesce(sum(sign * y::numeric), 0),
               {", ".join(f"coalesce(sum(sign) FILTER (WHERE {c}), 0)" for _, c in EXPERIENCE_COLUMNS)},
               {", ".join(f"coalesce(sum(sign) FILTER (WHERE workplace = '{w}'), 0)" for w in WORKPLACE_COLUMNS)}
        FROM {DELTA} WHERE open GROUP BY title_key"""),
    Maintained("agg_title_skill", ("title_key", "skill_key"), ("open_jobs", "salaries", "salary_sum"), f"""
        SELECT title_key, s.skill_key, sum(sign), {", ".join(_SALARY)}
        FROM {_SKILLS} WHERE open GROUP BY title_key, s.skill_key"""),
    Maintained("agg_title_company", ("title_key", "company_key"), ("open_jobs",), f"""
        SELECT title_key, company_key, sum(sign) FROM {DELTA} WHERE open GROUP BY title_key, company_key"""),
    Maintained("agg_skill_company", ("skill_key", "company_key"), ("open_jobs",), f"""
        SELECT s.skill_key, company_key, sum(sign) FROM {_SKILLS} WHERE open GROUP BY s.skill_key, company_key"""),
    Maintained("agg_salary_values", ("dimension", "key", "salary"), ("open_jobs",), f"""
        SELECT 'title', title_key, salary, sum(sign) FROM {DELTA} WHERE open GROUP BY title_key, salary
        UNION ALL
        SELECT 'skill', s.skill_key, salary, sum(sign) FROM {_SKILLS} WHERE open GROUP BY s.skill_key, salary
        UNION ALL
        SELECT 'location', location_key, salary, sum(sign) FROM {DELTA}
        WHERE open AND location_key IS NOT NULL GROUP BY location_key, salary"""),
    Maintained("agg_skill_first_seen", ("skill_key", "date_key"), ("jobs",), f"""
        SELECT s.skill_key, first_seen_key, sum(sign) FROM {_SKILLS}
        WHERE first_seen_key IS NOT NULL GROUP BY s.skill_key, first_seen_key"""),
)


def _record(cur, schema: str, sign: int, job_ids: list[int] | None) -> None:
    """Add to the delta one row per fact (of ``job_ids``, or every fact) with its contribution.
    Every fact: one pass over the bridge (a rebuild fills it before its indexes exist)."""
    if job_ids is None:
        skills = "coalesce(b.skill_keys, '{}')"
        source = (f"LEFT JOIN (SELECT job_id, array_agg(skill_key) AS skill_keys FROM {schema}.bridge_job_skill "
                  "GROUP BY job_id) b ON b.job_id = f.job_id")
    else:
        skills = f"ARRAY(SELECT b.skill_key FROM {schema}.bridge_job_skill b WHERE b.job_id = f.job_id)"
        source = "WHERE f.job_id = ANY(%(ids)s)"
    cur.execute(f"""
        INSERT INTO {DELTA}
        SELECT {sign}, f.job_id, f.status = 'open', f.title_key, f.company_key, f.location_key,
               CASE WHEN f.workplace IN ('remote', 'hybrid', 'onsite') THEN f.workplace
                    WHEN f.remote THEN 'remote' ELSE 'unknown' END,
               f.experience_years,
               CASE WHEN f.annual_currency = %(base)s
                    THEN coalesce((f.annual_min + f.annual_max) / 2, f.annual_min, f.annual_max) END,
               f.first_seen_date_key, {skills}
        FROM {schema}.fact_job f {source}""", {"base": BASE_CURRENCY, "ids": list(job_ids or ())})


def _delta_table(cur) -> None:
    cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS agg_delta ({_DELTA_COLUMNS}) ON COMMIT DELETE ROWS")
    cur.execute(f"DELETE FROM {DELTA}")


def begin_delta(conn, schema: str, job_ids: list[int]) -> None:
    """Before a load changes ``job_ids``: record what they contribute now (sign -1)."""
    cur = conn.connection.cursor()
    _delta_table(cur)
    if job_ids:
        _record(cur, schema, -1, job_ids)


def apply_delta(conn, schema: str, changed: list[int]) -> None:
    """After the load: keep the old contributions of the jobs that did change, add their new
    ones, and add the signed sums to every maintained aggregate (rows in key order, so
    concurrent loads lock them in the same order)."""
    cur = conn.connection.cursor()
    if changed:
        cur.execute(f"DELETE FROM {DELTA} WHERE NOT (job_id = ANY(%s))", (list(changed),))
        _record(cur, schema, 1, changed)
        for agg in MAINTAINED:
            columns = agg.keys + agg.measures
            cur.execute(f"""
                INSERT INTO {schema}.{agg.table} AS a ({", ".join(columns)})
                SELECT * FROM ({agg.select}) sums ORDER BY {", ".join(str(i + 1) for i in range(len(agg.keys)))}
                ON CONFLICT ({", ".join(agg.keys)})
                DO UPDATE SET {", ".join(f"{m} = a.{m} + EXCLUDED.{m}" for m in agg.measures)}""")
            cur.execute(f"DELETE FROM {schema}.{agg.table} WHERE {agg.count} = 0")  # ix_<table>_empty
    cur.execute(f"DELETE FROM {DELTA}")


def build_maintained(conn, schema: str) -> None:
    """Every maintained aggregate summed afresh from all facts (a rebuild, or the first fill)."""
    cur = conn.connection.cursor()
    for agg in MAINTAINED:
        cur.execute(f"TRUNCATE {schema}.{agg.table}")
    _delta_table(cur)
    _record(cur, schema, 1, None)
    for agg in MAINTAINED:
        cur.execute(f"INSERT INTO {schema}.{agg.table} ({', '.join(agg.keys + agg.measures)}) {agg.select}")
    cur.execute(f"DELETE FROM {DELTA}")


def ensure_maintained(conn, schema: str = "warehouse") -> bool:
    """Fill the maintained aggregates if facts exist but they are empty (a warehouse migrated
    with jobs already loaded); True when it did."""
    cur = conn.connection.cursor()
    cur.execute(f"SELECT EXISTS (SELECT 1 FROM {schema}.fact_job) "
                f"AND NOT EXISTS (SELECT 1 FROM {schema}.agg_skill_first_seen) "
                f"AND NOT EXISTS (SELECT 1 FROM {schema}.agg_title)")
    if not cur.fetchone()[0]:
        return False
    build_maintained(conn, schema)
    return True
