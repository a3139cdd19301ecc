"""Set-based loading of staged jobs into a warehouse schema, and the load bookkeeping.

Every load, incremental or full, runs the same SQL: staged rows (``records.stage_row``)
become dimension rows (insert-if-missing), fact rows (upsert that only ever moves a job to a
higher ``source_version``, so an older update arriving late changes nothing) and bridge rows.
Incremental loads stage into a temporary table; a rebuild stages big batches into
``warehouse_next`` and skips the upsert path while the tables have no indexes yet.

Functions take a SQLAlchemy ``Connection`` inside a transaction the caller owns, so the
processed event ids, the watermark and the version bump commit with the rows they describe.
"""
from __future__ import annotations

import json

from psycopg2.extras import execute_values

from jobsight.warehouse import aggregates
from jobsight.warehouse.records import STAGE_COLUMNS

LIVE = "warehouse"
NEXT = "warehouse_next"
# Incremental loads hold this shared, the swap of a rebuild holds it exclusively.
LOAD_LOCK = 727_2750
# Catch-up and rebuild read the sources: one of them at a time.
EXTRACT_LOCK = 727_2751

_STAGE_DDL = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
_TEMP_STAGE = "pg_temp.stage_job"


def date_key(column: str) -> str:
    """SQL: the dim_date key (yyyymmdd, UTC) of a timestamptz expression."""
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYYMMDD')::integer"


_FACT_COLUMNS = (
    "job_id", "source_version", "status", "title", "title_key", "company_key", "location_key", "workplace", "remote",
    "seniority", "employment_type", "annual_min", "annual_max", "annual_currency", "experience_years",
    "posted_date_key", "first_seen_date_key", "last_seen_date_key", "closed_date_key",
    "date_posted", "first_seen", "last_seen", "closed_at", "updated_at", "n_sources", "loaded_at",
)
_FACT_VALUES = (
    "st.job_id, st.source_version, st.status, st.title, t.title_key, c.company_key, l.location_key, st.workplace, "
    "st.remote, st.seniority, st.employment_type, st.annual_min, st.annual_max, st.annual_currency, "
    "st.experience_years, "
    f"{date_key('st.date_posted')}, {date_key('st.first_seen')}, {date_key('st.last_seen')}, "
    f"{date_key('st.closed_at')}, "
    "st.date_posted, st.first_seen, st.last_seen, st.closed_at, st.updated_at, st.n_sources, now()"
)


def stage_ddl(relation: str, temporary: bool = False) -> str:
    if temporary:
        return f"CREATE TEMP TABLE IF NOT EXISTS {relation} ({_STAGE_DDL}) ON COMMIT DELETE ROWS"
    return f"CREATE UNLOGGED TABLE {relation} ({_STAGE_DDL})"


def _newest(stage: str) -> str:
    """The stage with one row per job (its highest version): a batch never hits a row twice."""
    return f"(SELECT DISTINCT ON (job_id) * FROM {stage} ORDER BY job_id, source_version DESC)"


def _cursor(conn):
    return conn.connection.cursor()


def stage_batch(cur, relation: str, rows: list[dict] | str) -> None:
    """Insert staging rows (or their JSON text) into a stage table as one JSON document.

    (COPY would be faster, but psycopg2 refuses COPY on eventlet's cooperative connections,
    which is what the service runs on.)
    """
    payload = rows if isinstance(rows, str) else json.dumps(rows)
    cur.execute(f"INSERT INTO {relation} SELECT * FROM json_populate_recordset(NULL::{relation}, %s)", (payload,))


def stage_rows(conn, rows: list[dict]) -> str:
    """Put rows in this connection's temporary stage (emptied at commit); returns its name."""
    cur = _cursor(conn)
    cur.execute(stage_ddl(_TEMP_STAGE, temporary=True))
    cur.execute(f"DELETE FROM {_TEMP_STAGE}")
    stage_batch(cur, _TEMP_STAGE, rows)
    return _TEMP_STAGE


