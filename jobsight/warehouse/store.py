"""The warehouse as the etl service sees it: one method per kind of load, each one transaction.

Framework-free (the nameko wiring is in ``adapters``): an engine in, plain results out.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from psycopg2 import errors as pg_errors
from sqlalchemy.exc import DBAPIError

from jobsight.warehouse import aggregates, load, quality, rebuild as rebuilding
from jobsight.warehouse.version import read_version
from jobsight.warehouse.records import BadPayload, date_key, newest_per_job, occurred_at, stage_row

log = logging.getLogger(__name__)

_RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


@dataclass
class LoadResult:
    """What one load did. ``version`` is set when it changed the warehouse (else None)."""

    version: int | None = None
    applied: list[int] = field(default_factory=list)
    duplicate: bool = False
    rejected: int = 0


@dataclass(frozen=True)
class Settings:
    base_currency: str = "EUR"
    salary_min: float = quality.SALARY_MIN
    salary_max: float = quality.SALARY_MAX
    processed_events_days: float = 7.0


def _retrying(work, attempts: int = 5):
    """Run a transaction again when PostgreSQL chose it as a deadlock or serialization victim."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            if not isinstance(exc.orig, _RETRYABLE) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _today() -> int:
    return date_key(datetime.now(timezone.utc).date())


