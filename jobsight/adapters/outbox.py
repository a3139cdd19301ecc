"""``OutboxRelay(JobsBase)``: publishes the service's outbox (``jobsight.outbox``) from a
background green thread in every instance, with publisher confirms.

A commit that wrote events wakes the relay at once (the unit of work tells it), so events
leave within milliseconds; otherwise it looks every ``OUTBOX.POLL_SECONDS``, and after a broker
failure it backs off up to ``OUTBOX.MAX_BACKOFF_SECONDS``. Nothing it meets kills the service:
a managed thread that raised would stop the whole container.
"""
from __future__ import annotations

import logging
import threading

import eventlet
from nameko.amqp.publish import Publisher
from nameko.constants import HEADER_PREFIX
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider
from nameko_sqlalchemy.database import DB_URIS_KEY
from sqlalchemy import create_engine

from jobsight import metrics
from jobsight.logs import REQUEST_ID_KEY
from jobsight.outbox import BATCH, Relay

log = logging.getLogger("jobsight.outbox")
# A publish against a dead broker gives up quickly: the row stays and the relay retries.
_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


class OutboxRelay(DependencyProvider):
    def __init__(self, declarative_base):
        self.declarative_base = declarative_base
        self._wake = threading.Event()
        self._stopping = False

    def setup(self):
        config = self.container.config
        settings = config.get("OUTBOX", {}) or {}
        self.poll = float(settings.get("POLL_SECONDS", 1.0))
        self.max_backoff = float(settings.get("MAX_BACKOFF_SECONDS", 5.0))
        uri = config[DB_URIS_KEY][f"{self.container.service_name}:{self.declarative_base.__name__}"]
        self.engine = create_engine(uri, pool_pre_ping=True, pool_size=2, max_overflow=2)
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.publisher = Publisher(config["AMQP_URI"], use_confirms=True, declare=[self.exchange],
                                   retry=True, retry_policy=_RETRY_POLICY)
        self.relay = Relay(self.engine, self._publish, int(settings.get("BATCH", BATCH)))
        metrics.report("outbox", lambda: metrics.outbox_families(self.status()))

    def _publish(self, event_type: str, payload: dict, request_id: str | None) -> None:
        headers = {f"{HEADER_PREFIX}.{REQUEST_ID_KEY}": request_id} if request_id else {}
        self.publisher.publish(payload, exchange=self.exchange, routing_key=event_type, headers=headers)

    def start(self):
        self._stopping = False
        self.container.spawn_managed_thread(self._run, identifier="outbox-relay")

    def stop(self):
        self._stopping = True
        self._wake.set()
        self.engine.dispose()

    kill = stop

    def wake(self) -> None:
        """Events were committed: publish them now."""
        self._wake.set()

    def _run(self):
        backoff = 0.0
        while not self._stopping:
            self._wake.clear()
            try:
                published = self.relay.relay_once()
                backoff = 0.0
            except Exception as exc:  # broker or database away: keep the rows, try again later
                backoff = min(max(backoff * 2, 0.25), self.max_backoff)
                log.warning("outbox relay could not publish (%s); retrying in %.2fs", type(exc).__name__, backoff,
                            extra={"error": type(exc).__name__, "backoff_s": backoff})
                eventlet.sleep(backoff)
                continue
            if published < self.relay.batch:
                self._wake.wait(self.poll)

    def status(self) -> dict:
        """What waits and what was sent: ``/status`` and metrics show it."""
        try:
            backlog = self.relay.backlog().as_dict()
        except Exception as exc:
            backlog = {"error": type(exc).__name__}
        return {**backlog, **self.relay.stats()}

    def get_dependency(self, worker_ctx):
        return self
