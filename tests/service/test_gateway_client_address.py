"""The gateway's liveness route and the client address login throttling keys on, with nameko's
worker_factory (RPC proxies are mocks)."""
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway import GatewayService

SESSION = {"token": "t", "user_id": 1, "expires_at": "2030-01-01T00:00:00Z"}


def login_request(peer: str, forwarded_for: str | None = None) -> Request:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return Request(EnvironBuilder(path="/login", method="POST", json={"email": "a@example.com", "password": "x" * 10},
                                  headers=headers, environ_base={"REMOTE_ADDR": peer}).get_environ())


def gateway(trusted=None):
    service = worker_factory(GatewayService, config={"GATEWAY": {"TRUSTED_PROXIES": trusted}})
    service.users.login.return_value = SESSION
    return service


def test_liveness_asks_no_service():
    service = gateway()
    assert service.health_live(Request(EnvironBuilder(path="/health/live").get_environ())) == (200, {"status": "ok"})
    for backend in ("users", "scraper", "insights", "etl", "coordinator"):
        assert not getattr(service, backend).mock_calls


def test_behind_a_trusted_proxy_logins_are_throttled_per_forwarded_client():
    service = gateway("127.0.0.1")
    service.login(login_request("127.0.0.1", "10.9.9.9, 203.0.113.9"))
    service.users.login.assert_called_once_with("a@example.com", "x" * 10, "203.0.113.9")


def test_a_forwarded_header_from_anyone_else_is_ignored():
    service = gateway("127.0.0.1")
    service.login(login_request("198.51.100.4", "203.0.113.9"))
    service.users.login.assert_called_once_with("a@example.com", "x" * 10, "198.51.100.4")


def test_with_no_trusted_proxy_the_peer_is_the_client():
    service = gateway()
    service.login(login_request("127.0.0.1", "203.0.113.9"))
    service.users.login.assert_called_once_with("a@example.com", "x" * 10, "127.0.0.1")
