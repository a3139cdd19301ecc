"""nameko wiring of the insight cache: built from config.yml's ``CACHE`` section in ``setup()``,
closed in ``stop()``; workers get the narrow ``get_or_compute`` / ``stats`` object."""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from jobsight.cache import store


class InsightCache(DependencyProvider):
    def setup(self):
        self.cache = store.from_config(self.container.config, namespace="insights")

    def stop(self):
        self.cache.close()

    def kill(self):
        self.cache.close()

    def get_dependency(self, worker_ctx):
        return self.cache
