"""coordinator service: two-phase commits across users_db and jobs_db, and long-running sagas
(owns coordinator_db)."""
from nameko.rpc import rpc

from jobsight import health
from jobsight.adapters.context import RequestContext
from jobsight.adapters.database import UnitOfWork
from jobsight.adapters.units import CoordinatorUnit


class CoordinatorService:
    name = "coordinator"

    uow = UnitOfWork(CoordinatorUnit)
    context = RequestContext()

    @rpc
    def health(self):
        return health.report(database=lambda: health.check_database(self.uow.session))
