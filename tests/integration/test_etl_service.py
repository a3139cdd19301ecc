"""The etl service in the running system (real RabbitMQ, PostgreSQL, Redis): the warehouse ends
up exactly like jobs_db whatever the delivery does — duplicates, reordering, bad payloads,
etl down for a while — and a rebuild swaps in under running queries without failing any."""
import os
from contextlib import contextmanager

import eventlet
import pytest
import requests
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from jobsight.events import envelope
from jobsight.supervisor import Supervisor
from tests.integration.etl_support import eventually, expected, make_job, reset_warehouse, warehouse_jobs

pytestmark = pytest.mark.integration
B = 50_000_000  # our job ids: far above any id the running scraper assigns itself


@pytest.fixture(scope="module")
def n(system, config):
    with ClusterRpcProxy(config, timeout=120) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def dispatch(config):
    return event_dispatcher(config)


@pytest.fixture(scope="module")
def clean(system, engines, n):
    """Empty jobs_db and warehouse, so 'the warehouse matches jobs_db' means all of it."""
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs CASCADE"))
    n.etl.catch_up()  # settle anything a timer started before we emptied things
    reset_warehouse(engines["warehouse"])
    yield
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs CASCADE"))
    reset_warehouse(engines["warehouse"])


def insert_jobs(engine, ids, skills=("Python", "PostgreSQL")):
    with engine.begin() as conn:
        for i in ids:
            job = make_job(i, skills=list(skills))
            conn.execute(text("""
                INSERT INTO jobs (id, title, company, company_key, location, city, country, workplace, remote,
                                  employment_type, seniority, description, date_posted, skills, annual_min,
                                  annual_max, annual_currency, salary_min, salary_max, salary_currency,
                                  salary_period, salary_raw, experience_years, status, first_seen, last_seen,
                                  updated_at, version)
                VALUES (:id, :title, :company, lower(:company), :location, :city, :country, :workplace, :remote,
                        :employment_type, :seniority, 'Build things.', :date_posted, :skills, :lo, :hi, 'EUR',
                        :lo, :hi, 'EUR', 'year', '50k-70k', :exp, 'open', :first_seen, :last_seen,
                        clock_timestamp(), 1)"""),
                {**job, "id": i, "lo": job["salary"]["annual_min"], "hi": job["salary"]["annual_max"],
                 "exp": job["experience_years"]})


def change_jobs(engine, ids, close=False):
    with engine.begin() as conn:
        for i in ids:
            if close:
                conn.execute(text("UPDATE jobs SET status = 'closed', closed_at = last_seen + interval '1 hour', "
                                  "version = version + 1, updated_at = clock_timestamp() WHERE id = :id"), {"id": i})
            else:
                conn.execute(text("UPDATE jobs SET title = title || ' (senior)', skills = skills || 'Docker'::text, "
                                  "version = version + 1, updated_at = clock_timestamp() WHERE id = :id"), {"id": i})


def publish(n, dispatch, ids, event_type, event_id=None):
    for i in ids:
        dispatch("scraper", event_type, envelope({"job": n.scraper.get_job(i)}, event_id=event_id))


def exported(n) -> dict:
    """jobs_db as the scraper exports it, in the warehouse's comparable form."""
    jobs, cursor = {}, None
    while True:
        page = n.scraper.export_jobs(after=cursor, limit=200)
        jobs.update({j["job_id"]: expected(j) for j in page["jobs"]})
        if not page["next"]:
            return jobs
        cursor = page["next"]


def matches_jobs_db(n, engines, timeout=30.0):
    """jobs_db (as exported) once the warehouse equals it, else False. The scraper may be
    ingesting at the same time, so both sides are read afresh on every try."""
    last = {}

    def same():
        truth, ours = exported(n), warehouse_jobs(engines["warehouse"])
        last["diff"] = {i: (truth.get(i), ours.get(i)) for i in set(truth) | set(ours) if truth.get(i) != ours.get(i)}
        return ours == truth and truth
    found = eventually(same, timeout=timeout, interval=0.3)
    if not found:
        print("warehouse differs from jobs_db:", list(last["diff"].items())[:3], len(last["diff"]))
    return found


def processed(engine, event_id) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM etl.processed_events WHERE event_id = :e"), {"e": event_id}).scalar()


