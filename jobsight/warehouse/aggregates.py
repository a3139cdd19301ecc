"""Aggregate tables recomputed from the fact and bridge tables in one statement each.

They are refreshed in a transaction of their own (readers keep the previous numbers until it
commits), after every catch-up and inside every rebuild, and record the warehouse version they
reflect. The five insight queries read the facts directly, so they never wait for a refresh.
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
