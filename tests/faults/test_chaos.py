"""The chaos suite: a sandboxed Jobsight with two instances of every service (jobsight up
--detach --replicas 2, HAProxy in front), a bounded load of readers, a login and a writer, and
one real fault at a time (jobsight.chaos). Runs last in the suite (tests/conftest.py): the
broker and PostgreSQL drills stop the machine's servers for every system on it.

`pytest tests/faults -s` prints the table bench/chaos.py prints."""
import shutil

import pytest

from jobsight.chaos import SANDBOX_ENV, Drills, table
from jobsight.sandbox import Sandbox
from jobsight.supervisor import find_haproxy

pytestmark = [pytest.mark.integration, pytest.mark.faults]

ROWS = []
DEADLINE = float(SANDBOX_ENV["RPC_TIMEOUT"])
# A request makes at most two calls in a row (a cached insight asks for the warehouse version
# first), each bounded by its deadline: no request waits longer than both, and a little.
LONGEST = 2 * DEADLINE + 1.5


def failed_clearly(row) -> bool:
    """Every failure a 503 or a 504 answered in time: never a 500, a dropped connection or a hang."""
    return all(o.status in (503, 504) for o in row.failures) and row.max_latency < LONGEST


@pytest.fixture(scope="module")
def drills(databases):  # after the suite's own databases exist: the same server, other names
    if find_haproxy() is None or shutil.which("rabbitmqctl") is None or shutil.which("pg_ctlcluster") is None:
        pytest.fail("the chaos suite needs haproxy, rabbitmqctl and pg_ctlcluster (scripts/setup.sh installs them)")
    box = Sandbox("chaos", replicas=2, redis_db=13, demo_count=300, env=SANDBOX_ENV)
    box.create()
    box.up()
    try:
        drill = Drills(box)
        drill.prepare()
        yield drill
    finally:
        box.down()
        print("\n" + table(ROWS))
        box.destroy()


def clean(row) -> list:
    return [(o.kind, o.route, o.status, o.detail[:120]) for o in row.failures]


@pytest.mark.parametrize("service", ["users", "scraper", "insights", "etl", "coordinator", "gateway"])
def test_sigkill_one_instance_loses_no_read_and_no_write(drills, service):
    row = drills.kill(service, index=1 if service != "gateway" else 0)
    ROWS.append(row)
    assert row.recover_seconds is not None, f"{service} did not come back"
    assert row.notes["restarts"] == 1
    assert row.requests > 20 and row.failed == 0, clean(row)
    assert row.max_latency < LONGEST, row.slowest  # never a hang (HAProxy's retry of a read included)
    writes = row.writes
    assert writes["acknowledged"] > 0 and writes["lost"] == 0 and writes["twice"] == 0, writes
    # A write may fail, clearly: never a 500. A sign-up in flight on the gateway that dies is
    # not replayed by HAProxy, which closes a kept-alive client connection without an answer
    # (deploy/haproxy.cfg): the client sees the failure, and nothing is stored twice.
    clear = {"503", "504"} | ({"502", "ConnectionError"} if service == "gateway" else set())
    assert set(writes["refused"]) <= clear, writes
    assert row.events_lost == 0 and row.events_duplicated == 0, row.notes


def test_a_stopped_service_opens_its_breakers_then_they_close_by_themselves(drills):
    row = drills.pause("insights")
    ROWS.append(row)
    assert row.notes["breaker_open_after_s"] is not None, row.notes["answers_while_opening"]
    open_answers = row.notes["open_answers"]
    assert open_answers and all(status == 503 and ms < 50 for status, ms in open_answers), open_answers
    assert row.recover_seconds is not None, "the breakers did not close after SIGCONT"
    # Only what needs insights may fail meanwhile, and only with a 503 or a 504 at its deadline.
    assert all("insights" in o.route or o.route == "/all-skills-by-demand" for o in row.failures), clean(row)
    assert failed_clearly(row), (clean(row)[:5], row.slowest)
    assert row.events_lost == 0 and row.events_duplicated == 0, row.notes


def test_a_broker_outage_during_ingestion_loses_no_event(drills):
    row = drills.broker_outage(10)
    ROWS.append(row)
    assert row.notes["jobs_committed_during_outage"] > 0, "nothing was ingested while the broker was down"
    assert row.recover_seconds is not None, "the system did not recover after RabbitMQ came back"
    assert failed_clearly(row), (clean(row)[:5], row.slowest)
    assert set(row.writes["refused"]) <= {"503", "504"}, row.writes
    assert row.events_lost == 0, row.notes
    assert row.events_duplicated == 0, row.notes
    assert row.writes["lost"] == 0 and row.writes["twice"] == 0, row.writes


def test_a_database_restart_heals_without_restarting_a_service(drills):
    row = drills.database_restart()
    ROWS.append(row)
    assert row.recover_seconds is not None, "the system did not recover after PostgreSQL came back"
    assert row.notes["restarted"] == [], row.notes
    assert failed_clearly(row), (clean(row)[:5], row.slowest)
    assert set(row.writes["refused"]) <= {"503", "504"}, row.writes
    assert row.events_lost == 0 and row.events_duplicated == 0, row.notes
    assert row.writes["lost"] == 0 and row.writes["twice"] == 0, row.writes