@contextmanager
def etl_stopped(system):
    """Stop every etl instance for real (SIGTERM), then start them again."""
    instances = [i for i in system.instances if i.service == "etl"]
    for instance in instances:
        instance.process.terminate()
    for instance in instances:
        instance.process.wait(30)
    system.instances = [i for i in system.instances if i.service != "etl"]
    try:
        yield
    finally:
        import tempfile

        # Its own run directory: the system's file of Prometheus targets is the system's to write.
        restarted = Supervisor(system.config, system.config_path, replicas=max(len(instances), 1),
                               log_dir=system.log_dir, services=("etl",), out=open(os.devnull, "w"),
                               run_dir=tempfile.mkdtemp(prefix="etl-restarted-"))
        restarted.start()
        system.instances.extend(restarted.instances)
        system.write_state()


def test_events_keep_the_warehouse_identical_to_jobs_db(n, dispatch, engines, clean):
    before = n.etl.status()["version"]
    insert_jobs(engines["jobs"], range(B + 1001, B + 1031))
    publish(n, dispatch, range(B + 1001, B + 1031), "job_posted")
    change_jobs(engines["jobs"], range(B + 1001, B + 1006))
    publish(n, dispatch, range(B + 1001, B + 1006), "job_updated")
    change_jobs(engines["jobs"], range(B + 1026, B + 1031), close=True)
    publish(n, dispatch, range(B + 1026, B + 1031), "job_closed")

    truth = matches_jobs_db(n, engines)
    assert truth and set(range(B + 1001, B + 1031)) <= set(truth), "the warehouse does not match jobs_db"
    assert truth[B + 1001]["skills"] == ["Docker", "PostgreSQL", "Python"] and truth[B + 1030]["status"] == "closed"
    status = n.etl.status()
    assert status["jobs"] == {"open": sum(j["status"] == "open" for j in truth.values()),
                              "closed": sum(j["status"] == "closed" for j in truth.values())}
    assert status["version"] >= before + 40  # every load that changed something bumped it


def test_a_duplicate_or_late_event_changes_nothing(n, dispatch, engines, clean):
    insert_jobs(engines["jobs"], [B + 1101])
    v1 = n.scraper.get_job(B + 1101)
    change_jobs(engines["jobs"], [B + 1101])
    v2 = n.scraper.get_job(B + 1101)
    dispatch("scraper", "job_updated", envelope({"job": v2}, event_id="dup-1101"))
    # A redelivery comes after the first delivery was handled (with several workers, two copies
    # sent together may be taken in either order, and then either is "the" event).
    assert eventually(lambda: processed(engines["warehouse"], "dup-1101"))
    dispatch("scraper", "job_updated", envelope({"job": {**v2, "title": "A replay must not win"}},
                                                event_id="dup-1101"))
    dispatch("scraper", "job_posted", envelope({"job": v1}, event_id="late-1101"))  # older, arrives last
    assert eventually(lambda: processed(engines["warehouse"], "late-1101"))
    assert warehouse_jobs(engines["warehouse"])[B + 1101] == expected(v2)


def test_malformed_events_are_rejected_without_blocking_the_queue(n, dispatch, engines, clean):
    rejected_before = n.etl.status()["events"]["rejected"]
    dispatch("scraper", "job_posted", {"no": "envelope"})
    dispatch("scraper", "job_posted", envelope({"job": {"job_id": "not-a-number"}}))
    dispatch("scraper", "job_updated", envelope({"nothing": "here"}))
    dispatch("scraper", "job_closed", "just a string")
    insert_jobs(engines["jobs"], [B + 1201])
    publish(n, dispatch, [B + 1201], "job_posted")
    assert eventually(lambda: B + 1201 in warehouse_jobs(engines["warehouse"]))
    assert eventually(lambda: n.etl.status()["events"]["rejected"] >= rejected_before + 4)


def test_nothing_is_missing_after_etl_was_down(system, n, dispatch, engines, clean):
    insert_jobs(engines["jobs"], range(B + 1301, B + 1311))
    publish(n, dispatch, range(B + 1301, B + 1311), "job_posted")
    assert matches_jobs_db(n, engines)
    with etl_stopped(system):
        insert_jobs(engines["jobs"], range(B + 1311, B + 1321))
        publish(n, dispatch, range(B + 1311, B + 1316), "job_posted")  # queued while etl is down
        # ...and changes whose events were lost: only the catch-up can find these.
        insert_jobs(engines["jobs"], range(B + 1321, B + 1326))
        change_jobs(engines["jobs"], range(B + 1301, B + 1304), close=True)
    truth = matches_jobs_db(n, engines, timeout=60)
    assert truth and set(range(B + 1301, B + 1326)) <= set(truth), "jobs changed while etl was down are missing"
    assert n.etl.status()["watermark"]["source_updated_at"]


