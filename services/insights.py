"""insights service: answers every insight question from the warehouse (owns no database)."""
from nameko.rpc import rpc

from jobsight import health
from jobsight.adapters.cache import InsightCache
from jobsight.adapters.context import RequestContext
from jobsight.adapters.database import UnitOfWork
from jobsight.adapters.metrics import MetricsEndpoint
from jobsight.adapters.units import WarehouseUnit
from jobsight.adapters.taxonomy import BundledTaxonomy
from jobsight.errors import JobsightError
from jobsight.insights import queries, questions
from jobsight.warehouse.version import current_version


class InsightsService:
    name = "insights"

    uow = UnitOfWork(WarehouseUnit)
    context = RequestContext()
    prometheus = MetricsEndpoint()  # this instance's metrics on METRICS_PORT
    taxonomy = BundledTaxonomy()  # compiled at start, not on the first request
    cache = InsightCache()

    # Every question: validated and keyed by jobsight.insights.questions.prepare (the gateway
    # answers hits with the same keys), computed through the cache. An unknown skill is a 400
    # (taxonomy); a known skill or keywords matching nothing answer an empty result with sample_size 0.

    @rpc(expected_exceptions=JobsightError)
    def skills_by_demand(self, keywords):
        return self._answer("skills_by_demand", keywords=keywords)

    @rpc(expected_exceptions=JobsightError)
    def average_experience(self, keywords):
        return self._answer("average_experience", keywords=keywords)

    @rpc
    def skills_by_salary(self):
        return self._answer("skills_by_salary")

    @rpc
    def average_job_salary(self):
        return self._answer("average_job_salary")

    @rpc
    def all_skills_by_demand(self):
        return self._answer("all_skills_by_demand")

    @rpc(expected_exceptions=JobsightError)
    def salary_percentiles(self, skill=None, title=None, location=None):
        return self._answer("salary_percentiles", skill=skill, title=title, location=location)

    @rpc(expected_exceptions=JobsightError)
    def skill_trend(self, skill, weeks=None):
        return self._answer("skill_trend", skill=skill, weeks=weeks)

    @rpc(expected_exceptions=JobsightError)
    def co_skills(self, keywords, limit=None):
        return self._answer("co_skills", keywords=keywords, limit=limit)

    @rpc(expected_exceptions=JobsightError)
    def experience_distribution(self, keywords=None):
        return self._answer("experience_distribution", keywords=keywords)

    @rpc(expected_exceptions=JobsightError)
    def remote_share(self, keywords=None):
        return self._answer("remote_share", keywords=keywords)

    @rpc(expected_exceptions=JobsightError)
    def top_companies(self, keywords=None, skill=None, limit=None):
        return self._answer("top_companies", keywords=keywords, skill=skill, limit=limit)

    @rpc
    def warehouse_version(self):
        """The cache-key form of the warehouse version (``"<db oid>.<version>.<aggregates>"``), or
        None: what a gateway asks when it has heard no ``warehouse_loaded`` event for a while."""
        return current_version(self.uow.session)

    @rpc
    def cache_stats(self):
        """Hits, misses, fallbacks and each cache node's state (``n.rpc.insights.cache_stats()``)."""
        return self.cache.stats()

    @rpc
    def health(self):
        return health.report(warehouse=lambda: health.check_database(self.uow.session))

    def _answer(self, question, **raw):
        arguments, key_parts = questions.prepare(question, **raw)
        # Keyed by the warehouse version read now: a load never serves the previous numbers.
        return self.cache.get_or_compute(
            key_parts, lambda: queries.answer(self.uow.session, question, arguments),
            current_version(self.uow.session))
