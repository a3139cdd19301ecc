"""insights service: answers every insight question from the warehouse (owns no database)."""
from nameko.rpc import rpc
from nameko_sqlalchemy import Database

from jobsight import health, insights
from jobsight.cache.provider import InsightCache
from jobsight.cache.version import current_version
from jobsight.db.warehouse import WarehouseBase
from jobsight.errors import JobsightError
from jobsight.logs import RequestContext
from jobsight.textmatch import normalize_keywords


class InsightsService:
    name = "insights"

    warehouse = Database(WarehouseBase, engine_options={"pool_pre_ping": True})
    context = RequestContext()
    cache = InsightCache()

    @rpc(expected_exceptions=JobsightError)
    def skills_by_demand(self, keywords):
        keywords = normalize_keywords(keywords)  # one cache key for every spelling of a query
        return self._cached(("skills_by_demand", keywords),
                            lambda: insights.skills_by_demand(self.warehouse.session, keywords))

    @rpc(expected_exceptions=JobsightError)
    def average_experience(self, keywords):
        keywords = normalize_keywords(keywords)
        return self._cached(("average_experience", keywords),
                            lambda: insights.average_experience(self.warehouse.session, keywords))

    @rpc
    def skills_by_salary(self):
        return self._cached(("skills_by_salary",), lambda: insights.skills_by_salary(self.warehouse.session))

    @rpc
    def average_job_salary(self):
        return self._cached(("average_job_salary",), lambda: insights.average_job_salary(self.warehouse.session))

    @rpc
    def all_skills_by_demand(self):
        return self._cached(("all_skills_by_demand",), lambda: insights.all_skills_by_demand(self.warehouse.session))

    @rpc
    def cache_stats(self):
        """Hits, misses, fallbacks and each cache node's state (``n.rpc.insights.cache_stats()``)."""
        return self.cache.stats()

    @rpc
    def health(self):
        return health.report(warehouse=lambda: health.check_database(self.warehouse.session))

    def _cached(self, key_parts, compute):
        # Keyed by the warehouse version read now: a load never serves the previous numbers.
        return self.cache.get_or_compute(key_parts, compute, current_version(self.warehouse.session))