def load_dimensions(conn, schema: str, stage: str) -> None:
    """Insert the titles, companies, locations, skills and dates the stage names and the schema lacks.

    Rows go in key order, so concurrent loads take their unique-key locks in the same order.
    """
    cur = _cursor(conn)
    # A new title's terms join the table misspelt keywords are looked up in (jobsight.textmatch_sql).
    cur.execute(f"""
        WITH added AS (
            INSERT INTO {schema}.dim_title (name)
            SELECT DISTINCT lower(title) FROM {stage} ORDER BY 1
            ON CONFLICT (name) DO NOTHING
            RETURNING terms)
        INSERT INTO {schema}.dim_title_terms (term)
        SELECT DISTINCT unnest(terms) FROM added ORDER BY 1
        ON CONFLICT (term) DO NOTHING""")
    cur.execute(f"""
        INSERT INTO {schema}.dim_company (name_key, name)
        SELECT DISTINCT ON (company_key) company_key, company FROM {stage} ORDER BY company_key
        ON CONFLICT (name_key) DO NOTHING""")
    cur.execute(f"""
        INSERT INTO {schema}.dim_location (natural_key, location, city, region, country)
        SELECT DISTINCT ON (location_key) location_key, location, city, region, country
        FROM {stage} WHERE location_key IS NOT NULL ORDER BY location_key
        ON CONFLICT (natural_key) DO NOTHING""")
    cur.execute(f"""
        INSERT INTO {schema}.dim_skill (name)
        SELECT DISTINCT s.name FROM {stage} st CROSS JOIN LATERAL unnest(st.skills) AS s(name) ORDER BY s.name
        ON CONFLICT (name) DO NOTHING""")
    cur.execute(f"""
        INSERT INTO {schema}.dim_date (date_key, date, year, quarter, month, day, iso_week, iso_weekday)
        SELECT to_char(d, 'YYYYMMDD')::integer, d, extract(year FROM d), extract(quarter FROM d),
               extract(month FROM d), extract(day FROM d), extract(week FROM d), extract(isodow FROM d)
        FROM (SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date AS d
              FROM {stage} st CROSS JOIN LATERAL
                   (VALUES (st.date_posted), (st.first_seen), (st.last_seen), (st.closed_at)) AS v(ts)
              WHERE ts IS NOT NULL) dates
        ORDER BY d
        ON CONFLICT (date_key) DO NOTHING""")


def upsert_facts(conn, schema: str, stage: str) -> list[int]:
    """Insert new jobs and move known ones to a higher version; returns the ids changed.
    The maintained aggregates move with them (``aggregates.begin_delta``/``apply_delta``)."""
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _FACT_COLUMNS if c != "job_id")
    cur = _cursor(conn)
    cur.execute(f"SELECT DISTINCT job_id FROM {stage}")
    aggregates.begin_delta(conn, schema, [row[0] for row in cur.fetchall()])
    cur.execute(f"""
        INSERT INTO {schema}.fact_job AS f ({", ".join(_FACT_COLUMNS)})
        SELECT {_FACT_VALUES}
        FROM {_newest(stage)} st
        JOIN {schema}.dim_title t ON t.name = lower(st.title)
        JOIN {schema}.dim_company c ON c.name_key = st.company_key
        LEFT JOIN {schema}.dim_location l ON l.natural_key = st.location_key
        ORDER BY st.job_id
        ON CONFLICT (job_id) DO UPDATE SET {updates}
        WHERE f.source_version < EXCLUDED.source_version
        RETURNING f.job_id""")
    applied = [row[0] for row in cur.fetchall()]
    if applied:
        cur.execute(f"DELETE FROM {schema}.bridge_job_skill WHERE job_id = ANY(%s)", (applied,))
        cur.execute(f"""
            INSERT INTO {schema}.bridge_job_skill (job_id, skill_key)
            SELECT DISTINCT st.job_id, k.skill_key
            FROM {_newest(stage)} st CROSS JOIN LATERAL unnest(st.skills) AS s(name)
            JOIN {schema}.dim_skill k ON k.name = s.name
            WHERE st.job_id = ANY(%s)""", (applied,))
    aggregates.apply_delta(conn, schema, applied)
    return applied


