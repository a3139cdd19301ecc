"""insights service: answers every insight question from the warehouse (owns no database)."""
from nameko.rpc import rpc
from nameko_sqlalchemy import Database

from jobsight import health, insights
from jobsight.db.warehouse import WarehouseBase
from jobsight.errors import JobsightError
from jobsight.logs import RequestContext


class InsightsService:
    name = "insights"

    warehouse = Database(WarehouseBase, engine_options={"pool_pre_ping": True})
    context = RequestContext()

    @rpc(expected_exceptions=JobsightError)
    def skills_by_demand(self, keywords):
        return insights.skills_by_demand(self.warehouse.session, keywords)

    @rpc(expected_exceptions=JobsightError)
    def average_experience(self, keywords):
        return insights.average_experience(self.warehouse.session, keywords)

    @rpc
    def skills_by_salary(self):
        return insights.skills_by_salary(self.warehouse.session)

    @rpc
    def average_job_salary(self):
        return insights.average_job_salary(self.warehouse.session)

    @rpc
    def all_skills_by_demand(self):
        return insights.all_skills_by_demand(self.warehouse.session)

    @rpc
    def health(self):
        return health.report(warehouse=lambda: health.check_database(self.warehouse.session))
