"""``UnitOfWork(JobsUnit)``: nameko-sqlalchemy's ``Database`` provider, injecting a unit of
work instead of a bare session. The engine is built in ``setup()``; the worker's sessions are
closed (rolled back if uncommitted) at worker teardown."""
from __future__ import annotations

from nameko_sqlalchemy import Database
from sqlalchemy.exc import InterfaceError, OperationalError

# What a lost or refused database connection raises: worth retrying later, unlike a bad row.
DATABASE_AWAY = (OperationalError, InterfaceError)


class UnitOfWork(Database):
    def __init__(self, unit_class, **engine_options):
        super().__init__(unit_class.base, engine_options={"pool_pre_ping": True, **engine_options})
        self.unit_class = unit_class

    def get_dependency(self, worker_ctx):
        db = super().get_dependency(worker_ctx)
        return self.unit_class(lambda: db.session, lambda: db.get_session())
