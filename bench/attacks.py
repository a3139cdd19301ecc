"""What an attacker gets from a running Jobsight, attack by attack: forged and stretched tokens,
NUL bytes, deep JSON, half-sent requests, abandoned requests, floods of connections, password
guessing and sign-up floods, cross-origin writes, probing of operator routes and of which
emails are registered. One row per attack with the answer it gets and how long that took.

It starts a sandboxed Jobsight with the shipped limits (config.yml's GATEWAY.LIMITS and
AUTH.THROTTLE, unchanged), so nothing it throttles touches the system `make run` started.

    python bench/attacks.py
"""
import json
import os
import secrets
import socket
import statistics
import sys
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

import jwt
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobsight.chaos import trickle, wait_for  # noqa: E402
from jobsight.sandbox import Sandbox  # noqa: E402

SECRET, OPERATOR = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
PUBLISHED = "change-me-in-production-jobsight-dev-secret"  # the secret config.yml once shipped
ROWS: list[tuple[str, str, str]] = []


def row(attack: str, answer: str, took: float | None = None) -> None:
    ROWS.append((attack, answer, "" if took is None else f"{took * 1000:.0f} ms"))
    print(f"  {attack}: {answer}", flush=True)


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def answer(response: requests.Response) -> str:
    try:
        code = response.json().get("code", "")
    except ValueError:
        code = "not JSON"
    return f"{response.status_code} {code}".strip()


