"""Full rebuild: fill a fresh schema from a complete extract, then swap it in atomically.

1. ``warehouse_next`` is cloned from the live schema's tables (so the migrations stay the one
   definition of the schema), without the fact and bridge indexes.
2. Every exported job is staged with COPY, then dimensions, facts and bridge rows are filled
   with a few set-based statements; indexes and constraints are built afterwards, then the
   aggregates, the quality checks and ANALYZE.
3. The swap takes the load lock exclusively (incremental loads wait; readers do not), merges
   what incremental loads changed in the live schema meanwhile (the version guard keeps the
   newer side), brings over the subscriber snapshots (history no source can give back) and
   renames the two schemas in one transaction. A query already running finishes on the old
   tables; the next one resolves ``warehouse.*`` to the new ones.
4. The old schema is dropped afterwards, waiting politely for the last readers of it.
"""
from __future__ import annotations

import io
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

import psycopg2.extensions
from sqlalchemy import text

from jobsight.warehouse import aggregates, load, quality
from jobsight.warehouse.records import BadPayload, STAGE_COLUMNS, stage_row

log = logging.getLogger(__name__)

OLD_PREFIX = "warehouse_old_"
_DEFERRED_INDEX_TABLES = ("fact_job", "bridge_job_skill")  # indexed after the bulk insert
_STAGE_BATCH = 10_000
# Incremental loads that began this long before the rebuild still get merged at the swap.
_MERGE_MARGIN = timedelta(minutes=5)


@dataclass
class RebuildResult:
    version: int = 0
    jobs: int = 0
    rejected: int = 0
    merged: int = 0
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)
    watermark: str | None = None

    def as_dict(self) -> dict:
        return {"version": self.version, "jobs": self.jobs, "rejected": self.rejected, "merged": self.merged,
                "seconds": round(self.seconds, 3),
                "jobs_per_second": round(self.jobs / self.seconds) if self.seconds else None,
                "phases": {k: round(v, 3) for k, v in self.phases.items()},
                "checks": [c.as_dict() for c in self.checks], "watermark": self.watermark}


# -- schema clone -------------------------------------------------------------------------

def _tables(cur, schema: str) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,))
    return [r[0] for r in cur.fetchall()]


def _index_ddl(cur, live: str, target: str, table: str) -> list[str]:
    """Primary keys, unique constraints and plain indexes of a live table, aimed at ``target``."""
    cur.execute("""
        SELECT con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relname = %s AND con.contype IN ('p', 'u') ORDER BY con.conname""",
                (live, table))
    ddl = [f'ALTER TABLE {target}.{table} ADD CONSTRAINT "{name}" {definition}' for name, definition in cur.fetchall()]
    cur.execute("""
        SELECT i.indexdef FROM pg_indexes i
        WHERE i.schemaname = %s AND i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
                          WHERE n.nspname = i.schemaname AND con.conname = i.indexname)
        ORDER BY i.indexname""", (live, table))
    for (indexdef,) in cur.fetchall():
        ddl.append(indexdef.replace(f" ON {live}.", f" ON {target}.", 1))
    return ddl


def clone_schema(conn, live: str = load.LIVE, target: str = load.NEXT) -> list[str]:
    """Create ``target`` with the live schema's tables; returns the index DDL still to run."""
    cur = conn.connection.cursor()
    cur.execute(f"DROP SCHEMA IF EXISTS {target} CASCADE")
    cur.execute(f"CREATE SCHEMA {target}")
    deferred = []
    for table in _tables(cur, live):
        cur.execute(f"CREATE TABLE {target}.{table} (LIKE {live}.{table} INCLUDING DEFAULTS INCLUDING IDENTITY "
                    f"INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)")
        ddl = _index_ddl(cur, live, target, table)
        if table in _DEFERRED_INDEX_TABLES:
            deferred.extend(ddl)
        else:
            for statement in ddl:
                cur.execute(statement)
    cur.execute(load.stage_ddl(f"{target}.stage_job"))
    return deferred


# -- the rebuild ----------------------------------------------------------------------------

