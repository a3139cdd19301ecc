"""Notification latency: N subscribers, M new postings.

Measures, in one run on this machine:
- from the scraper's commit (the moment a job event is dispatched) to every notification
  stored in users_db;
- p50 / p99 from commit to delivery over the websocket, for the connected clients.

The users service and the gateway run as real processes (jobsight.runner) on a users database
and a RabbitMQ vhost of the bench's own; job events are dispatched as the scraper does.

    python bench/notify.py [--subscribers 10000] [--postings 1000] [--connected 200] [--users-replicas 1] [--rate 0]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
import websocket  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from jobsight import config as config_module  # noqa: E402
from jobsight.auth import Tokens  # noqa: E402
from jobsight.demo import DemoWorld  # noqa: E402
from jobsight.events import envelope  # noqa: E402
from jobsight.ports import free_port  # noqa: E402
from jobsight.migrate import upgrade  # noqa: E402
from jobsight.normalize import default_taxonomy  # noqa: E402
from jobsight.notifications import index_rows  # noqa: E402
from jobsight.supervisor import Supervisor  # noqa: E402
from jobsight.validate import normalize_keywords  # noqa: E402

VHOST = "jobsight_bench_notify"
DATABASE = "jobsight_bench_users"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))] if ordered else float("nan")


def fresh_database(config: dict) -> str:
    url = make_url(config_module.db_uri(config, "users")).set(database=DATABASE)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()
    uri = url.render_as_string(hide_password=False)
    upgrade("users", uri)
    return uri


def fresh_vhost() -> str:
    api, auth = "http://127.0.0.1:15672/api", ("guest", "guest")
    requests.delete(f"{api}/vhosts/{VHOST}", auth=auth, timeout=10)
    requests.put(f"{api}/vhosts/{VHOST}", auth=auth, timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{VHOST}/guest", auth=auth, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    return f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}"


def jobs(count: int) -> list[dict]:
    world = DemoWorld(seed=7, count=count)
    out = []
    for job in world.jobs(0, count):
        pay = job.pay
        out.append({"job_id": 10_000_000 + job.index, "version": 1, "status": "open", "title": job.title,
                    "company": job.company.name, "location": f"{job.city}, {job.country}", "city": job.city,
                    "country": job.country, "workplace": job.workplace, "skills": list(job.skills),
                    "salary": None, "sources": [{"url": f"https://example.com/jobs/{job.index}"}]})
    return out


def subscribe(uri: str, subscribers: int, titles: list[str]) -> None:
    """Users with one or two skill subscriptions each, and a saved search for one in four."""
    rng = random.Random(11)
    skills = [s.name for s in default_taxonomy().skills][:60]
    engine = create_engine(uri)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, name, email, password_hash) "
            "SELECT g, 'Bench ' || g, 'bench' || g || '@example.com', 'x' FROM generate_series(1, :n) g"),
            {"n": subscribers})
        conn.execute(text("SELECT setval('users_id_seq', :n)"), {"n": subscribers})
        rows = [{"u": u, "s": skill, "k": skill.lower()} for u in range(1, subscribers + 1)
                for skill in rng.sample(skills, rng.choice((1, 2)))]
        conn.execute(text("INSERT INTO subscriptions (user_id, skill, skill_key) VALUES (:u, :s, :k)"), rows)
        searches = [{"id": u // 4, "u": u, "k": normalize_keywords(" ".join(rng.choice(titles).split()[:2]))}
                    for u in range(1, subscribers + 1) if u % 4 == 0]
        terms, keys = [], []
        for search in searches:
            search_terms, search_keys = index_rows(search["k"])
            search["n"] = len({row["position"] for row in search_terms})
            terms += [{"s": search["id"], **row} for row in search_terms]
            keys += [{"s": search["id"], **row} for row in search_keys]
        conn.execute(text("INSERT INTO saved_searches (id, user_id, keywords, term_count) VALUES (:id, :u, :k, :n)"),
                     searches)
        conn.execute(text("SELECT setval('saved_searches_id_seq', :n)"), {"n": max(len(searches), 1)})
        conn.execute(text("INSERT INTO saved_search_terms (search_id, position, term, typos) "
                          "VALUES (:s, :position, :term, :typos)"), terms)
        conn.execute(text("INSERT INTO saved_search_keys (key, search_id, position) VALUES (:key, :s, :position)"),
                     keys)
    engine.dispose()


class Listener(threading.Thread):
    def __init__(self, url: str, received: dict, lock: threading.Lock):
        super().__init__(daemon=True)
        self.ws = websocket.create_connection(url, timeout=120)
        self.received, self.lock = received, lock

    def run(self):
        while True:
            try:
                frame = json.loads(self.ws.recv())
            except Exception:
                return
            if frame.get("type") == "notification":
                with self.lock:
                    self.received[frame["notification"]["job"]["job_id"]].append(time.monotonic())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--postings", type=int, default=1_000)
    parser.add_argument("--connected", type=int, default=200, help="subscribers holding a websocket")
    parser.add_argument("--users-replicas", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.0,
                        help="postings per second to dispatch (0: all at once, the worst burst)")
    args = parser.parse_args()

    config = config_module.load()
    uri, amqp, port = fresh_database(config), fresh_vhost(), free_port()
    env = {"USERS_DB_URI": uri, "AMQP_URI": amqp, "GATEWAY_PORT": str(port), "REDIS_URL": "redis://127.0.0.1:6379/9",
           "DEMO_SOURCES_ENABLED": "false", "LOG_LEVEL": "WARNING", "RPC_TIMEOUT": "30"}
    os.environ.update(env)
    config = config_module.load()
    postings = jobs(args.postings)
    subscribe(uri, args.subscribers, [j["title"] for j in postings])
    log_dir = Path(tempfile.mkdtemp(prefix="jobsight-bench-notify-"))
    runner = Supervisor(config, config_module.DEFAULT_PATH, services=("users", "gateway"), replicas=1, log_dir=log_dir,
                    env=env, out=open(os.devnull, "w"))
    extra_users = Supervisor(config, config_module.DEFAULT_PATH, services=("users",),
                         replicas=max(args.users_replicas - 1, 0) or 1, log_dir=log_dir / "extra", env=env,
                         out=open(os.devnull, "w")) if args.users_replicas > 1 else None
    runner.start()
    if extra_users:
        extra_users.start()
    try:
        runner.wait_healthy(90)
        tokens = Tokens.from_config(config)
        received: dict[int, list[float]] = defaultdict(list)
        lock = threading.Lock()
        listeners = [Listener(f"ws://127.0.0.1:{port}/ws?token={tokens.issue(u)[0]}", received, lock)
                     for u in range(1, args.connected + 1)]
        for listener in listeners:
            listener.start()

        from nameko.standalone.events import event_dispatcher, get_event_exchange
        amqp_config = {"AMQP_URI": amqp, "serializer": "json"}
        dispatch = event_dispatcher(amqp_config, declare=[get_event_exchange("scraper", amqp_config)])
        engine = create_engine(uri)
        committed: dict[int, float] = {}
        started = time.monotonic()
        for job in postings:
            committed[job["job_id"]] = time.monotonic()
            dispatch("scraper", "job_posted", envelope({"job": job}))
            if args.rate:
                time.sleep(1 / args.rate)
        dispatched = time.monotonic() - started

        # Stored: wait until every event is processed, then until the count stops moving.
        with engine.connect() as conn:
            while conn.execute(text("SELECT count(*) FROM processed_events")).scalar() < len(postings):
                time.sleep(0.05)
            stored_at = time.monotonic()
            stored = conn.execute(text("SELECT count(*) FROM notifications")).scalar()
            per_user = conn.execute(text(
                "SELECT count(*) FROM (SELECT user_id, job_id FROM notifications GROUP BY 1, 2 HAVING count(*) > 1) t"
            )).scalar()
            connected_expected = conn.execute(text(
                "SELECT count(*) FROM notifications WHERE user_id <= :c"), {"c": args.connected}).scalar()
        deadline = time.monotonic() + 60
        while sum(len(v) for v in received.values()) < connected_expected and time.monotonic() < deadline:
            time.sleep(0.1)
        with lock:
            latencies = [(t - committed[job_id]) * 1000 for job_id, times in received.items() for t in times]
        total_s = stored_at - started
        pace = f"{args.rate:g}/s" if args.rate else "all at once"
        print(f"\n{args.subscribers:,} subscribers ({args.subscribers // 4:,} saved searches), "
              f"{args.postings:,} new postings ({pace}), users instances: {args.users_replicas}")
        print(f"events dispatched in {dispatched:.2f} s")
        print(f"notifications stored: {stored:,} ({stored / max(args.postings, 1):.1f} per posting; "
              f"duplicates per user and job: {per_user})")
        print(f"commit → every notification stored: {total_s:.2f} s "
              f"({args.postings / total_s:,.0f} postings/s, {stored / total_s:,.0f} notifications/s)")
        print(f"websocket: {args.connected} clients, {len(latencies):,} of {connected_expected:,} delivered; "
              f"commit → delivery p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms")
    finally:
        if extra_users:
            extra_users.stop()
        runner.stop()


if __name__ == "__main__":
    main()
