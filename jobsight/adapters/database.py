"""``UnitOfWork(JobsUnit)``: nameko-sqlalchemy's ``Database`` provider, injecting a unit of
work instead of a bare session. The engine is built in ``setup()``; the worker's sessions are
closed (rolled back if uncommitted) at worker teardown."""
from __future__ import annotations

from nameko_sqlalchemy import Database
from sqlalchemy.exc import InterfaceError, OperationalError

# What a lost or refused database connection raises: worth retrying later, unlike a bad row.
DATABASE_AWAY = (OperationalError, InterfaceError)


def with_statement_timeout(engine_options: dict, config: dict, service: str) -> dict:
    """``engine_options`` with PostgreSQL's ``statement_timeout`` for ``service`` from the
    config's ``DB_STATEMENT_TIMEOUT_MS`` map (0 or absent: no limit). Set per connection at
    connect, so every statement of every session is bounded, the pool's pings included."""
    milliseconds = int((config.get("DB_STATEMENT_TIMEOUT_MS") or {}).get(service) or 0)
    if milliseconds <= 0:
        return dict(engine_options)
    connect_args = dict(engine_options.get("connect_args") or {})
    connect_args["options"] = f"{connect_args.get('options', '')} -c statement_timeout={milliseconds}".strip()
    return {**engine_options, "connect_args": connect_args}


class UnitOfWork(Database):
    def __init__(self, unit_class, **engine_options):
        super().__init__(unit_class.base, engine_options={"pool_pre_ping": True, **engine_options})
        self.unit_class = unit_class

    def setup(self):
        self.engine_options = with_statement_timeout(self.engine_options, self.container.config,
                                                     self.container.service_name)
        super().setup()
        from jobsight.adapters.outbox import OutboxRelay

        # A commit that wrote outbox rows wakes the service's relay, so its events leave at once.
        relays = [d for d in self.container.dependencies if isinstance(d, OutboxRelay)]
        self._on_events = relays[0].wake if relays else None

    def get_dependency(self, worker_ctx):
        db = super().get_dependency(worker_ctx)
        return self.unit_class(lambda: db.session, lambda: db.get_session(), on_events=self._on_events)
