"""Nameko wiring of the warehouse: the dependency providers the etl service declares.

``WarehouseStore`` builds the engine in ``setup()`` and injects a ``Warehouse``;
``EventBacklog`` reports how many events wait in etl's queues (the lag in events);
``configured_timer`` is nameko's ``@timer`` with its interval read from the ``ETL`` config section.
"""
from __future__ import annotations

import logging

from kombu import Connection
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from sqlalchemy import create_engine

from jobsight.adapters.database import with_statement_timeout
from jobsight.config import db_uri
from jobsight.normalize.skills import Taxonomy
from jobsight.warehouse.store import Settings, Warehouse

log = logging.getLogger(__name__)


def etl_settings(config: dict) -> dict:
    return config.get("ETL", {}) or {}


class WarehouseStore(DependencyProvider):
    def setup(self):
        config = self.container.config
        etl = etl_settings(config)
        workers = int(config.get("max_workers", 10))
        options = with_statement_timeout({"pool_pre_ping": True, "pool_size": workers + 2, "max_overflow": 4},
                                         config, self.container.service_name)
        self.engine = create_engine(db_uri(config, "warehouse"), **options)
        settings = Settings(
            base_currency=str(etl.get("BASE_CURRENCY", "EUR")),
            salary_min=float(etl.get("SALARY_MIN", Settings.salary_min)),
            salary_max=float(etl.get("SALARY_MAX", Settings.salary_max)),
            processed_events_days=float(etl.get("PROCESSED_EVENTS_DAYS", Settings.processed_events_days)),
        )
        self.warehouse = Warehouse(self.engine, settings, Taxonomy.load().skills)

    def stop(self):
        self.engine.dispose()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.warehouse


class _Backlog:
    def __init__(self, amqp_uri: str, queues: list[str]):
        self._uri = amqp_uri
        self._queues = queues

    def waiting(self) -> int | None:
        """Messages ready in the service's event queues; None when the broker cannot say."""
        try:
            with Connection(self._uri, connect_timeout=2) as conn:
                channel = conn.channel()
                total = 0
                for queue in self._queues:
                    try:
                        total += channel.queue_declare(queue=queue, passive=True).message_count
                    except Exception:  # not declared yet: nothing waits in it
                        channel = conn.channel()
                return total
        except Exception as exc:
            log.warning("could not read the event backlog: %s", type(exc).__name__)
            return None


class EventBacklog(DependencyProvider):
    def setup(self):
        handlers = [e for e in self.container.entrypoints if isinstance(e, EventHandler)]
        queues = [f"evt-{h.source_service}-{h.event_type}--{self.container.service_name}.{h.method_name}"
                  for h in handlers]
        self.backlog = _Backlog(self.container.config["AMQP_URI"], queues)

    def get_dependency(self, worker_ctx):
        return self.backlog


class ConfiguredTimer(Timer):
    """``@configured_timer("CATCHUP_SECONDS", default=60)``: interval from config ETL."""

    def __init__(self, key: str, default: float, eager: bool = False, **kwargs):
        self.key = key
        super().__init__(interval=default, eager=eager, **kwargs)

    def setup(self):
        self.interval = float(etl_settings(self.container.config).get(self.key, self.interval))
        super().setup()


configured_timer = ConfiguredTimer.decorator
