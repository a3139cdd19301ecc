"""etl service: keeps warehouse_db current from the scraper's and users' events, catches up by
watermark through the owners' export RPCs, rebuilds with an atomic swap, reports its status."""
import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, EventDispatcher, event_handler
from nameko.rpc import rpc

from jobsight import health, metrics
from jobsight.adapters.context import RequestContext
from jobsight.adapters.database import DATABASE_AWAY
from jobsight.adapters.metrics import MetricsEndpoint
from jobsight.adapters.redis import IntervalLock
from jobsight.adapters.rpc import ServiceRpc, breaker_reports
from jobsight.adapters.warehouse import EventBacklog, WarehouseStore, configured_timer, etl_settings
from jobsight.errors import Conflict, JobsightError
from jobsight.events import envelope
from jobsight.warehouse import catchup, records
from jobsight.warehouse.records import BadPayload

log = logging.getLogger(__name__)

DEFAULT_CATCHUP_SECONDS = 60
DEFAULT_PAGE_SIZE = 500
DEFAULT_REBUILD_PAGE_SIZE = 5000
DEFAULT_EXPORT_TIMEOUT = 60
DEFAULT_METRICS_SECONDS = 15


def _on(source: str, event_type: str):
    # requeue_on_error: an event whose load failed because the warehouse was away goes back to
    # the queue and is loaded once it returns (loads are idempotent by event id); nameko would
    # otherwise ack it, and only the next timed catch-up would bring the change in.
    return event_handler(source, event_type, handler_type=SERVICE_POOL, reliable_delivery=True,
                         requeue_on_error=True)