def insert_facts_bulk(conn, schema: str, stage: str, unique: bool = False) -> int:
    """Fill empty fact and bridge tables from a stage (the rebuild path: no conflicts possible).

    ``unique``: the caller knows the stage holds each job once, so no sort is needed to
    pick each job's newest row (skills are already distinct within a row).
    """
    source = stage if unique else _newest(stage)
    cur = _cursor(conn)
    cur.execute(f"""
        INSERT INTO {schema}.fact_job ({", ".join(_FACT_COLUMNS)})
        SELECT {_FACT_VALUES}
        FROM {source} st
        JOIN {schema}.dim_title t ON t.name = lower(st.title)
        JOIN {schema}.dim_company c ON c.name_key = st.company_key
        LEFT JOIN {schema}.dim_location l ON l.natural_key = st.location_key""")
    inserted = cur.rowcount
    cur.execute(f"""
        INSERT INTO {schema}.bridge_job_skill (job_id, skill_key)
        SELECT {'' if unique else 'DISTINCT'} st.job_id, k.skill_key
        FROM {source} st CROSS JOIN LATERAL unnest(st.skills) AS s(name)
        JOIN {schema}.dim_skill k ON k.name = s.name""")
    aggregates.build_maintained(conn, schema)
    return inserted


def load_jobs(conn, rows: list[dict], schema: str = LIVE) -> list[int]:
    """The incremental load of a batch of staging rows; returns the job ids that changed."""
    if not rows:
        return []
    stage = stage_rows(conn, rows)
    load_dimensions(conn, schema, stage)
    return upsert_facts(conn, schema, stage)


def sync_skills(conn, skills, schema: str = LIVE) -> None:
    """Give dim_skill the taxonomy's categories and aliases (``skills``: name, category, aliases)."""
    rows = [(s.name, s.category, list(s.aliases)) for s in skills]
    if not rows:
        return
    cur = _cursor(conn)
    execute_values(cur, f"""
        INSERT INTO {schema}.dim_skill AS k (name, category, aliases)
        SELECT v.name, v.category, v.aliases::text[] FROM (VALUES %s) AS v(name, category, aliases)
        ORDER BY v.name
        ON CONFLICT (name) DO UPDATE SET category = EXCLUDED.category, aliases = EXCLUDED.aliases
        WHERE (k.category, k.aliases) IS DISTINCT FROM (EXCLUDED.category, EXCLUDED.aliases)""",
                   rows, page_size=1000)


# -- bookkeeping ------------------------------------------------------------------------

def hold_load_lock(conn) -> None:
    """Taken by every incremental load: a rebuild's swap waits for loads in flight, not readers."""
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock_shared(%s)", (LOAD_LOCK,))


def claim_event(conn, event_id: str) -> bool:
    """Record an event as processed; False when it already was (a redelivery or a duplicate)."""
    cur = _cursor(conn)
    cur.execute("INSERT INTO etl.processed_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING RETURNING 1",
                (event_id,))
    return cur.fetchone() is not None


def bump_version(conn, *, event_at=None, watermark=None, events: int = 0, **stamps) -> int:
    """+1 on the warehouse version (last in a load's transaction: the state row is a hot spot)."""
    sets = ["version = version + 1", "loaded_at = now()", "events_applied = events_applied + %(events)s",
            "last_event_at = GREATEST(last_event_at, %(event_at)s)"]
    params = {"events": events, "event_at": event_at}
    if watermark is not None:
        sets.append("watermark = %(watermark)s")
        params["watermark"] = watermark
    for column in stamps:  # catchup_at / rebuilt_at
        sets.append(f"{column} = now()")
    cur = _cursor(conn)
    cur.execute(f"UPDATE etl.state SET {', '.join(sets)} WHERE id = 1 RETURNING version", params)
    return cur.fetchone()[0]