_STAGE_NAMES = tuple(name for name, _ in STAGE_COLUMNS)


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:  # rare: skip the work otherwise
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_field(value) -> str:
    kind = value.__class__
    if kind is str:
        return _escape(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is list:
        return _escape("{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}")
    return repr(value) if kind is float else str(value)


def copy_text(rows: list[dict]) -> str:
    """Staging rows in PostgreSQL's COPY text format."""
    names = _STAGE_NAMES
    return "".join(["\t".join([_copy_field(row[name]) for name in names]) + "\n" for row in rows])


@contextmanager
def _blocking():
    """psycopg2 refuses COPY while eventlet's wait callback is installed (as under nameko run).
    Lift it for one COPY: the process blocks for that long (a fraction of a second per
    batch) and no other green thread runs meanwhile, so none can notice."""
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        yield
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def _stage_pages(engine, pages: Iterable[dict], target: str, result: RebuildResult) -> tuple[dict, bool]:
    """COPY every exported job into the stage (committed); returns the source's counts by
    status, and whether each job was staged once (a job changed mid-export comes twice)."""
    dsn = engine.url.render_as_string(hide_password=False)
    with _blocking():
        raw = psycopg2.connect(dsn)  # a plain blocking connection: only used inside _blocking()
    statuses: dict[int, tuple[int, str]] = {}  # job id -> (version, status), newest wins
    batch: list[dict] = []
    staged = 0
    columns = ", ".join(_STAGE_NAMES)

    def flush():
        nonlocal staged
        staged += len(batch)
        if batch:
            data = io.StringIO(copy_text(batch))
            with _blocking():
                raw.cursor().copy_expert(f"COPY {target}.stage_job ({columns}) FROM STDIN", data)
            batch.clear()

    try:
        for page in pages:
            for job in page.get("jobs") or []:
                try:
                    row = stage_row(job)
                except BadPayload as exc:
                    result.rejected += 1
                    log.warning("rebuild skipped a job: %s", exc.message,
                                extra={"job_id": job.get("job_id") if isinstance(job, dict) else None})
                    continue
                batch.append(row)
                known = statuses.get(row["job_id"])
                if known is None or row["source_version"] > known[0]:
                    statuses[row["job_id"]] = (row["source_version"], row["status"])
                if len(batch) >= _STAGE_BATCH:
                    flush()
            if page.get("next"):
                result.watermark = page["next"]
        flush()
        with _blocking():
            raw.commit()
    finally:
        with _blocking():
            raw.close()
    counts: dict[str, int] = {}
    for _, status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    return counts, staged == len(statuses)


def build(engine, pages: Iterable[dict], skills=(), *, live: str = load.LIVE, target: str = load.NEXT,
          salary_bounds=(quality.SALARY_MIN, quality.SALARY_MAX), base_currency: str = "EUR",
          result: RebuildResult | None = None) -> RebuildResult:
    """Fill ``target`` from ``pages`` (``{"jobs": [...], "next": cursor}``); nothing live changes."""
    result = result or RebuildResult()
    clock = time.monotonic()

    def phase(name):
        nonlocal clock
        now = time.monotonic()
        result.phases[name] = result.phases.get(name, 0.0) + now - clock
        clock = now

    with engine.begin() as conn:
        deferred = clone_schema(conn, live, target)
        phase("clone")
    source_counts, unique = _stage_pages(engine, pages, target, result)
    phase("extract_and_stage")
    with engine.begin() as conn:
        stage = f"{target}.stage_job"
        load.sync_skills(conn, skills, target)
        load.load_dimensions(conn, target, stage)
        phase("dimensions")
        result.jobs = load.insert_facts_bulk(conn, target, stage, unique=unique)
        phase("facts")
        cur = conn.connection.cursor()
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in deferred:
            cur.execute(statement)
        phase("indexes")
        aggregates.refresh(conn, target, base_currency)
        phase("aggregates")
        cur.execute(f"TRUNCATE {stage}")
        result.checks = quality.run_checks(conn, target, source_counts=source_counts,
                                           salary_min=salary_bounds[0], salary_max=salary_bounds[1],
                                           base_currency=base_currency)
        phase("checks")
    with engine.connect() as conn:  # ANALYZE may not run in a transaction block with others
        conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in _tables(conn.connection.cursor(), target):
            conn.exec_driver_sql(f"ANALYZE {target}.{table}")
        phase("analyze")
    return result


def swap(engine, started_at: datetime, *, live: str = load.LIVE, target: str = load.NEXT,
         watermark: str | None = None, result: RebuildResult | None = None) -> RebuildResult:
    """Merge late incremental changes into ``target`` and make it the live schema."""
    result = result or RebuildResult()
    clock = time.monotonic()
    old = f"{OLD_PREFIX}{int(time.time())}"
    with engine.begin() as conn:
        cur = conn.connection.cursor()
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (load.LOAD_LOCK,))
        stage = f"{target}.stage_job"
        names = ", ".join(name for name, _ in STAGE_COLUMNS)
        cur.execute(f"""
            INSERT INTO {stage} ({names})
            SELECT f.job_id, f.source_version, f.status, f.title, c.name, c.name_key,
                   l.location, l.city, l.region, l.country, l.natural_key,
                   f.workplace, f.remote, f.seniority, f.employment_type,
                   f.annual_min, f.annual_max, f.annual_currency, f.experience_years,
                   f.date_posted, f.first_seen, f.last_seen, f.closed_at, f.updated_at, f.n_sources,
                   coalesce((SELECT array_agg(k.name ORDER BY k.name) FROM {live}.bridge_job_skill b
                             JOIN {live}.dim_skill k ON k.skill_key = b.skill_key WHERE b.job_id = f.job_id),
                            '{{}}')
            FROM {live}.fact_job f
            JOIN {live}.dim_company c ON c.company_key = f.company_key
            LEFT JOIN {live}.dim_location l ON l.location_key = f.location_key
            LEFT JOIN {target}.fact_job n ON n.job_id = f.job_id
            WHERE f.loaded_at >= %(since)s AND (n.job_id IS NULL OR n.source_version < f.source_version)""",
                    {"since": started_at - _MERGE_MARGIN})
        if cur.rowcount:
            load.load_dimensions(conn, target, stage)
            result.merged = len(load.upsert_facts(conn, target, stage))
        cur.execute(f"DROP TABLE {stage}")
        cur.execute(f"INSERT INTO {target}.snapshot_skill_subscribers SELECT * FROM {live}.snapshot_skill_subscribers "
                    "ON CONFLICT DO NOTHING")
        cur.execute(f"ALTER SCHEMA {live} RENAME TO {old}")
        cur.execute(f"ALTER SCHEMA {target} RENAME TO {live}")
        result.version = load.bump_version(conn, watermark=watermark, rebuilt_at=True)
        if not result.merged:
            load.set_state(conn, aggregates_version=result.version)
        result.watermark = watermark
    result.phases["swap"] = time.monotonic() - clock
    drop_old_schemas(engine)
    return result


