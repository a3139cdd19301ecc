"""coordinator service: two-phase commits across users_db and jobs_db, and long-running sagas
(owns coordinator_db)."""
from nameko.rpc import rpc
from nameko_sqlalchemy import Database

from jobsight import health
from jobsight.db.coordinator import CoordinatorBase
from jobsight.logs import RequestContext


class CoordinatorService:
    name = "coordinator"

    db = Database(CoordinatorBase, engine_options={"pool_pre_ping": True})
    context = RequestContext()

    @rpc
    def health(self):
        return health.report(database=lambda: health.check_database(self.db.session))
