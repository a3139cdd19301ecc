"""scraper service: turns job sources into canonical jobs in jobs_db, announces every change,
and serves job search and exports over RPC."""
import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.rpc import rpc
from nameko.timer import timer
from nameko_sqlalchemy import Database
from sqlalchemy import func, select

from jobsight import health, ingest, runs, search, taxonomy
from jobsight.db.jobs import Job, JobSource, JobsBase, SourceRun
from jobsight.errors import Conflict, JobsightError, NotFound, ValidationError
from jobsight.logs import RequestContext
from jobsight.providers import SourceRuntimeProvider

log = logging.getLogger("jobsight.scraper")
SCHEDULER_TICK_SECONDS = 5


class ScraperService:
    name = "scraper"

    db = Database(JobsBase, engine_options={"pool_pre_ping": True})
    dispatch = EventDispatcher()
    runtime = SourceRuntimeProvider()
    config = Config()
    context = RequestContext()

    # -- ingestion ------------------------------------------------------------------------

    @timer(interval=SCHEDULER_TICK_SECONDS)
    def schedule(self):
        """Run every enabled source whose interval has passed (once across all instances)."""
        if not (self.config.get("SCRAPER") or {}).get("SCHEDULE_ENABLED", True):
            return
        for source in self.runtime.sources.values():
            if source.get("enabled") and self.runtime.due(source["name"], source["interval"]):
                self._run(source)

    @rpc(expected_exceptions=JobsightError)
    def run_source(self, name):
        """Run one source now: ``n.rpc.scraper.run_source("greenhouse-acme")`` in nameko shell."""
        return self._run(self.runtime.get(name), forced=True)

    def _run(self, source, forced=False):
        name = source["name"]
        if not self.runtime.start_running(name):
            if forced:
                raise Conflict(f"Source {name} is already running")
            return None
        try:
            stats = runs.run_source(
                source, self.runtime.fetcher(name), self.runtime.taxonomy(self.db.session),
                lambda: self.db.get_session(close_on_exit=True), self.dispatch, pause=lambda: eventlet.sleep(0))
        finally:
            self.runtime.stop_running(name)
        return stats.to_dict()

    # -- operators ------------------------------------------------------------------------

    @rpc
    def sources(self):
        """Every configured source with its circuit state, last run and stored postings."""
        session = self.db.session
        last_runs = {}
        latest = select(SourceRun.source_name, func.max(SourceRun.id).label("id")).group_by(SourceRun.source_name)
        for run in session.scalars(select(SourceRun).where(SourceRun.id.in_(select(latest.subquery().c.id)))):
            last_runs[run.source_name] = run
        counts = dict(session.execute(select(JobSource.source_name, func.count()).where(
            JobSource.closed_at.is_(None)).group_by(JobSource.source_name)).all())
        answer = []
        for name, source in sorted(self.runtime.sources.items()):
            run = last_runs.get(name)
            answer.append({
                "name": name, "kind": source["kind"], "enabled": bool(source.get("enabled")),
                "interval": source["interval"], "circuit": self.runtime.breaker_state(name),
                "running": self.runtime.running(name), "open_postings": counts.get(name, 0),
                "last_run": _run_dict(run) if run else None,
            })
        return answer

    @rpc(expected_exceptions=JobsightError)
    def source_runs(self, name, limit=20):
        self.runtime.get(name)
        if not isinstance(limit, int) or not 1 <= limit <= 500:
            raise ValidationError("limit must be an integer between 1 and 500")
        rows = self.db.session.scalars(select(SourceRun).where(SourceRun.source_name == name)
                                       .order_by(SourceRun.id.desc()).limit(limit))
        return [_run_dict(run) for run in rows]

    @rpc(expected_exceptions=JobsightError)
    def add_skill(self, name, category=None, aliases=None):
        """Track a new skill while running; postings fetched from now on are tagged with it."""
        name, aliases = taxonomy.validate_new_skill(name, category, aliases)
        created = taxonomy.add_skill(self.db.session, name, category, aliases)
        self.runtime.forget_taxonomy()
        return {"skill": name, "created": created}

    # -- jobs -----------------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def find_jobs(self, title):
        return search.find_jobs(self.db.session, title)

    @rpc(expected_exceptions=JobsightError)
    def get_job(self, job_id):
        if not isinstance(job_id, int) or isinstance(job_id, bool) or job_id <= 0:
            raise ValidationError("job_id must be a positive integer")
        job = ingest.JobStore(self.db.session).get(job_id)
        if job is None:
            raise NotFound("Job not found")
        return job

    @rpc
    def count_jobs(self):
        """Canonical jobs by status, for the warehouse's reconciliation check."""
        rows = self.db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        return {"open": 0, "closed": 0, **{status: n for status, n in rows}}

    @rpc(expected_exceptions=JobsightError)
    def export_jobs(self, after=None, limit=500):
        """Paged export for the warehouse's catch-up (docs/EVENTS.md)."""
        return ingest.JobStore(self.db.session).export(after, limit)

    # -- search (full text + typo-tolerant titles, filters, facets: jobsight/search.py) ----

    @rpc(expected_exceptions=JobsightError)
    def search_jobs(self, params):
        """``params`` as the gateway's query string: q, location, remote, salary_min, skills, since,
        company, source, sort, page, per_page (every one optional)."""
        query = search.parse_search_query(params, self.runtime.taxonomy(self.db.session))
        return search.search_jobs(self.db.session, query)

    # -- end of search ----------------------------------------------------------------------

    @rpc
    def health(self):
        return health.report(database=lambda: health.check_database(self.db.session))


def _run_dict(run: SourceRun) -> dict:
    return {"source": run.source_name, "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "fetched": run.fetched, "new": run.new, "updated": run.updated, "unchanged": run.unchanged,
            "closed": run.closed, "skipped": run.skipped, "errors": run.errors, "duration_ms": run.duration_ms,
            **{k: v for k, v in (run.details or {}).items()}}
