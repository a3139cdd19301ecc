"""scraper service: turns job sources into canonical jobs in jobs_db and serves job search."""
from nameko.rpc import rpc
from nameko_sqlalchemy import Database

from jobsight import health, search
from jobsight.db.jobs import JobsBase
from jobsight.errors import JobsightError
from jobsight.logs import RequestContext


class ScraperService:
    name = "scraper"

    db = Database(JobsBase, engine_options={"pool_pre_ping": True})
    context = RequestContext()

    @rpc(expected_exceptions=JobsightError)
    def find_jobs(self, title):
        return search.find_jobs(self.db.session, title)

    @rpc
    def health(self):
        return health.report(database=lambda: health.check_database(self.db.session))
