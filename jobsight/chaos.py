"""Fault drills on a running Jobsight (a jobsight.sandbox.Sandbox, several instances of every
service): a bounded load of a few clients calling read routes and login, and a writer signing
up accounts, while one fault is done to the real processes and servers. Each drill gives one
row: requests, failed, the slowest answer, seconds to recover, events lost and duplicated.

Events are counted where a user would miss them: a subscriber of Python must have exactly one
notification for every job in jobs_db that asks for Python, and the warehouse must hold every
job at its version (the sandbox loads the warehouse from events only: no timed catch-up).

Used by tests/faults/test_chaos.py (which asserts what each drill promises) and bench/chaos.py
(which prints the table)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests
from sqlalchemy import text

from jobsight.health import wait_for  # noqa: F401  (the drills' and the tests' one polling helper)
from jobsight.sandbox import Sandbox

PASSWORD = "correct horse battery"
WATCHED_SKILL = "Python"
# What a drill's sandbox runs with: every board re-read every few seconds by the scheduler (so
# jobs are committed while the broker is down), events the warehouse's only feed, and short
# deadlines so a stopped service opens its breakers within seconds.
SANDBOX_ENV = {
    "SCRAPER_SCHEDULE": "true", "DEMO_SOURCES_INTERVAL": "6", "ETL_CATCHUP_SECONDS": "3600",
    "RPC_TIMEOUT": "3", "COORDINATOR_RPC_TIMEOUT": "8", "STATUS_TIMEOUT": "1", "LOG_LEVEL": "INFO",
    # Every drill client is one address: the writer signs up twice a second.
    "SIGN_UP_THROTTLE": "100000/hour",
}


@dataclass
class Outcome:
    kind: str  # read, login, write
    route: str
    at: float  # monotonic, when sent
    seconds: float
    status: int | str  # the HTTP status, or the exception's name
    detail: str = ""

    @property
    def ok(self) -> bool:
        return isinstance(self.status, int) and 200 <= self.status < 300


@dataclass
class Row:
    fault: str
    requests: int = 0
    failed: int = 0
    max_latency: float = 0.0
    recover_seconds: float | None = None
    events_lost: int | None = None
    events_duplicated: int | None = None
    failures: list[Outcome] = field(default_factory=list)
    slowest: Outcome | None = None
    writes: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def cells(self) -> list[str]:
        def num(value, unit=""):
            return "–" if value is None else f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"
        return [self.fault, str(self.requests), str(self.failed), num(self.max_latency, " s"),
                num(self.recover_seconds, " s"), num(self.events_lost), num(self.events_duplicated)]


HEADER = ["fault", "requests", "failed", "max latency", "seconds to recover", "events lost", "events duplicated"]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def timed_request(session, url: str, kind: str, route: str, method: str, path: str, timeout: float,
                  **kwargs) -> Outcome:
    """One request of a drill's client, as an Outcome: its status (or the exception's name) and
    how long it took; never raises."""
    started, wall = time.perf_counter(), time.monotonic()
    try:
        response = session.request(method, url + path, timeout=timeout, **kwargs)
        status, detail = response.status_code, "" if response.ok else response.text[:200]
    except requests.RequestException as exc:
        status, detail = type(exc).__name__, str(exc)[:200]
    return Outcome(kind, route, wall, time.perf_counter() - started, status, detail)


class Load:
    """``clients`` threads calling ``reads`` in turn, one of them logging in between reads, and
    one writer signing up a new account every ``write_every`` seconds, until ``stop()``."""

    def __init__(self, url: str, reads: list[str], login: dict, headers: dict, clients: int = 3,
                 write_every: float = 0.5, timeout: float = 15.0):
        self.url, self.reads, self.login, self.headers = url, reads, login, headers
        self.clients, self.write_every, self.timeout = clients, write_every, timeout
        self.outcomes: list[Outcome] = []
        self.signed_up: list[tuple[str, int | str]] = []  # (email, status)
        self._done = threading.Event()
        self._threads: list[threading.Thread] = []

    def _call(self, session, kind, method, path, **kwargs) -> Outcome:
        outcome = timed_request(session, self.url, kind, path, method, path, self.timeout, **kwargs)
        self.outcomes.append(outcome)
        return outcome

    def _reader(self, n: int) -> None:
        with requests.Session() as session:
            i = n
            while not self._done.is_set():
                path = self.reads[i % len(self.reads)]
                i += 1
                self._call(session, "read", "GET", path, headers=self.headers)
                if n == 0 and i % 4 == 0:
                    self._call(session, "login", "POST", "/login", json=self.login)

    def _writer(self) -> None:
        with requests.Session() as session:
            while not self._done.wait(self.write_every):
                email = f"chaos-{uuid.uuid4().hex[:12]}@example.com"
                outcome = self._call(session, "write", "POST", "/sign-up",
                                     json={"name": "Chaos", "email": email, "password": PASSWORD})
                self.signed_up.append((email, outcome.status))

    def __enter__(self) -> "Load":
        self._threads = [threading.Thread(target=self._reader, args=(n,), daemon=True) for n in range(self.clients)]
        self._threads.append(threading.Thread(target=self._writer, daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)


def trickle(port: int, head: bytes, seconds: float = 60.0, interval: float = 0.5) -> tuple[bytes, float]:
    """A slowloris client: send ``head``, then one more byte every ``interval`` s until the server
    answers and closes (or ``seconds`` pass). What it answered, and after how many seconds."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=interval)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    started = time.monotonic()
    sock.sendall(head)
    received = b""
    try:
        while time.monotonic() - started < seconds:
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
            except socket.timeout:
                sock.sendall(b"a")
    except OSError:
        pass
    finally:
        sock.close()
    return received, time.monotonic() - started


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


