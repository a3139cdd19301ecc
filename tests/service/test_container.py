"""A fault after a request's work fails that request, never the service (real nameko container)."""
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook

from jobsight.adapters.container import ResilientContainer


class TeardownFails(DependencyProvider):
    """What a dropped database connection does at worker teardown: the rollback raises."""

    broken = True

    def worker_teardown(self, worker_ctx):
        if TeardownFails.broken:
            raise ConnectionError("server closed the connection unexpectedly")


class Service:
    name = "survivor"
    db = TeardownFails()

    @rpc
    def answer(self):
        return 42


def test_a_teardown_that_raises_fails_nothing_but_is_counted(config):
    container = ResilientContainer(Service, config)
    container.start()
    try:
        before = ResilientContainer.survived
        with entrypoint_hook(container, "answer") as answer:
            assert answer() == 42
            assert answer() == 42  # the container is still serving
        assert ResilientContainer.survived == before + 2
        assert not container._died.ready()
    finally:
        container.stop()


class DatabaseAway:
    name = "away"

    @rpc
    def write(self):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("INSERT ...", {}, Exception("terminating connection due to administrator command"))

    @rpc
    def throttle(self):
        import redis

        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    @rpc
    def bug(self):
        raise KeyError("a real bug")


def test_a_database_that_went_away_answers_service_unavailable_and_a_bug_stays_a_bug(config):
    from nameko.exceptions import RemoteError
    from nameko.standalone.rpc import ServiceRpcProxy

    from jobsight.errors import ServiceUnavailable

    container = ResilientContainer(DatabaseAway, config)
    container.start()
    try:
        with ServiceRpcProxy("away", config, timeout=10) as proxy:
            try:
                proxy.write()
            except ServiceUnavailable as exc:
                assert "database is unavailable" in exc.message
            else:
                raise AssertionError("no error")
            try:
                proxy.throttle()
            except ServiceUnavailable as exc:
                assert "Redis is unavailable" in exc.message
            else:
                raise AssertionError("no error")
            try:
                proxy.bug()
            except RemoteError as exc:
                assert exc.exc_type == "KeyError"
            else:
                raise AssertionError("no error")
        assert not container._died.ready()
    finally:
        container.stop()