class EtlService:
    name = "etl"

    warehouse = WarehouseStore()
    scraper = ServiceRpc("scraper")
    users = ServiceRpc("users")
    lock = IntervalLock()
    backlog = EventBacklog()
    dispatch = EventDispatcher()
    config = Config()
    context = RequestContext()
    prometheus = MetricsEndpoint()  # this instance's metrics on METRICS_PORT

    # -- events -------------------------------------------------------------------------

    @_on("scraper", "job_posted")
    def on_job_posted(self, payload):
        self._load_job_event("job_posted", payload)

    @_on("scraper", "job_updated")
    def on_job_updated(self, payload):
        self._load_job_event("job_updated", payload)

    @_on("scraper", "job_closed")
    def on_job_closed(self, payload):
        self._load_job_event("job_closed", payload)

    @_on("users", "subscription_added")
    def on_subscription_added(self, payload):
        self._load_subscription_event("subscription_added", payload, +1)

    @_on("users", "subscription_removed")
    def on_subscription_removed(self, payload):
        self._load_subscription_event("subscription_removed", payload, -1)

    def _load_job_event(self, event_type, payload):
        try:
            event, row = records.job_event(payload)
        except BadPayload as exc:
            return self._reject(event_type, payload, exc)
        self._apply(event_type, event, lambda: self.warehouse.apply_job_event(event, row))

    def _load_subscription_event(self, event_type, payload, delta):
        try:
            event, _, skill = records.subscription_event(payload)
        except BadPayload as exc:
            return self._reject(event_type, payload, exc)
        self._apply(event_type, event, lambda: self.warehouse.apply_subscription_event(event, skill, delta))

    def _apply(self, event_type, event, load):
        try:
            result = load()
        except DATABASE_AWAY:
            raise  # back to the queue: loaded once the warehouse answers again
        except Exception:
            # Anything else would fail the same way on every redelivery: logged, and left to
            # the catch-up by watermark, which reads the job from its owner.
            log.exception("could not load %s event %s", event_type, event.get("event_id"),
                          extra={"event_type": event_type, "event_id": event.get("event_id")})
            return
        self._loaded(result)

    def _reject(self, event_type, payload, exc):
        # Returning (not raising) acks the message: a bad payload never blocks the queue.
        event_id = payload.get("event_id") if isinstance(payload, dict) else None
        log.warning("rejected %s event %s: %s", event_type, event_id, exc.message,
                    extra={"event_type": event_type, "event_id": event_id, "reason": exc.message})
        self.warehouse.reject_event()

    def _loaded(self, result):
        if result.version is not None:
            self._announce_version()

    def _announce_version(self):
        """``warehouse_loaded`` with the version's cache key: the gateways answer cached insights
        under it (``data.version`` is the load counter, ``data.key`` the whole version)."""
        try:
            version = self.warehouse.version()
            if version is not None:
                self.dispatch("warehouse_loaded", envelope({"version": version.loads, "key": version.key}))
        except Exception as exc:  # a hint, not a fact to keep: the gateways ask insights after a TTL
            log.warning("could not announce the warehouse version: %s", type(exc).__name__)

    # -- catch-up -------------------------------------------------------------------------

    @configured_timer("CATCHUP_SECONDS", DEFAULT_CATCHUP_SECONDS, eager=True)
    def catch_up_on_timer(self):
        interval = float(self._settings.get("CATCHUP_SECONDS", DEFAULT_CATCHUP_SECONDS))
        if self.lock.once_per("catch_up", interval):
            self._catch_up()

    @rpc(expected_exceptions=JobsightError)
    def catch_up(self):
        """Operator: ``n.rpc.etl.catch_up()`` extracts everything changed since the watermark now."""
        return self._catch_up()

    def _catch_up(self) -> dict:
        with self.warehouse.extract_lock() as held:
            if not held:
                return {"skipped": "another catch-up or rebuild is running"}
            summary = catchup.catch_up(
                self.warehouse, self._exporter.export_jobs,
                subscriber_counts=lambda: self._optional(self.users, "subscribers_per_skill"),
                source_counts=lambda: self._optional(self.scraper, "count_jobs"),
                caught_up=lambda: self.backlog.waiting() == 0, loaded=self._loaded,
                page_size=int(self._settings.get("PAGE_SIZE", DEFAULT_PAGE_SIZE)))
        if "aggregates_version" in summary:
            self._announce_version()  # refreshed aggregates are a new version for the cache
        return summary

    def _optional(self, service, method):
        """An export the owning service may not offer (yet): None instead of failing the catch-up."""
        try:
            return getattr(service, method)()
        except Exception as exc:
            log.warning("%s unavailable for the catch-up: %s", method, type(exc).__name__)
            return None

    # -- rebuild and status ------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def rebuild(self):
        """Operator: ``n.rpc.etl.rebuild()`` rebuilds into a fresh schema and swaps it in."""
        with self.warehouse.extract_lock() as held:
            if not held:
                raise Conflict("A catch-up or rebuild is already running; try again shortly")
            result = self.warehouse.rebuild(self._export_pages())
        self._loaded(result)
        log.info("rebuilt the warehouse: %s jobs in %.1fs", result.jobs, result.seconds,
                 extra={"jobs": result.jobs, "seconds": result.seconds, "version": result.version})
        return result.as_dict()

    def _export_pages(self):
        """Every exported job, page by page, fetching the next page while this one loads."""
        page_size = int(self._settings.get("REBUILD_PAGE_SIZE", DEFAULT_REBUILD_PAGE_SIZE))
        fetch = self._exporter.export_jobs
        pending = eventlet.spawn(fetch, after=None, limit=page_size)
        while pending is not None:
            page = pending.wait()
            pending = eventlet.spawn(fetch, after=page["next"], limit=page_size) if page["next"] else None
            yield page

    @rpc
    def status(self):
        """``n.rpc.etl.status()``: version, watermark, lag, row counts and quality checks."""
        return self.warehouse.status(events_behind=self.backlog.waiting())

    @configured_timer("METRICS_SECONDS", DEFAULT_METRICS_SECONDS, eager=True)
    def report_metrics(self):
        """This instance's warehouse gauges (version, lag, quality) for its metrics."""
        metrics.warehouse(self.warehouse.status(events_behind=self.backlog.waiting()))

    @rpc
    def breakers(self):
        """Operators: ``n.rpc.etl.breakers()`` — this instance's circuit breakers to the scraper
        and users (state, failures, settings); each instance answers for itself alone."""
        return breaker_reports(self, ("scraper", "users"))

    @rpc
    def health(self):
        return health.report(warehouse=self.warehouse.ping)

    @property
    def _settings(self):
        return etl_settings(self.config)

    @property
    def _exporter(self):
        """The scraper with the (longer) deadline of an export page."""
        return self.scraper.with_timeout(float(self._settings.get("EXPORT_TIMEOUT", DEFAULT_EXPORT_TIMEOUT)))