class Drills:
    def __init__(self, box: Sandbox):
        self.box = box
        self.jobs = box.engine("jobs")
        self.users = box.engine("users")
        self.warehouse = box.engine("warehouse")
        self.demo_url = box.env["DEMO_SOURCES_URL"]

    # -- the world the drills run in ----------------------------------------------------------

    def prepare(self) -> dict:
        """A subscriber of Python before any job exists, the demo boards ingested (by the
        scheduler), and the reads the load calls."""
        http = requests.Session()
        email = f"watcher-{uuid.uuid4().hex[:8]}@example.com"
        assert http.post(f"{self.box.url}/sign-up", json={"name": "W", "email": email, "password": PASSWORD},
                         timeout=30).status_code == 201
        token = http.post(f"{self.box.url}/login", json={"email": email, "password": PASSWORD}, timeout=30).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        subscribed = http.post(f"{self.box.url}/subscriptions", json={"skill": WATCHED_SKILL}, headers=headers,
                               timeout=30)
        assert subscribed.status_code == 201, subscribed.text
        # The scheduler reads every board within seconds of the start; wait until jobs settle.
        assert wait_for(lambda: self._count("SELECT count(*) FROM jobs") > 50, 120), "no jobs were ingested"
        self.settle(120)
        job_ids = [row[0] for row in self._rows("SELECT id FROM jobs WHERE status = 'open' ORDER BY id LIMIT 3")]
        self.login = {"email": email, "password": PASSWORD}
        self.headers = headers
        self.reads = [f"/jobs/{job_ids[0]}", "/jobs?q=python", "/all-skills-by-demand", f"/jobs/{job_ids[1]}",
                      "/skills", "/notifications?per_page=5", "/insights/remote-share?keywords=python",
                      f"/jobs/{job_ids[2]}", "/subscriptions"]
        for path in self.reads:  # warm: the cached insights are cached, every route answers
            response = http.get(self.box.url + path, headers=headers, timeout=30)
            assert response.status_code == 200, (path, response.status_code, response.text[:200])
        return {"jobs": self._count("SELECT count(*) FROM jobs"), "reads": self.reads}

    def load(self, **options) -> Load:
        return Load(self.box.url, self.reads, self.login, self.headers, **options)

    # -- counting what was lost --------------------------------------------------------------

    def _rows(self, sql: str, engine=None, **params):
        with (engine or self.jobs).connect() as conn:
            return conn.execute(text(sql), params).all()

    def _count(self, sql: str, engine=None, **params) -> int:
        return self._rows(sql, engine, **params)[0][0]

    def _outbox_waiting(self) -> int:
        return sum(self._count("SELECT count(*) FROM outbox WHERE published_at IS NULL", engine)
                   for engine in (self.jobs, self.users))

    def events(self) -> tuple[int, int, dict]:
        """(lost, duplicated, detail): jobs the warehouse lacks at their version, jobs asking
        for Python without the subscriber's notification, and notifications beyond one per job."""
        jobs = {job_id: (version, status) for job_id, version, status in
                self._rows("SELECT id, version, status FROM jobs")}
        facts = {job_id: (version, status) for job_id, version, status in
                 self._rows("SELECT job_id, source_version, status FROM warehouse.fact_job", self.warehouse)}
        behind = sorted(j for j, (version, status) in jobs.items()
                        if j not in facts or facts[j][0] < version or (facts[j][0] == version and facts[j][1] != status))
        watched = {row[0] for row in self._rows("SELECT id FROM jobs WHERE :skill = ANY(skills)", skill=WATCHED_SKILL)}
        per_job = Counter(row[0] for row in self._rows(
            "SELECT n.job_id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = :email",
            self.users, email=self.login["email"]))
        missing = sorted(watched - set(per_job))
        duplicated = sum(count - 1 for count in per_job.values() if count > 1)
        return len(behind) + len(missing), duplicated, {"warehouse_behind": behind[:10], "not_notified": missing[:10],
                                                        "jobs": len(jobs), "watched": len(watched)}

    def settle(self, timeout: float = 90) -> float:
        """Seconds until no outbox waits, every queue of the vhost is empty and the events
        are all applied (nothing lost stays lost that long: the caller counts what is left)."""
        started = time.monotonic()
        api = f"http://127.0.0.1:15672/api/queues/{self.box.prefix}"

        def quiet():
            try:
                queues = requests.get(api, auth=("guest", "guest"), timeout=5).json()
                busy = [q for q in queues if q.get("messages") and not q["name"].startswith("rpc.reply")]
                return not busy and self._outbox_waiting() == 0 and self.events()[0] == 0
            except Exception:
                return False

        wait_for(quiet, timeout, interval=0.5)
        return time.monotonic() - started

    def _writes(self, load: Load) -> dict:
        """Sign-ups answered 2xx that are not stored (lost), and emails stored twice."""
        emails = [email for email, _ in load.signed_up]
        stored = Counter(row[0] for row in self._rows("SELECT email FROM users WHERE email = ANY(:emails)", self.users,
                                                      emails=emails)) if emails else Counter()
        acknowledged = [email for email, status in load.signed_up if isinstance(status, int) and 200 <= status < 300]
        return {"sent": len(emails), "acknowledged": len(acknowledged),
                "lost": sum(1 for email in acknowledged if not stored[email]),
                "twice": sum(count - 1 for count in stored.values() if count > 1),
                "refused": dict(Counter(str(status) for _, status in load.signed_up
                                        if not (isinstance(status, int) and 200 <= status < 300)))}

    def _row(self, fault: str, load: Load, since: float, until: float) -> Row:
        window = [o for o in load.outcomes if since <= o.at <= until and o.kind != "write"]
        row = Row(fault, requests=len(window), failed=sum(not o.ok for o in window),
                  max_latency=max((o.seconds for o in window), default=0.0))
        row.failures = [o for o in window if not o.ok]
        row.slowest = max(window, key=lambda o: o.seconds, default=None)
        row.writes = self._writes(load)
        return row

    # -- the faults ---------------------------------------------------------------------------------

    def kill(self, service: str, index: int = 1) -> Row:
        """SIGKILL one instance while the load runs; recovered once the supervisor has started it
        again and it serves (its metrics port answers, or HAProxy has it back in rotation)."""
        label = f"{service}-{index}"
        victim = self.box.instance(label)
        with self.load() as load:
            time.sleep(1.5)
            since = time.monotonic()
            os.kill(victim["pid"], signal.SIGKILL)

            def back():
                now = self.box.instance(label)
                if now["pid"] == victim["pid"] or not now["alive"] or not _alive(now["pid"]):
                    return False
                return _answers(f"http://127.0.0.1:{now['metrics_port']}/metrics")

            recovered = wait_for(back, 60)
            recover_seconds = time.monotonic() - since
            time.sleep(2)
            until = time.monotonic()
        row = self._row(f"SIGKILL {label}", load, since, until)
        row.recover_seconds = recover_seconds if recovered else None
        lost, duplicated, detail = self._after()
        row.events_lost, row.events_duplicated, row.notes = lost, duplicated, detail
        row.notes["restarts"] = self.box.instance(label)["restarts"] - victim["restarts"]
        return row

    def pause(self, service: str, probe: str = "/insights/remote-share?keywords=") -> Row:
        """SIGSTOP every instance of ``service``: calls to it time out until each gateway's
        breaker opens, then answer 503 at once; after SIGCONT the breakers close by themselves.
        ``probe`` + a fresh word is a route the gateway cannot answer from its cache."""
        gateways = [f"http://127.0.0.1:{g['port']}" for g in self.box.instances("gateway")]
        pids = [i["pid"] for i in self.box.instances(service)]
        fast, opened_after, answers = [], None, Counter()
        with self.load() as load:
            time.sleep(1)
            since = time.monotonic()
            for pid in pids:
                os.kill(pid, signal.SIGSTOP)
            try:
                # Enough failing calls on every gateway to open its breaker (BREAKER_FAIL_MAX).
                def probe_once(base):
                    started = time.perf_counter()
                    try:
                        status = requests.get(f"{base}{probe}{uuid.uuid4().hex[:8]}", timeout=15).status_code
                    except requests.RequestException as exc:
                        status = type(exc).__name__
                    return status, time.perf_counter() - started

                deadline = time.monotonic() + 40
                while time.monotonic() < deadline:
                    threads, results = [], []
                    for base in gateways:
                        for _ in range(3):
                            t = threading.Thread(target=lambda b=base: results.append(probe_once(b)))
                            t.start()
                            threads.append(t)
                    for t in threads:
                        t.join()
                    answers.update(str(status) for status, _ in results)
                    if all(status == 503 and took < 0.05 for status, took in results):
                        opened_after = time.monotonic() - since
                        break
                for base in gateways:
                    for _ in range(10):
                        fast.append(probe_once(base))
            finally:
                for pid in pids:
                    os.kill(pid, signal.SIGCONT)
            resumed = time.monotonic()
            closed = wait_for(lambda: all(probe_once(base)[0] == 200 for base in gateways), 60, interval=0.5)
            recover_seconds = time.monotonic() - resumed
            time.sleep(1)
            until = time.monotonic()
        row = self._row(f"SIGSTOP {service} (all instances)", load, since, until)
        row.recover_seconds = recover_seconds if closed else None
        lost, duplicated, detail = self._after()
        row.events_lost, row.events_duplicated = lost, duplicated
        row.notes = {**detail, "breaker_open_after_s": opened_after, "answers_while_opening": dict(answers),
                     "open_answers": [(status, round(took * 1000, 1)) for status, took in fast]}
        return row

    def broker_outage(self, seconds: float = 10) -> Row:
        """RabbitMQ's app stopped for ``seconds`` while the boards change and the scheduler
        ingests them: every job committed meanwhile must reach the warehouse and the subscriber."""
        before = self._count("SELECT coalesce(max(id), 0) FROM jobs")
        with self.load() as load:
            time.sleep(1)
            since = time.monotonic()
            stopped_at = self._count("SELECT extract(epoch FROM now())::bigint")
            subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True, timeout=60)
            try:
                requests.post(f"{self.demo_url}/_demo/advance", params={"days": 3}, timeout=10)
                time.sleep(seconds)
                committed = self._count("SELECT count(*) FROM jobs WHERE updated_at >= to_timestamp(:t)", t=stopped_at)
            finally:
                subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True, timeout=120)
            returned = time.monotonic()
            healthy = wait_for(lambda: _answers(f"{self.box.url}/status"), 90)
            recover_seconds = time.monotonic() - returned
            time.sleep(2)
            until = time.monotonic()
        row = self._row(f"RabbitMQ stopped {seconds:.0f} s", load, since, until)
        row.recover_seconds = recover_seconds if healthy else None
        lost, duplicated, detail = self._after()
        row.events_lost, row.events_duplicated = lost, duplicated
        row.notes = {**detail, "jobs_committed_during_outage": committed,
                     "new_jobs": self._count("SELECT count(*) FROM jobs WHERE id > :b", b=before)}
        return row

    def database_restart(self) -> Row:
        """PostgreSQL restarted (every connection cut): the services recover without a restart."""
        restarts = {f"{i['service']}-{i['index']}": (i["pid"], i["restarts"]) for i in self.box.instances()}
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        with self.load() as load:
            time.sleep(1)
            since = time.monotonic()
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                           capture_output=True, timeout=120)
            returned = time.monotonic()
            for engine in (self.jobs, self.users, self.warehouse):
                engine.dispose()
            healthy = wait_for(lambda: _answers(f"{self.box.url}/status") and all(
                _answers(f"{self.box.url}{path}") for path in ("/jobs?q=python", "/skills")), 90)
            recover_seconds = time.monotonic() - returned
            time.sleep(2)
            until = time.monotonic()
        row = self._row("PostgreSQL restarted", load, since, until)
        row.recover_seconds = recover_seconds if healthy else None
        lost, duplicated, detail = self._after()
        row.events_lost, row.events_duplicated = lost, duplicated
        now = {f"{i['service']}-{i['index']}": (i["pid"], i["restarts"]) for i in self.box.instances()}
        row.notes = {**detail, "restarted": sorted(label for label in restarts if now.get(label) != restarts[label])}
        return row

    def _after(self) -> tuple[int, int, dict]:
        settled = self.settle(90)
        lost, duplicated, detail = self.events()
        return lost, duplicated, {**detail, "settled_in_s": round(settled, 1)}


