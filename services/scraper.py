"""scraper service: turns job sources into canonical jobs in jobs_db, announces every change,
and serves job search and exports over RPC."""
import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import timer

from jobsight import health, metrics, search, taxonomy, validate
from jobsight.adapters.context import RequestContext
from jobsight.adapters.database import UnitOfWork
from jobsight.adapters.metrics import MetricsEndpoint
from jobsight.adapters.outbox import OutboxRelay
from jobsight.adapters import participant as two_phase  # a module: `nameko run` takes every class here for a service
from jobsight.adapters.scraper import ScraperStateProvider
from jobsight.adapters.taxonomy import BundledTaxonomy
from jobsight.adapters.units import JobsUnit
from jobsight.coordination import operations
from jobsight.db.jobs import JobsBase
from jobsight.errors import Conflict, JobsightError, NotFound
from jobsight.ingestion import pipeline, retag

log = logging.getLogger("jobsight.scraper")
SCHEDULER_TICK_SECONDS = 5


class ScraperService(two_phase.TransactionParticipant):
    name = "scraper"
    participant = operations.SCRAPER

    uow = UnitOfWork(JobsUnit)
    relay = OutboxRelay(JobsBase)  # publishes the job events each batch writes to the outbox
    state = ScraperStateProvider()
    taxonomy = BundledTaxonomy()  # compiled at start, not on the first request
    config = Config()
    context = RequestContext()
    prometheus = MetricsEndpoint()  # this instance's metrics on METRICS_PORT

    # -- ingestion ------------------------------------------------------------------------

    @timer(interval=SCHEDULER_TICK_SECONDS)
    def schedule(self):
        """Run every enabled source whose interval has passed (once across all instances)."""
        if not (self.config.get("SCRAPER") or {}).get("SCHEDULE_ENABLED", True):
            return
        self.state.use_database(self.uow.session)
        for source in self.state.sources.values():
            if source.get("enabled") and self.state.due(source["name"], source["interval"]):
                self._run(source)

    @rpc(expected_exceptions=JobsightError)
    def run_source(self, name):
        """Run one source now: ``n.rpc.scraper.run_source("greenhouse-acme")`` in nameko shell."""
        return self._run(self.state.get(name), forced=True)

    def _run(self, source, forced=False):
        name = source["name"]
        self.state.use_database(self.uow.session)
        if not self.state.start_running(name):
            if forced:
                raise Conflict(f"Source {name} is already running")
            return None
        try:
            # Each batch commits in a unit of its own, its events with it (jobsight.ingestion).
            stats = pipeline.run_source(source, self.state.fetcher(name), self.state.taxonomy(self.uow.session),
                                        self.uow.another, pause=lambda: eventlet.sleep(0))
        finally:
            self.state.stop_running(name)
        figures = stats.to_dict()
        metrics.source_run(figures)
        return figures

    # -- operators ------------------------------------------------------------------------

    @rpc
    def sources(self):
        """Every configured source with its circuit state, last run and stored postings."""
        last_runs = self.uow.runs.latest_per_source()
        counts = self.uow.jobs.open_postings_per_source()
        return [{
            "name": name, "kind": source["kind"], "enabled": bool(source.get("enabled")),
            "interval": source["interval"], "circuit": self.state.breaker_state(name),
            "running": self.state.running(name), "open_postings": counts.get(name, 0),
            "last_run": last_runs.get(name),
        } for name, source in sorted(self.state.sources.items())]

    @rpc(expected_exceptions=JobsightError)
    def source_runs(self, name, limit=20):
        self.state.get(name)
        return self.uow.runs.recent(name, validate.integer(limit, "limit", 1, 500))

    @rpc(expected_exceptions=JobsightError)
    def add_skill(self, name, category=None, aliases=None):
        """Track a new skill while running; postings fetched from now on are tagged with it."""
        name, aliases = taxonomy.validate_new_skill(name, category, aliases)
        created = taxonomy.add_skill(self.uow.session, name, category, aliases)
        self.uow.commit()
        self.state.forget_taxonomy()
        return {"skill": name, "created": created}

    @rpc(expected_exceptions=JobsightError)
    def skill_for(self, name):
        """The canonical skill a subscriber means (``{"skill", "known": True}``: "golang" → "Go"),
        or the name to track (``"known": False`` with its aliases); a 400 when it cannot be a skill."""
        found = self.state.taxonomy(self.uow.session).canonical(name) if isinstance(name, str) else None
        if found is not None:
            return {"skill": found, "known": True}
        name, aliases = taxonomy.proposed_skill(name)
        self.state.forget_taxonomy()  # it may have been tracked moments ago by another instance
        found = self.state.taxonomy(self.uow.session).canonical(name)
        if found is not None:
            return {"skill": found, "known": True}
        return {"skill": name, "known": False, "aliases": aliases}

    @rpc(expected_exceptions=JobsightError)
    def retag_skill(self, skill, aliases=(), after_id=0, remove=False):
        """Saga step: one batch of open jobs gets ``skill`` where they mention it (``remove``: loses
        it again), each announced as job_updated. ``{"changed", "tagged": [ids], "next": id or None}``."""
        batch = retag.retag(self.uow, skill, list(aliases), validate.integer(after_id, "after_id", 0),
                            remove=bool(remove))
        self.uow.commit()
        self.state.forget_taxonomy()
        return batch

    @rpc(expected_exceptions=JobsightError)
    def untrack_skill(self, skill):
        """Saga compensation: stop tracking a skill users asked for."""
        removed = taxonomy.untrack_requested(self.uow.session, skill)
        self.uow.commit()
        self.state.forget_taxonomy()
        return {"skill": skill, "removed": removed}

    @rpc
    def skills(self):
        """Every skill the taxonomy tracks (name, category, field of work, aliases), by name: the web
        app's type-ahead."""
        known = self.state.taxonomy(self.uow.session)
        return [{"name": skill.name, "category": skill.category, "area": skill.area, "aliases": list(skill.aliases)}
                for skill in sorted(known.skills, key=lambda skill: skill.name.lower())]

    @rpc(expected_exceptions=JobsightError)
    def get_jobs(self, job_ids):
        """Whole jobs in the event shape, for a saga's backfill."""
        ids = validate.id_list(job_ids, "job", 500)
        return [payload.to_dict() for payload in self.uow.jobs.payloads(ids)]

    # -- jobs -----------------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def find_jobs(self, title):
        return search.find_jobs(self.uow.session, title)

    @rpc(expected_exceptions=JobsightError)
    def get_job(self, job_id):
        job = self.uow.jobs.get(validate.positive_id(job_id, "job_id"))
        if job is None:
            raise NotFound("Job not found")
        return job

    @rpc
    def count_jobs(self):
        """Canonical jobs by status, for the warehouse's reconciliation check."""
        return self.uow.jobs.count_by_status()

    @rpc(expected_exceptions=JobsightError)
    def export_jobs(self, after=None, limit=500):
        """Paged export for the warehouse's catch-up (docs/EVENTS.md)."""
        return self.uow.jobs.export(after, limit)

    @rpc(expected_exceptions=JobsightError)
    def search_jobs(self, params):
        """``params`` as the gateway's query string: q, location, remote, salary_min, skills, since,
        company, source, sort, page, per_page (every one optional; jobsight/search.py)."""
        query = search.parse_search_query(params, self.state.taxonomy(self.uow.session))
        return search.search_jobs(self.uow.session, query)

    @rpc
    def health(self):
        return {**health.report(database=lambda: health.check_database(self.uow.session)),
                "outbox": self.relay.status()}