class Warehouse:
    def __init__(self, engine, settings: Settings | None = None, skills=()):
        self.engine = engine
        self.settings = settings or Settings()
        self.skills = tuple(skills)

    # -- incremental loads ------------------------------------------------------------------

    def apply_job_event(self, envelope: dict, row: tuple) -> LoadResult:
        """Load one job event exactly once; an older version than the stored one changes nothing."""
        def work():
            with self.engine.begin() as conn:
                load.hold_load_lock(conn)
                if not load.claim_event(conn, envelope["event_id"]):
                    return LoadResult(duplicate=True)
                applied = load.load_jobs(conn, [row])
                result = LoadResult(applied=applied)
                if applied:
                    self._scoped_checks(conn, applied)
                    result.version = load.bump_version(conn, event_at=occurred_at(envelope), events=1)
                return result
        return _retrying(work)

    def apply_subscription_event(self, envelope: dict, skill: str, delta: int) -> LoadResult:
        def work():
            with self.engine.begin() as conn:
                load.hold_load_lock(conn)
                if not load.claim_event(conn, envelope["event_id"]):
                    return LoadResult(duplicate=True)
                load.add_subscriber(conn, skill, delta, _today())
                return LoadResult(version=load.bump_version(conn, event_at=occurred_at(envelope), events=1))
        return _retrying(work)

    def reject_event(self) -> None:
        with self.engine.begin() as conn:
            load.count_rejected(conn)

    def load_page(self, jobs: list, watermark: str | None) -> LoadResult:
        """Load one page of exported jobs and move the watermark past it, in one transaction."""
        rows, rejected = [], 0
        for job in jobs:
            try:
                rows.append(stage_row(job))
            except BadPayload as exc:
                rejected += 1
                log.warning("catch-up skipped a job: %s", exc.message,
                            extra={"job_id": job.get("job_id") if isinstance(job, dict) else None})
        rows = newest_per_job(rows)

        def work():
            with self.engine.begin() as conn:
                load.hold_load_lock(conn)
                applied = load.load_jobs(conn, rows)
                result = LoadResult(applied=applied, rejected=rejected)
                if rejected:
                    load.count_rejected(conn, rejected)
                if applied:
                    self._scoped_checks(conn, applied)
                    result.version = load.bump_version(conn, watermark=watermark)
                elif watermark is not None:
                    load.set_state(conn, watermark=watermark)
                return result
        return _retrying(work)

    def replace_subscribers(self, counts: dict) -> LoadResult:
        def work():
            with self.engine.begin() as conn:
                load.hold_load_lock(conn)
                load.replace_subscribers(conn, counts, _today())
                return LoadResult(version=load.bump_version(conn))
        return _retrying(work)

    def _scoped_checks(self, conn, job_ids) -> None:
        s = self.settings
        quality.record(conn, quality.run_checks(conn, load.LIVE, job_ids=job_ids, salary_min=s.salary_min,
                                                salary_max=s.salary_max, base_currency=s.base_currency),
                       scoped=True)

    # -- after a catch-up -------------------------------------------------------------------

    def sync_skills(self) -> None:
        with self.engine.begin() as conn:
            load.hold_load_lock(conn)
            load.sync_skills(conn, self.skills)

    def refresh_aggregates(self) -> int | None:
        """Recompute the aggregate tables if loads happened since; returns the version they reflect."""
        with self.engine.begin() as conn:
            load.hold_load_lock(conn)
            state = load.read_state(conn)
            if state["aggregates_version"] >= state["version"]:
                return None
            aggregates.refresh(conn, load.LIVE, self.settings.base_currency)
            load.set_state(conn, aggregates_version=state["version"])
            return state["version"]

    def check_quality(self, source_counts: dict | None = None) -> list:
        s = self.settings
        with self.engine.begin() as conn:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            results = quality.run_checks(conn, load.LIVE, source_counts=source_counts, salary_min=s.salary_min,
                                         salary_max=s.salary_max, base_currency=s.base_currency)
        with self.engine.begin() as conn:
            return quality.record(conn, results)

    def finish_catch_up(self) -> None:
        with self.engine.begin() as conn:
            load.set_state(conn, catchup_at="now")
            load.prune_processed_events(conn, self.settings.processed_events_days)

    def watermark(self) -> str | None:
        with self.engine.connect() as conn:
            return load.read_state(conn)["watermark"]

    @contextmanager
    def extract_lock(self):
        """Held by a catch-up or a rebuild for its whole run: yields False if another holds it."""
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            got = conn.exec_driver_sql("SELECT pg_try_advisory_lock(%s)", (load.EXTRACT_LOCK,)).scalar()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (load.EXTRACT_LOCK,))

    # -- rebuild ------------------------------------------------------------------------------

    def rebuild(self, pages) -> rebuilding.RebuildResult:
        s = self.settings
        return rebuilding.rebuild(self.engine, pages, self.skills, salary_bounds=(s.salary_min, s.salary_max),
                                  base_currency=s.base_currency)

    def version(self):
        """The warehouse version now (``jobsight.warehouse.version``), or None before migrations."""
        with self.engine.connect() as conn:
            return read_version(conn)

    def ping(self) -> str:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return "ok"

    # -- status -------------------------------------------------------------------------------

    def status(self, events_behind: int | None = None) -> dict:
        with self.engine.begin() as conn:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            state = load.read_state(conn)
            cur = conn.connection.cursor()
            cur.execute(f"SELECT status, count(*) FROM {load.LIVE}.fact_job GROUP BY status")
            jobs = dict(cur.fetchall())
            cur.execute(f"SELECT max(updated_at) FROM {load.LIVE}.fact_job")
            source_updated_at = cur.fetchone()[0]
            rows = {}
            for table in ("fact_job", "bridge_job_skill", "dim_title", "dim_company", "dim_location", "dim_skill",
                          "dim_date", "snapshot_skill_subscribers", "agg_skill_demand_daily", "agg_skill_salary",
                          *(agg.table for agg in aggregates.MAINTAINED)):
                cur.execute(f"SELECT count(*) FROM {load.LIVE}.{table}")
                rows[table] = cur.fetchone()[0]
            checks = quality.read(conn)
            now = datetime.now(timezone.utc)
        def iso(value):
            return value.isoformat() if value else None

        seconds_behind = None
        if events_behind is not None:
            # The age of the events being loaded now: how far behind the sources the warehouse is.
            last = state["last_event_at"]
            seconds_behind = 0.0 if events_behind == 0 or last is None else round((now - last).total_seconds(), 1)

        return {
            "version": state["version"],
            # Where the next catch-up resumes (null: from the start), and the newest source
            # change the warehouse holds.
            "watermark": {"cursor": state["watermark"], "source_updated_at": iso(source_updated_at)},
            "loaded_at": iso(state["loaded_at"]),
            "last_catch_up_at": iso(state["catchup_at"]),
            "rebuilt_at": iso(state["rebuilt_at"]),
            "aggregates_version": state["aggregates_version"],
            "lag": {"events": events_behind, "seconds": seconds_behind},
            "jobs": {"open": jobs.get("open", 0), "closed": jobs.get("closed", 0)},
            "rows": rows,
            "events": {"applied": state["events_applied"], "rejected": state["events_rejected"]},
            "quality": {"ok": all(c["ok"] for c in checks.values()),
                        "failures": sum(c["failures"] for c in checks.values()), "checks": checks},
        }
