"""What an attacker who reads the repository, or sends unusual bytes, gets from the running
gateway: no way in with forged, expired, overlong or revoked tokens; a clear 4xx (never a 500,
never a tripped breaker) for NUL bytes, deep nesting, long URLs, other content types and
chunked bodies; half-sent requests dropped; security headers, CORS and the websocket's Origin."""
import json
import os
import socket
import time
import uuid

import jwt
import pytest
import websocket

pytestmark = pytest.mark.integration

SECRET = os.environ["JOBSIGHT_TOKEN_SECRET"]


def sign(**claims):
    now = int(time.time())
    return jwt.encode({"sub": "1", "iat": now, "exp": now + 600, "iss": "jobsight", "aud": "jobsight-api",
                       "jti": uuid.uuid4().hex, **claims}, SECRET, algorithm="HS256")


@pytest.fixture
def account(http, gateway):
    email = f"h-{uuid.uuid4().hex[:10]}@example.com"
    signed = http.post(f"{gateway}/sign-up", json={"name": "Hal", "email": email, "password": "correct horse"})
    assert signed.status_code == 201
    login = lambda: http.post(f"{gateway}/login", json={"email": email, "password": "correct horse"})  # noqa: E731
    return {"user_id": signed.json()["user_id"], "email": email, "login": login}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# -- tokens ---------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [
    jwt.encode({"sub": "1", "exp": 4102444800}, "change-me-in-production-jobsight-dev-secret", algorithm="HS256"),
    jwt.encode({"sub": "1", "exp": 4102444800}, "test-secret-that-is-long-enough-for-hs256", algorithm="HS256"),
])
def test_a_token_signed_with_a_published_secret_reads_nothing(http, gateway, token):
    response = http.get(f"{gateway}/notifications", headers=bearer(token))
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_well_signed_tokens_that_break_the_rules_are_refused(http, gateway, account):
    user = str(account["user_id"])
    assert http.get(f"{gateway}/notifications", headers=bearer(sign(sub=user))).status_code == 200  # the real rules
    for bad in (sign(sub=user, exp=4102444800),  # lives to 2100
                sign(sub=user, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),  # expired
                sign(sub=user, aud="another-api"), sign(sub=user, iss="someone")):
        assert http.get(f"{gateway}/notifications", headers=bearer(bad)).status_code == 401


def test_logout_revokes_that_token_everywhere_and_closes_its_websocket(http, gateway, account):
    first, second = account["login"]().json()["token"], account["login"]().json()["token"]
    login = account["login"]()
    assert login.headers["Cache-Control"] == "no-store"
    ws = websocket.create_connection(gateway.replace("http://", "ws://") + f"/ws?token={first}", timeout=10)
    try:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv())["type"] == "pong"
        out = http.post(f"{gateway}/logout", headers=bearer(first))
        assert out.status_code == 200 and out.json()["msg"] == "Logged out"
        assert http.get(f"{gateway}/notifications", headers=bearer(first)).status_code == 401
        assert http.post(f"{gateway}/logout", headers=bearer(first)).status_code == 401
        assert http.get(f"{gateway}/notifications", headers=bearer(second)).status_code == 200  # the other session
        deadline = time.monotonic() + 10
        closed = False
        while time.monotonic() < deadline and not closed:
            try:
                ws.settimeout(max(deadline - time.monotonic(), 0.1))
                closed = ws.recv() in ("", None)
            except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
                closed = True
            except websocket.WebSocketTimeoutException:
                break
        assert closed, "the websocket opened with the revoked token stayed open"
    finally:
        ws.close()


# -- bad bytes ------------------------------------------------------------------------------

NUL_QUERIES = ["/jobs?location=x%00y", "/jobs?source=%00", "/jobs?q=py%00thon", "/jobs?company=%00",
               "/insights/salary?title=dev%00", "/find-jobs?title=dev%00", "/insights/remote-share?keywords=%00a",
               "/generate-insight-skills-by-demand/py%00thon", "/jobs?q=%01%02", "/insights/skills/Py%00/trend"]
NUL_BODIES = [("/sign-up", {"name": "A\u0000", "email": "a@example.com", "password": "correct horse"}),
              ("/sign-up", {"name": "A", "email": "a\u0000@example.com", "password": "correct horse"}),
              ("/login", {"email": "a\u0000@example.com", "password": "correct horse"}),
              ("/login", {"email": "a@example.com", "password": "correct\u0000horse"})]


def test_control_characters_are_400_everywhere_and_never_trip_a_breaker(http, gateway, account, operator):
    token = account["login"]().json()["token"]
    for _ in range(2):  # more than BREAKER_FAIL_MAX failures in all, had they reached a service
        for path in NUL_QUERIES:
            response = http.get(gateway + path)
            assert response.status_code == 400, (path, response.status_code, response.text[:200])
            assert "control characters" in response.json()["msg"]
        for path, body in NUL_BODIES:
            response = http.post(gateway + path, json=body)
            assert response.status_code == 400 and "control characters" in response.json()["msg"], path
        response = http.post(f"{gateway}/subscriptions", json={"search": {"keywords": "go\u0000"}},
                             headers=bearer(token))
        assert response.status_code == 400
    assert http.get(f"{gateway}/jobs", params={"q": "python"}).status_code == 200
    circuits = http.get(f"{gateway}/status", timeout=10, headers=operator).json()["details"]["circuits"]
    assert circuits["scraper"] == "closed" and circuits["users"] == "closed" and circuits["insights"] == "closed"