def raw_exchange(port: int, data: bytes, wait: float = 30.0, source: str = "127.0.0.1") -> tuple[bytes, float]:
    """Send ``data`` and read until the server closes: what came back and after how long."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=wait, source_address=(source, 0))
    started = time.perf_counter()
    sock.sendall(data)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    sock.close()
    return received, time.perf_counter() - started


def post_from(port: int, source: str, path: str, body: dict) -> int:
    """A JSON POST from another client address (any 127.x.y.z is this machine); its status."""
    connection = HTTPConnection("127.0.0.1", port, timeout=15, source_address=(source, 0))
    connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def login_from(port: int, source: str, email: str, password: str) -> int:
    return post_from(port, source, "/login", {"email": email, "password": password})


def tokens(url: str, http: requests.Session) -> None:
    forged = jwt.encode({"sub": "1", "exp": 4102444800}, PUBLISHED, algorithm="HS256")
    row("token signed with the secret once published in config.yml",
        answer(http.get(f"{url}/notifications", headers={"Authorization": f"Bearer {forged}"})))
    now = int(time.time())
    base = {"sub": "1", "iat": now, "iss": "jobsight", "aud": "jobsight-api", "jti": uuid.uuid4().hex}
    for what, claims in (("the real secret, expiring in 2100", {"exp": 4102444800}),
                         ("the real secret, expired an hour ago", {"exp": now - 3600, "iat": now - 7200}),
                         ("the real secret, another audience", {"exp": now + 600, "aud": "other"})):
        token = jwt.encode({**base, **claims}, SECRET, algorithm="HS256")
        row(f"token signed with {what}",
            answer(http.get(f"{url}/notifications", headers={"Authorization": f"Bearer {token}"})))


def bad_bytes(url: str, http: requests.Session, operator: dict) -> None:
    for path in ("/jobs?location=Ber%00lin", "/jobs?source=%00", "/insights/salary?title=py%00thon"):
        row(f"NUL in a query parameter ({path.split('=')[0]})", answer(http.get(url + path)))
    for path, body in (("/sign-up", {"name": "N\x00", "email": "a@b.io", "password": "x" * 12}),
                       ("/login", {"email": "a\x00@b.io", "password": "x"})):
        row(f"NUL in a JSON string ({path})", answer(http.post(url + path, json=body)))
    for _ in range(20):
        http.get(f"{url}/jobs?location=%00")
    status = http.get(f"{url}/status", headers=operator).json()
    row("20 NUL requests, then GET /jobs/1 for anyone", f"{http.get(f'{url}/jobs/1').status_code}; "
        f"scraper circuit {status.get('circuits', {}).get('scraper', 'closed')}")
    deep = "[" * 1000 + "]" * 1000
    row("JSON nested 1,000 deep (2 KB)",
        answer(http.post(f"{url}/login", data=deep, headers={"Content-Type": "application/json"})))
    for size in (10, 100):
        row(f"over-long URL ({size} KB)", answer(http.get(f"{url}/jobs?q={'x' * size * 1000}")))
    row("1 MB body", answer(http.post(f"{url}/login", data=b"{" + b" " * 1_000_000 + b"}",
                                       headers={"Content-Type": "application/json"})))
    row("JSON sent as text/plain (a cross-site form)",
        answer(http.post(f"{url}/login", data='{"email": "a@b.io", "password": "x"}',
                         headers={"Content-Type": "text/plain"})))
    row("chunked JSON body (a login with a wrong password)", answer(http.post(f"{url}/login", data=iter([b'{"email": "a@b.io", ', b'"password": "x"}']),
                                              headers={"Content-Type": "application/json"})))


def slow_clients(port: int, url: str, http: requests.Session) -> None:
    received, took = raw_exchange(port, b"GET /jobs HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    status = received.split(b"\r\n", 1)[0].decode(errors="replace") or "nothing"
    row("headers half-sent, then silence", f"{status}, then closed", took)
    received, took = raw_exchange(port, b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        b"Content-Length: 100\r\n\r\n{\"email\":")
    status = received.split(b"\r\n", 1)[0].decode(errors="replace") or "nothing"
    row("body shorter than its Content-Length", f"{status}, then closed", took)
    for what, head in (("headers", b"GET /jobs HTTP/1.1\r\nHost: x\r\nX-Slow: "),
                       ("body", b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                b"Content-Length: 60000\r\n\r\n{")):
        received, took = trickle(port, head)
        status = received.split(b"\r\n", 1)[0].decode(errors="replace") or "nothing"
        row(f"{what} trickled a byte every 0.5 s (a slowloris)", f"{status}, then closed", took)
    # 200 requests to /status whose clients hang up at once; then what everyone else gets.
    for _ in range(200):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.close()
    latencies = [timed(lambda: http.get(f"{url}/skills"))[1] for _ in range(20)]
    row("200 abandoned /status requests, then GET /skills", f"p50 {statistics.median(latencies) * 1000:.0f} ms")
    held, refused = [], []
    for n in range(1100):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            refused.append(1)
        if n % 40 == 39:
            time.sleep(0.02)  # paced so the listen backlog never overflows: every one is accepted
    time.sleep(0.5)
    try:  # on a connection of its own, not the session's kept-alive one
        response, took = timed(lambda: requests.get(f"{url}/skills", timeout=10))
        row(f"{len(held)} idle connections held open, then one more request",
            f"{response.status_code} Retry-After {response.headers.get('Retry-After')}", took)
    except requests.RequestException as exc:
        row(f"{len(held)} idle connections held open, then one more request", f"failed: {type(exc).__name__}")
    for sock in held:
        sock.close()
    wait_for(lambda: http.get(f"{url}/health/live").status_code == 200, 30)
    row("after those connections closed, GET /skills", str(http.get(f"{url}/skills").status_code))


def guessing(port: int, url: str, http: requests.Session) -> None:
    email, password = f"owner-{uuid.uuid4().hex[:6]}@example.com", "correct horse battery"
    assert http.post(f"{url}/sign-up", json={"name": "Owner", "email": email, "password": password}).status_code == 201
    assert login_from(port, "127.0.0.9", email, password) == 200  # the owner's usual address
    statuses = [login_from(port, "127.0.0.2", email, f"guess-{n}") for n in range(8)]
    row("8 wrong passwords for one account from one address", ", ".join(map(str, statuses)))
    row("the right password from the attacker's address, right after", str(login_from(port, "127.0.0.2", email,
                                                                                     password)))
    row("the right password from the owner's usual address", str(login_from(port, "127.0.0.9", email, password)))
    row("the right password from an address never seen (same minute)", str(login_from(port, "127.0.0.3", email,
                                                                                     password)))
    spray = [login_from(port, "127.0.0.4", f"victim{n}@example.com", "Winter2026!") for n in range(55)]
    row("55 logins across 55 accounts from one address", f"first 429 at attempt {spray.index(429) + 1}"
        if 429 in spray else "never 429")
    row("then the owner logs in from elsewhere", str(login_from(port, "127.0.0.9", email, password)))
    taken = [timed(lambda: http.post(f"{url}/sign-up", json={"name": "Dup", "email": email, "password": "x" * 12}))
             for _ in range(3)]
    fresh = [timed(lambda: http.post(f"{url}/sign-up", json={"name": "New", "password": "x" * 12,
                                                          "email": f"n-{uuid.uuid4().hex[:8]}@example.com"}))
             for _ in range(3)]
    row("sign-up with a registered email vs a new one",
        f"{taken[0][0].status_code} in {statistics.median(t for _, t in taken) * 1000:.0f} ms vs "
        f"{fresh[0][0].status_code} in {statistics.median(t for _, t in fresh) * 1000:.0f} ms")
    flood = [http.post(f"{url}/sign-up", json={"name": "F", "password": "x" * 12,
                                              "email": f"f-{uuid.uuid4().hex[:8]}@example.com"}).status_code
             for _ in range(12)]
    sent = 7 + len(flood)  # the owner's, the six timed above, these
    row(f"{sent} sign-ups from one address within the hour", f"first 429 at sign-up {7 + flood.index(429) + 1}"
        if 429 in flood else "never 429")


def policies(url: str, http: requests.Session) -> None:
    email = f"p-{uuid.uuid4().hex[:8]}@example.com"
    post_from(int(url.rsplit(":", 1)[1]), "127.0.0.5", "/sign-up", {"name": "P", "email": email, "password": "x" * 12})
    login = http.post(f"{url}/login", json={"email": email, "password": "x" * 12})
    row("headers on a login's answer (it carries a token)", f"{login.status_code}; "
        f"nosniff={login.headers.get('X-Content-Type-Options')}, frame={login.headers.get('X-Frame-Options')}, "
        f"Cache-Control={login.headers.get('Cache-Control')}")
    cross = http.post(f"{url}/sign-up", json={"name": "x", "email": "x@example.com", "password": "x" * 12},
                      headers={"Origin": "https://evil.example"})
    row("a write sent from another origin's page", f"{answer(cross)}, "
        f"Allow-Origin={cross.headers.get('Access-Control-Allow-Origin')}")
    row("GET /metrics without the operator token", answer(http.get(f"{url}/metrics")))
    row("GET /status without the operator token", json.dumps(http.get(f"{url}/status").json()))
    import websocket

    try:
        websocket.create_connection(url.replace("http", "ws") + "/ws?token=x", origin="https://evil.example",
                                    timeout=5).close()
        row("a websocket opened from another origin", "accepted")
    except websocket.WebSocketBadStatusException as exc:
        row("a websocket opened from another origin", f"{exc.status_code}")


def main() -> None:
    box = Sandbox("attacks", replicas=1, redis_db=9, demo_count=60,
                  env={"JOBSIGHT_TOKEN_SECRET": SECRET, "JOBSIGHT_OPERATOR_TOKEN": OPERATOR, "SCRAPER_SCHEDULE": "true"})
    box.create()
    box.up()
    operator = {"X-Operator-Token": OPERATOR}
    try:
        with requests.Session() as http:
            wait_for(lambda: http.get(f"{box.url}/jobs").json().get("total", 0) > 0, 120)
            print(f"sandbox up at {box.url}", flush=True)
            for group in (lambda: tokens(box.url, http), lambda: bad_bytes(box.url, http, operator),
                          lambda: slow_clients(box.port, box.url, http), lambda: guessing(box.port, box.url, http),
                          lambda: policies(box.url, http)):
                group()
    finally:
        box.down()
        box.destroy()
    width = max(len(attack) for attack, _, _ in ROWS)
    print(f"\n| {'attack'.ljust(width)} | answer | took |\n|{'-' * (width + 2)}|---|---|")
    for attack, result, took in ROWS:
        print(f"| {attack.ljust(width)} | {result} | {took} |")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
