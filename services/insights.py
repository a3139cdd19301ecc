"""insights service: answers every insight question from the warehouse (owns no database)."""
from datetime import datetime, timezone

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

    # -- extended insights (GET /insights/...): validate, then compute through the cache ----
    # An unknown skill is a 400 (taxonomy); a known skill or keywords matching nothing answer
    # an empty result with sample_size 0.

    @rpc(expected_exceptions=JobsightError)
    def salary_percentiles(self, skill=None, title=None, location=None):
        filters = insights.salary_filters(skill, title, location)
        return self._cached(("salary_percentiles", filters),
                            lambda: insights.salary_percentiles(self.warehouse.session, **filters))

    @rpc(expected_exceptions=JobsightError)
    def skill_trend(self, skill, weeks=None):
        skill = insights.skill_name(skill)
        weeks = insights.bounded_int(weeks, "weeks", insights.DEFAULT_WEEKS, 1, insights.MAX_WEEKS)
        today = datetime.now(timezone.utc).date()  # part of the key: a new week is a new answer
        return self._cached(("skill_trend", skill, weeks, insights.week_start(today).isoformat()),
                            lambda: insights.skill_trend(self.warehouse.session, skill, weeks, today))

    @rpc(expected_exceptions=JobsightError)
    def co_skills(self, keywords, limit=None):
        keywords = normalize_keywords(keywords)
        limit = insights.bounded_int(limit, "limit", insights.DEFAULT_CO_SKILLS, 1, insights.MAX_LIMIT)
        return self._cached(("co_skills", keywords, limit),
                            lambda: insights.co_skills(self.warehouse.session, keywords, limit))

    @rpc(expected_exceptions=JobsightError)
    def experience_distribution(self, keywords=None):
        keywords = insights.optional_keywords(keywords)
        return self._cached(("experience_distribution", keywords),
                            lambda: insights.experience_distribution(self.warehouse.session, keywords))

    @rpc(expected_exceptions=JobsightError)
    def remote_share(self, keywords=None):
        keywords = insights.optional_keywords(keywords)
        return self._cached(("remote_share", keywords),
                            lambda: insights.remote_share(self.warehouse.session, keywords))

    @rpc(expected_exceptions=JobsightError)
    def top_companies(self, keywords=None, skill=None, limit=None):
        keywords = insights.optional_keywords(keywords)
        skill = None if skill is None else insights.skill_name(skill)
        limit = insights.bounded_int(limit, "limit", insights.DEFAULT_COMPANIES, 1, insights.MAX_LIMIT)
        return self._cached(("top_companies", keywords, skill, limit),
                            lambda: insights.top_companies(self.warehouse.session, keywords, skill, limit))

    # -- end of extended insights ------------------------------------------------------------

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
