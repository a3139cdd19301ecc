"""nameko wiring of the insight cache: built from config.yml's ``CACHE`` section in ``setup()``,
closed in ``stop()``; workers get the narrow ``get_or_compute`` / ``stats`` object."""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from jobsight import metrics
from jobsight.cache import store


class InsightCache(DependencyProvider):
    def setup(self):
        self.cache = store.from_config(self.container.config)
        metrics.report("cache", lambda: metrics.cache_families(self.cache.stats()))

    def stop(self):
        metrics.forget("cache")
        self.cache.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.cache