def test_status_reports_version_watermark_lag_counts_and_quality(system, n, dispatch, engines, clean):
    insert_jobs(engines["jobs"], range(B + 1401, B + 1406))
    # A catch-up the timer started may hold the lock: ask until ours runs.
    summary = eventually(lambda: (s := n.etl.catch_up()) and not s.get("skipped") and s, timeout=60, interval=1)
    assert summary and summary["jobs"] >= 5
    status = eventually(lambda: (s := n.etl.status())["jobs"]["open"] >= 5 and s["lag"]["events"] == 0 and s)
    assert status["rows"]["fact_job"] == sum(status["jobs"].values())
    assert status["rows"]["bridge_job_skill"] >= 2 * 5
    assert status["lag"] == {"events": 0, "seconds": 0.0}
    assert status["quality"]["checks"]["no_orphan_bridge_rows"]["ok"]
    assert status["watermark"]["source_updated_at"] and status["last_catch_up_at"]
    from jobsight.supervisor import operator_headers

    through_gateway = requests.get(system.base_url + "/status", timeout=10,
                                   headers=operator_headers(system.config)).json()["warehouse"]
    assert through_gateway["version"] >= status["version"] and through_gateway["jobs"]["open"] >= 5


def test_rebuild_swaps_in_while_queries_keep_answering(system, n, dispatch, engines, clean):
    insert_jobs(engines["jobs"], range(B + 1501, B + 1561))
    change_jobs(engines["jobs"], range(B + 1501, B + 1511), close=True)
    publish(n, dispatch, range(B + 1501, B + 1561), "job_posted")
    assert matches_jobs_db(n, engines)
    paths = ["/all-skills-by-demand", "/skills-by-salary", "/average-job-salary",
             "/generate-insight-skills-by-demand/python developer"]
    baseline = {p: requests.get(system.base_url + p, timeout=10).json() for p in paths}
    failures, answers, done = [], [0], eventlet.event.Event()

    def query_forever(path):
        with requests.Session() as http:
            while not done.ready():
                response = http.get(system.base_url + path, timeout=10)
                # The running scraper may be ingesting too: the shape must hold, the numbers may move.
                if response.status_code != 200 or type(response.json()) is not type(baseline[path]):
                    failures.append((path, response.status_code, response.text[:200]))
                answers[0] += 1

    readers = [eventlet.spawn(query_forever, path) for path in paths * 2]
    version_before = n.etl.status()["version"]
    try:
        result = n.etl.rebuild()
    finally:
        eventlet.sleep(0.2)
        done.send(True)
        for reader in readers:
            reader.wait()
    assert not failures, failures[:5]
    assert answers[0] > len(readers)
    assert result["jobs"] >= 60 and result["version"] > version_before
    checks = {check["name"]: check for check in result["checks"]}
    assert checks["counts_reconcile"]["ok"] and checks["no_orphan_bridge_rows"]["ok"], checks
    assert matches_jobs_db(n, engines, timeout=5)
    with engines["warehouse"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'warehouse\\_%'")).scalar() == 0


def test_subscriptions_reach_the_daily_snapshot(system, n, engines, clean):
    import uuid
    n.etl.catch_up()  # the skill taxonomy (with aliases) is in dim_skill
    email = f"etl-{uuid.uuid4().hex[:8]}@example.com"
    with requests.Session() as http:
        assert http.post(system.base_url + "/sign-up",
                         json={"name": "Ana", "email": email, "password": "correct horse"}).status_code == 201
        token = http.post(system.base_url + "/login", json={"email": email, "password": "correct horse"}).json()["token"]
        response = http.post(system.base_url + "/subscriptions", json={"skill": "kubernetes"},
                             headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (200, 201), response.text

    def subscribers(skill):
        with engines["warehouse"].connect() as conn:
            return conn.execute(text(
                "SELECT subscribers FROM warehouse.snapshot_skill_subscribers WHERE skill = :s "
                "AND date_key = (SELECT max(date_key) FROM warehouse.snapshot_skill_subscribers)"), {"s": skill}).scalar()

    assert eventually(lambda: subscribers("Kubernetes"))  # spelled as the taxonomy does
    n.etl.catch_up()  # replaces today's numbers with the users service's own
    # Subscriptions are stored under the canonical name ("kubernetes" is subscribed as "Kubernetes").
    assert subscribers("Kubernetes") == n.users.subscribers_per_skill().get("Kubernetes")
