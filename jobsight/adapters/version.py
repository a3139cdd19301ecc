"""The gateway's view of the warehouse version, so it can answer cached insights without
reading warehouse_db (which insights and etl own).

Every ``warehouse_loaded`` event (a broadcast: each gateway instance hears each one) carries the
new version's cache key. Events can be missed (a gateway that was restarting, a broker outage),
so a view older than ``GATEWAY.WAREHOUSE_VERSION_TTL`` seconds is refreshed by asking insights.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from nameko.extensions import DependencyProvider

from jobsight.warehouse.version import WarehouseVersion

log = logging.getLogger(__name__)
DEFAULT_TTL = 2.0


class KnownVersion:
    def __init__(self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._version: WarehouseVersion | None = None
        self._confirmed = float("-inf")
        self._asking = False
        self.events = self.asked = self.ask_failures = 0

    def heard(self, key) -> None:
        """A ``warehouse_loaded`` event: keep the newest version of the same warehouse (events
        from several etl instances can arrive out of order); a new warehouse replaces it."""
        version = WarehouseVersion.from_key(key)
        if version is None:
            return
        self.events += 1
        current = self._version
        if current is None or current.database != version.database or version > current:
            self._version = version
        self._confirmed = self._clock()

    def current(self, ask: Callable[[], str | None]) -> str | None:
        """The cache-key form of the version; ``ask()`` (insights' answer) when the view is stale.
        None when neither is known: the caller then lets insights answer."""
        if self._clock() - self._confirmed > self.ttl and not self._asking:
            self._asking = True  # one refresh at a time; the others use the view meanwhile
            try:
                self.asked += 1
                answered = WarehouseVersion.from_key(ask())
                self._version, self._confirmed = answered, self._clock()
            except Exception as exc:
                self.ask_failures += 1
                log.warning("could not ask for the warehouse version: %s", type(exc).__name__)
                self._version = None  # unconfirmed: do not answer from the cache on it
            finally:
                self._asking = False
        return self._version.key if self._version else None

    def stats(self) -> dict:
        return {"version": self._version.key if self._version else None, "events": self.events,
                "asked": self.asked, "ask_failures": self.ask_failures, "ttl_seconds": self.ttl}


class WarehouseVersionView(DependencyProvider):
    def setup(self):
        settings = self.container.config.get("GATEWAY", {}) or {}
        self.view = KnownVersion(float(settings.get("WAREHOUSE_VERSION_TTL", DEFAULT_TTL)))

    def get_dependency(self, worker_ctx):
        return self.view
