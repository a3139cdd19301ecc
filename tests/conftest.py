"""Test environment: the real PostgreSQL, RabbitMQ and Redis on loopback, with databases,
a vhost and a Redis db of the suite's own, so a running Jobsight is never disturbed."""
import eventlet

eventlet.monkey_patch()  # as `nameko run` does; must come before anything imports sockets

import os  # noqa: E402
import secrets  # noqa: E402
from jobsight.ports import free_port  # noqa: E402


_PG = "postgresql://postgres:postgres@127.0.0.1:5432"
# Two suites can run side by side when each has its own prefix, vhost and Redis db.
_PREFIX = os.environ.get("JOBSIGHT_TEST_PREFIX", "jobsight_test")
_VHOST = os.environ.get("JOBSIGHT_TEST_VHOST", "jobsight_test")
_REDIS_DB = os.environ.get("JOBSIGHT_TEST_REDIS_DB", "15")
TEST_ENV = {
    "USERS_DB_URI": f"{_PG}/{_PREFIX}_users",
    "JOBS_DB_URI": f"{_PG}/{_PREFIX}_jobs",
    "WAREHOUSE_DB_URI": f"{_PG}/{_PREFIX}_warehouse",
    "COORDINATOR_DB_URI": f"{_PG}/{_PREFIX}_coordinator",
    "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{_VHOST}",
    "REDIS_URL": f"redis://127.0.0.1:6379/{_REDIS_DB}",
    "GATEWAY_PORT": str(free_port()),
    "RPC_TIMEOUT": "3",
    "COORDINATOR_RPC_TIMEOUT": "8",  # a two-phase commit makes several calls of its own
    "STATUS_TIMEOUT": "1",
    "JOBSIGHT_TOKEN_SECRET": secrets.token_urlsafe(48),  # a secret of the run's own: none is published
    "JOBSIGHT_OPERATOR_TOKEN": secrets.token_urlsafe(32),
    "LOG_LEVEL": "INFO",
    # The suite's systems keep their logs in files; tests that read shipped logs start a log
    # server of their own and point a system at it.
    "LOGS_SHIPPING": "false",
    "CACHE_NAMESPACE": f"{_PREFIX}-insights",  # the cache ring is shared with a running system
    "GATEWAY_SOCKET_TIMEOUT": "3",  # a half-sent request is dropped within seconds, not the default 10
    "GATEWAY_CORS_ORIGINS": "https://app.example.test",
    # Every test client is 127.0.0.1: the per-address throttles would count the whole suite as
    # one client (test_hostile_input sets its own limits where it tests them).
    "SIGN_UP_THROTTLE": "100000/hour",
    "LOGIN_THROTTLE_CLIENT": "100000/15 minutes",
}
TEST_ENV.update({
    # The suite's own demo boards, small, and sources run only when a test asks.
    "DEMO_SOURCES_ENABLED": "true",
    "DEMO_SOURCES_URL": f"http://127.0.0.1:{free_port()}",
    "DEMO_SOURCES_COUNT": "400",
    "SCRAPER_SCHEDULE": "false",
})
TEST_ENV["PUBLIC_WS_URL"] = f"ws://127.0.0.1:{TEST_ENV['GATEWAY_PORT']}/ws"
os.environ.update(TEST_ENV)

import pytest  # noqa: E402
import redis  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from jobsight import config as config_module  # noqa: E402
from jobsight.config import DEFAULT_PATH  # noqa: E402
from jobsight.migrate import DATABASES, upgrade_all  # noqa: E402


def pytest_collection_modifyitems(session, config, items):
    """The fault drills (tests/faults) run last: they stop RabbitMQ and restart PostgreSQL for
    every system on the machine, the suite's own included."""
    items.sort(key=lambda item: item.get_closest_marker("faults") is not None)


@pytest.fixture(scope="session")
def config():
    return config_module.load()


def _recreate(uri: str) -> None:
    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def databases(config):
    """Fresh test databases, built by the real migrations. Returns {name: uri}."""
    uris = {name: config_module.db_uri(config, name) for name in DATABASES}
    for name, uri in uris.items():
        _recreate(uri)
    upgrade_all(config)  # exactly what setup runs: migrations, then the taxonomy seed
    return uris


@pytest.fixture(scope="session")
def engines(databases):
    engines = {name: create_engine(uri) for name, uri in databases.items()}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def users_session(engines):
    session = sessionmaker(bind=engines["users"])()
    yield session
    session.close()


@pytest.fixture(scope="session")
def redis_client(config):
    client = redis.Redis.from_url(config["REDIS_URL"])
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def outbox(engines):
    """The events written to a database's outbox while the test runs:
    ``outbox("users") -> [(event_type, envelope), ...]`` in the order they were written."""
    def last_id(name):
        with engines[name].connect() as conn:
            return conn.execute(text("SELECT coalesce(max(id), 0) FROM outbox")).scalar()

    start = {name: last_id(name) for name in ("jobs", "users")}

    def read(name):
        with engines[name].connect() as conn:
            return [tuple(row) for row in conn.execute(text(
                "SELECT event_type, payload FROM outbox WHERE id > :start ORDER BY id"), {"start": start[name]})]

    return read


# -- a running Jobsight, for the end-to-end tests (tests/integration) and the browser tests (tests/web):
# defined once here, so one test session starts one system however many directories use it.

@pytest.fixture(scope="session")
def system(config, databases, redis_client, tmp_path_factory):
    """Every service started by the real runner against the suite's own databases, vhost and Redis db."""
    from jobsight.supervisor import Supervisor

    log_dir = tmp_path_factory.mktemp("logs")
    runner = Supervisor(config, DEFAULT_PATH, replicas=1, log_dir=log_dir, out=open(os.devnull, "w"))
    runner.start()
    try:
        runner.wait_healthy(90)
        yield runner
    finally:
        runner.stop()


@pytest.fixture(scope="session")
def gateway(system):
    return system.base_url


@pytest.fixture(scope="session")
def rpc(system, config):
    """nameko's cluster proxy on the suite's vhost, as an operator's `nameko shell` has it."""
    from nameko.standalone.rpc import ClusterRpcProxy

    with ClusterRpcProxy(config, timeout=120) as proxy:
        yield proxy