def set_state(conn, **values) -> None:
    """Update bookkeeping that is not a load (watermark, catch-up time, aggregates version)."""
    if not values:
        return
    cur = _cursor(conn)
    sets = ", ".join(f"{k} = now()" if v == "now" else f"{k} = %({k})s" for k, v in values.items())
    cur.execute(f"UPDATE etl.state SET {sets} WHERE id = 1", values)


def count_rejected(conn, n: int = 1) -> None:
    conn.exec_driver_sql("UPDATE etl.state SET events_rejected = events_rejected + %s WHERE id = 1", (n,))


def prune_processed_events(conn, keep_days: float) -> int:
    """Forget processed ids older than any plausible redelivery (versions still guard order)."""
    cur = _cursor(conn)
    cur.execute("DELETE FROM etl.processed_events WHERE processed_at < now() - make_interval(secs => %s)",
                (keep_days * 86400,))
    return cur.rowcount


def read_state(conn) -> dict:
    cur = _cursor(conn)
    cur.execute("SELECT version, watermark, loaded_at, last_event_at, catchup_at, rebuilt_at, aggregates_version, "
                "events_applied, events_rejected FROM etl.state WHERE id = 1")
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone()))


# -- subscriber snapshots -----------------------------------------------------------------

def _carry_forward(cur, schema: str, today: int) -> None:
    """Start today's snapshot from the latest earlier one, so a day's counts are complete."""
    cur.execute(f"""
        INSERT INTO {schema}.snapshot_skill_subscribers (date_key, skill, subscribers)
        SELECT %(today)s, skill, subscribers FROM {schema}.snapshot_skill_subscribers
        WHERE date_key = (SELECT max(date_key) FROM {schema}.snapshot_skill_subscribers WHERE date_key < %(today)s)
        ON CONFLICT DO NOTHING""", {"today": today})


def _skill_names(cur, schema: str, skills: list[str]) -> dict[str, str]:
    """Map users' spellings to canonical dim_skill names (case-insensitive, aliases too)."""
    cur.execute(f"""
        SELECT s.spelling, k.name FROM unnest(%s::text[]) AS s(spelling)
        JOIN {schema}.dim_skill k ON lower(k.name) = lower(s.spelling)
             OR lower(s.spelling) = ANY(SELECT lower(a) FROM unnest(k.aliases) a)""", (skills,))
    return dict(cur.fetchall())


def add_subscriber(conn, skill: str, delta: int, today: int, schema: str = LIVE) -> None:
    cur = _cursor(conn)
    _carry_forward(cur, schema, today)
    name = _skill_names(cur, schema, [skill]).get(skill, skill)
    cur.execute(f"""
        INSERT INTO {schema}.snapshot_skill_subscribers AS s (date_key, skill, subscribers)
        VALUES (%(today)s, %(skill)s, GREATEST(%(delta)s, 0))
        ON CONFLICT (date_key, skill) DO UPDATE
        SET subscribers = GREATEST(s.subscribers + %(delta)s, 0), taken_at = now()""",
                {"today": today, "skill": name, "delta": delta})


def replace_subscribers(conn, counts: dict[str, int], today: int, schema: str = LIVE) -> None:
    """Today's snapshot becomes exactly ``counts`` (the users service's own numbers)."""
    cur = _cursor(conn)
    names = _skill_names(cur, schema, list(counts))
    merged: dict[str, int] = {}
    for spelling, n in counts.items():
        name = names.get(spelling, spelling)
        merged[name] = merged.get(name, 0) + int(n)
    cur.execute(f"DELETE FROM {schema}.snapshot_skill_subscribers WHERE date_key = %s", (today,))
    if merged:
        execute_values(cur, f"INSERT INTO {schema}.snapshot_skill_subscribers (date_key, skill, subscribers) VALUES %s",
                       [(today, name, n) for name, n in sorted(merged.items())])
