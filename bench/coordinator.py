"""Two-phase commit through the gateway: what a new-skill subscription costs next to a known one,
how many new-skill subscriptions go through per second, and how long a restarted coordinator
takes to resolve every in-doubt transaction.

    .venv/bin/python bench/coordinator.py                 # 200 of each, 8 clients, 25 in doubt
    .venv/bin/python bench/coordinator.py --requests 50   # quicker

Runs every service on databases of its own (``jobsight_bench_coord_*``, recreated by the real
migrations) and a vhost of its own; never touches the databases `make run` uses.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

import search as search_bench  # noqa: E402  (bench/search.py: vhost, free ports, percentiles)
from jobsight import config as config_module  # noqa: E402
from jobsight.coordination import operations, twophase  # noqa: E402
from jobsight.coordination.log import TransactionLog  # noqa: E402
from jobsight.coordination.participant import Participant  # noqa: E402
from jobsight.adapters.units import JobsUnit, UsersUnit  # noqa: E402
from jobsight.migrate import upgrade_all  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
PREFIX = "jobsight_bench_coord"
VHOST = "jobsight_bench_coord"
KNOWN = ["Go", "Python", "Kubernetes", "Rust", "Java", "SQL", "Docker", "AWS", "React", "Terraform"]


def fresh_databases() -> dict:
    uris = {name: f"{PG}/{PREFIX}_{name}" for name in ("users", "jobs", "warehouse", "coordinator")}
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for uri in uris.values():
            database = uri.rsplit("/", 1)[1]
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return uris


def line(name: str, times: list[float]) -> str:
    p50, p99 = search_bench.percentile(times, 0.5), search_bench.percentile(times, 0.99)
    return f"  {name:<34} n={len(times):>4}  p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms"


def users(base: str, n: int) -> list[dict]:
    made = []
    with requests.Session() as http:
        for _ in range(n):
            email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
            http.post(f"{base}/sign-up", json={"name": "Bench", "email": email, "password": "correct horse"})
            token = http.post(f"{base}/login", json={"email": email, "password": "correct horse"}).json()["token"]
            made.append({"Authorization": f"Bearer {token}"})
    return made


def timed_subscriptions(base: str, headers: list[dict], skills: list[str]) -> list[float]:
    times = []
    with requests.Session() as http:
        for i, skill in enumerate(skills):
            t0 = time.perf_counter()
            response = http.post(f"{base}/subscriptions", json={"skill": skill}, headers=headers[i % len(headers)])
            times.append(time.perf_counter() - t0)
            assert response.status_code in (200, 201), response.text
    return times


def concurrent_new_skills(base: str, headers: list[dict], clients: int, each: int) -> tuple[float, int]:
    failures = []

    def client(k):
        with requests.Session() as http:
            for _ in range(each):
                skill = f"Parlang{uuid.uuid4().hex[:8]}"
                if http.post(f"{base}/subscriptions", json={"skill": skill},
                             headers=headers[k % len(headers)]).status_code != 201:
                    failures.append(skill)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t0, len(failures)


def leave_in_doubt(uris: dict, n: int) -> None:
    """What a coordinator that died after logging its decisions leaves: n transactions decided
    (committing) whose participants are still prepared."""
    from sqlalchemy.orm import sessionmaker

    engines = {name: create_engine(uri) for name, uri in uris.items()}
    log = TransactionLog(engines["coordinator"])
    with engines["users"].begin() as conn:
        user_id = conn.execute(text("INSERT INTO users (name, email, password_hash) VALUES ('Doubt', :e, 'x') "
                                    "RETURNING id"), {"e": f"doubt-{uuid.uuid4().hex[:8]}@example.com"}).scalar()
    for _ in range(n):
        skill = f"Doubtlang{uuid.uuid4().hex[:8]}"
        parts = [twophase.Participant("users", "subscribe", {"user_id": user_id, "skill": skill}),
                 twophase.Participant("scraper", "track_skill", {"name": skill, "aliases": [skill.lower()]})]
        transaction = twophase.Transaction(twophase.new_transaction_id(), parts)
        log.begin(transaction)
        for participant, engine, unit_class, part in ((operations.USERS, engines["users"], UsersUnit, parts[0]),
                                                      (operations.SCRAPER, engines["jobs"], JobsUnit, parts[1])):
            with unit_class(sessionmaker(bind=engine)) as unit:
                participant.prepare(unit, transaction.gid(part.service), part.operation, part.arguments)
        log.decide(transaction.id, twophase.COMMITTING)
    for engine in engines.values():
        engine.dispose()


def in_doubt(uris: dict) -> int:
    total = 0
    for name in ("users", "jobs"):
        engine = create_engine(uris[name])
        total += len(Participant.in_doubt(engine))
        engine.dispose()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--in-doubt", type=int, default=25,
                        help="transactions left in doubt; each holds two of max_prepared_transactions (setup: 64)")
    args = parser.parse_args()

    uris = fresh_databases()
    search_bench.ensure_vhost(VHOST)
    env = {"USERS_DB_URI": uris["users"], "JOBS_DB_URI": uris["jobs"], "WAREHOUSE_DB_URI": uris["warehouse"],
           "COORDINATOR_DB_URI": uris["coordinator"], "CACHE_ENABLED": "false"}
    os.environ.update(env)
    upgrade_all(config_module.load())
    log_dir = Path(tempfile.mkdtemp(prefix="bench-coord-"))
    services = ("users", "scraper", "insights", "etl", "coordinator", "gateway")
    runner, base = search_bench.start_system(uris["jobs"], log_dir, services=services, vhost=VHOST, extra_env=env)
    try:
        headers = users(base, 20)
        timed_subscriptions(base, headers, ["Go", f"Warmlang{uuid.uuid4().hex[:6]}"])  # warm every path
        print(f"subscriptions through the gateway, one client ({args.requests} each, same run):")
        known = timed_subscriptions(base, headers, [KNOWN[i % len(KNOWN)] for i in range(args.requests)])
        print(line("known skill (users only)", known))
        new = timed_subscriptions(base, headers, [f"Benchlang{uuid.uuid4().hex[:8]}" for _ in range(args.requests)])
        print(line("new skill (two-phase commit)", new))
        each = max(1, args.requests // args.clients)
        seconds, failed = concurrent_new_skills(base, headers, args.clients, each)
        print(f"  {args.clients} clients x {each} new skills: {args.clients * each / seconds:.1f} per second, "
              f"{failed} failed")

        # A coordinator that died between its decisions and phase two, restarted.
        coordinator = [i for i in runner.instances if i.service == "coordinator"]
        for instance in coordinator:
            instance.process.kill()
            instance.process.wait()
        leave_in_doubt(uris, args.in_doubt)
        assert in_doubt(uris) == 2 * args.in_doubt
        from jobsight.supervisor import Supervisor

        config = config_module.load()
        again = Supervisor(config, config_module.DEFAULT_PATH, services=("coordinator",), log_dir=log_dir / "again",
                           env={**env, "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}",
                                "REDIS_URL": "redis://127.0.0.1:6379/12", "LOG_LEVEL": "WARNING"},
                           out=open(os.devnull, "w"))
        t0 = time.perf_counter()
        again.start()
        try:
            while in_doubt(uris) and time.perf_counter() - t0 < 120:
                time.sleep(0.05)
            left = in_doubt(uris)
            print(f"coordinator restart → {2 * args.in_doubt} prepared transactions ({args.in_doubt} decided) "
                  f"resolved in {time.perf_counter() - t0:.2f} s (process start included), {left} left")
        finally:
            again.stop()
    finally:
        runner.stop()


if __name__ == "__main__":
    main()
