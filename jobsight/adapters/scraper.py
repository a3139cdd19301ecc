"""The scraper's state provider: sources, fetchers, taxonomy cache and run locks
(``jobsight.ingestion.state.ScraperState``), built once per process."""
from __future__ import annotations

from jobsight.adapters.redis import RedisProvider
from jobsight.ingestion.state import ScraperState
from jobsight.sources.settings import configured_sources


class ScraperStateProvider(RedisProvider):
    def setup(self):
        super().setup()
        self.state = ScraperState(configured_sources(self.container.config), self.client)

    def stop(self):
        self.state.close()
        super().stop()

    def get_dependency(self, worker_ctx):
        return self.state
