"""PostgreSQL itself enforces a service's statement timeout on the engine its unit of work
builds (the real server; the maintenance database, so no test database is touched)."""
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from jobsight.adapters.database import UnitOfWork
from jobsight.adapters.units import UsersUnit

pytestmark = pytest.mark.integration


class Container:
    service_name = "users"
    dependencies = ()

    def __init__(self, config):
        self.config = config


@pytest.fixture
def engine(config):
    uri = config["DATABASES"]["users"].rsplit("/", 1)[0] + "/postgres"
    container = Container({**config, "DB_URIS": {"users:UsersBase": uri}, "DB_STATEMENT_TIMEOUT_MS": {"users": 300}})
    provider = UnitOfWork(UsersUnit).bind(container, "uow")
    provider.setup()
    yield provider.engine
    provider.engine.dispose()


def test_a_statement_past_the_service_timeout_is_cancelled_by_the_server(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "300ms"
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            conn.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 2