def test_deep_nesting_long_urls_other_types_and_chunked_bodies(http, gateway, account):
    deep = b'{"email": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = http.post(f"{gateway}/login", data=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "nested too deep" in response.json()["msg"]

    for length in (10_000, 100_000):  # the app's own limit, and beyond what the HTTP server reads
        long = http.get(f"{gateway}/jobs", params={"q": "x" * length})
        assert long.status_code == 414 and long.json()["code"] == "uri_too_long", length

    plain = http.post(f"{gateway}/login", data=json.dumps({"email": account["email"], "password": "correct horse"}),
                      headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and plain.json()["code"] == "unsupported_media_type"

    def chunks():
        body = json.dumps({"email": account["email"], "password": "correct horse"}).encode()
        yield body[:10]
        yield body[10:]

    chunked = http.post(f"{gateway}/login", data=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 200 and chunked.json()["token"]  # read whole, not misread


def _raw(gateway: str) -> socket.socket:
    host, port = gateway.replace("http://", "").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


@pytest.mark.parametrize("partial", [
    b"GET /jobs HTTP/1.1\r\nHost: x\r\nX-Half: ",  # headers never finished
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"em",
])
def test_a_half_sent_request_is_dropped_within_the_socket_timeout(gateway, config, partial):
    timeout = float(config["GATEWAY"]["LIMITS"]["SOCKET_TIMEOUT"])
    sock = _raw(gateway)
    started = time.monotonic()
    try:
        sock.sendall(partial)
        while sock.recv(4096):  # whatever the server answers, it then closes the connection
            pass
        took = time.monotonic() - started
    finally:
        sock.close()
    assert took < timeout + 5, f"held for {took:.1f}s (SOCKET_TIMEOUT {timeout:g}s)"


# -- headers and policies -------------------------------------------------------------------

def test_security_headers_on_json_and_on_the_app(http, gateway):
    for path in ("/jobs?q=python", "/no-such-route", "/"):
        response = http.get(gateway + path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "") or path == "/", path
    assert http.get(f"{gateway}/").headers.get("Content-Security-Policy")  # the app's own policy


def test_only_configured_origins_may_call_from_a_browser(http, gateway, config, account):
    allowed = config["GATEWAY"]["CORS_ORIGINS"].split(",")[0]
    asks = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = http.options(f"{gateway}/login", headers={"Origin": allowed, **asks})
    assert ok.status_code == 204 and ok.headers["Access-Control-Allow-Origin"] == allowed
    evil = http.options(f"{gateway}/login", headers={"Origin": "https://evil.example", **asks})
    assert evil.status_code == 403 and "Access-Control-Allow-Origin" not in evil.headers
    body = {"email": account["email"], "password": "correct horse"}
    assert http.post(f"{gateway}/login", json=body, headers={"Origin": "https://evil.example"}).status_code == 403
    assert http.post(f"{gateway}/login", json=body, headers={"Origin": allowed}).status_code == 200
    own = gateway.replace("127.0.0.1", "127.0.0.1")  # the web app's own origin
    assert http.post(f"{gateway}/login", json=body, headers={"Origin": own}).status_code == 200

    token = account["login"]().json()["token"]
    url = gateway.replace("http://", "ws://") + f"/ws?token={token}"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, timeout=10, origin="https://evil.example")
    assert refused.value.status_code == 403
    websocket.create_connection(url, timeout=10, origin=own).close()


def test_an_idle_websocket_outlives_the_request_read_timeout(http, gateway, config, account):
    token = account["login"]().json()["token"]
    ws = websocket.create_connection(gateway.replace("http://", "ws://") + f"/ws?token={token}", timeout=15)
    try:
        time.sleep(float(config["GATEWAY"]["LIMITS"]["SOCKET_TIMEOUT"]) + 2)  # silent past the read timeout
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv())["type"] == "pong"
    finally:
        ws.close()


@pytest.mark.parametrize("path", ["/generate-insight-skills-by-demand/%C2%BC", "/generate-insight-average-experience/%C4%9D",
                                  "/insights/co-skills?keywords=%C2%BC", "/find-jobs?title=%C2%BC", "/jobs?q=%C2%BC"])
def test_keywords_without_a_single_term_answer_without_a_server_error(http, gateway, path):
    # "¼" or a lone letter: no word to match. Found by Schemathesis: the SQL of an empty match was empty.
    response = http.get(gateway + path)
    assert response.status_code < 500, response.text[:300]
    assert response.headers["Content-Type"] == "application/json"


def test_an_abandoned_request_is_cancelled_not_left_running(http, gateway, system, account, operator):
    from tests.integration.conftest import paused, wait_for

    user, token = account["user_id"], account["login"]().json()["token"]
    path = f"/get-subscriptions/{user}"

    def cancelled() -> float:
        body = http.get(f"{gateway}/metrics", headers=operator).text
        series = f'jobsight_http_requests_total{{method="GET",route="/get-subscriptions/<user_id>",status="499"}}'
        line = next((line for line in body.splitlines() if line.startswith(series + " ")), None)
        return float(line.rsplit(" ", 1)[1]) if line else 0.0

    before = cancelled()
    with paused(system, "users"):  # the call would wait for its whole deadline
        sock = _raw(gateway)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
        time.sleep(0.3)
        sock.close()  # the client gives up
        started = time.monotonic()
        # Cancelled within about a second, well before the 3 s deadline would have ended it.
        assert wait_for(lambda: cancelled() > before, 2.5, interval=0.2), "the abandoned request kept running"
        assert time.monotonic() - started < 2.5