# -- database failover (jobsight.ha) ----------------------------------------------------------

class Writes:
    """``threads`` writers through the gateway, each with an account of its own, alternating a
    sign-up of a new account and a subscription of its account to the next skill, until the
    block ends. Every answer is recorded with what it wrote, so what was acknowledged can be
    looked for afterwards."""

    def __init__(self, url: str, skills: list[str], threads: int = 2, pause: float = 0.05, timeout: float = 15.0):
        self.url, self.skills, self.threads, self.pause, self.timeout = url, skills, threads, pause, timeout
        self.outcomes: list[Outcome] = []
        self.signed_up: list[tuple[str, Outcome]] = []  # (email, outcome)
        self.subscribed: list[tuple[int, str, Outcome]] = []  # (user id, skill, outcome)
        self._done = threading.Event()
        self._threads: list[threading.Thread] = []

    def _call(self, session, method, path, **kwargs) -> Outcome:
        outcome = timed_request(session, self.url, "write", path.split("/")[1], method, path, self.timeout, **kwargs)
        self.outcomes.append(outcome)
        return outcome

    def _account(self, session) -> tuple[int, dict]:
        email = f"writer-{uuid.uuid4().hex[:12]}@example.com"
        signed = session.post(f"{self.url}/sign-up", json={"name": "Writer", "email": email, "password": PASSWORD},
                              timeout=self.timeout)
        signed.raise_for_status()
        token = session.post(f"{self.url}/login", json={"email": email, "password": PASSWORD},
                             timeout=self.timeout).json()["token"]
        return signed.json()["user_id"], {"Authorization": f"Bearer {token}"}

    def _writer(self, n: int, ready: threading.Barrier) -> None:
        with requests.Session() as session:
            user_id, headers = self._account(session)
            ready.wait()
            i = n
            while not self._done.wait(self.pause):
                email = f"failover-{uuid.uuid4().hex[:12]}@example.com"
                outcome = self._call(session, "POST", "/sign-up",
                                     json={"name": "Failover", "email": email, "password": PASSWORD})
                self.signed_up.append((email, outcome))
                skill = self.skills[i % len(self.skills)]
                i += self.threads
                self.subscribed.append((user_id, skill, self._call(session, "POST", "/subscriptions",
                                                                   json={"skill": skill}, headers=headers)))

    def __enter__(self) -> "Writes":
        ready = threading.Barrier(self.threads + 1)
        self._threads = [threading.Thread(target=self._writer, args=(n, ready), daemon=True)
                         for n in range(self.threads)]
        for thread in self._threads:
            thread.start()
        ready.wait(120)
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)

    def acknowledged(self) -> tuple[set[str], set[tuple[int, str]]]:
        return ({email for email, o in self.signed_up if o.ok},
                {(user, skill) for user, skill, o in self.subscribed if o.ok})

    def lost(self, users_engine) -> tuple[set[str], set[tuple[int, str]]]:
        """Acknowledged writes the users database does not hold."""
        emails, subscriptions = self.acknowledged()
        with users_engine.connect() as conn:
            stored = set(conn.execute(text("SELECT email FROM users WHERE email LIKE 'failover-%'")).scalars())
            held = {(u, s) for u, s in conn.execute(text("SELECT user_id, skill FROM subscriptions"))}
        return emails - stored, subscriptions - held

    def first_success_after(self, moment: float) -> float | None:
        """Seconds from ``moment`` until a write sent after it was acknowledged."""
        done = [o.at + o.seconds for o in self.outcomes if o.ok and o.at >= moment]
        return min(done) - moment if done else None

    def failed_after(self, moment: float) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok and o.at + o.seconds >= moment]