def drop_old_schemas(engine, attempts: int = 30, lock_timeout_ms: int = 2000) -> bool:
    """Drop swapped-out schemas; a reader still on them delays this, never the other way round."""
    with engine.connect() as conn:
        olds = [r[0] for r in conn.execute(text(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": OLD_PREFIX + "%"})]
    for schema in olds:
        for attempt in range(attempts):
            try:
                with engine.begin() as conn:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
                    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                break
            except Exception as exc:  # lock timeout: someone still reads the old copy
                log.info("old warehouse schema %s still in use (%s); retrying", schema, type(exc).__name__)
                time.sleep(0.2)
        else:
            log.warning("could not drop %s yet; the next rebuild will", schema)
            return False
    return True


def rebuild(engine, pages: Iterable[dict], skills=(), **options) -> RebuildResult:
    """Build into ``warehouse_next`` and swap it in. The caller holds the extract lock."""
    started_at = datetime.now(timezone.utc)
    clock = time.monotonic()
    result = RebuildResult()
    swap_options = {k: options.pop(k) for k in ("live", "target") if k in options}
    build(engine, pages, skills, result=result, **swap_options, **options)
    quality_conn_checks = result.checks
    swap(engine, started_at, watermark=result.watermark, result=result, **swap_options)
    with engine.begin() as conn:
        quality.record(conn, quality_conn_checks)
    result.seconds = time.monotonic() - clock
    return result
