"""The scraper service's entrypoints with nameko's worker_factory, on the real jobs_db and Redis
and a real board served on loopback: what is stored is committed together with its events."""
import json
import threading
import uuid

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from jobsight.adapters.units import JobsUnit
from jobsight.errors import Conflict, NotFound, ValidationError
from jobsight.ingestion.state import ScraperState
from services.scraper import ScraperService


class Board:
    """A greenhouse-shaped board on loopback."""

    def __init__(self, company):
        self.jobs = []
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.company = company

    def add(self, n, title):
        self.jobs.append({"id": 7000 + n, "title": title, "updated_at": "2026-11-01T10:00:00+00:00",
                          "absolute_url": f"https://boards.example.com/{self.company}/jobs/{7000 + n}",
                          "location": {"name": "Berlin, Germany"},
                          "content": "&lt;p&gt;We use Python and PostgreSQL.&lt;/p&gt;"})

    def __call__(self, environ, start_response):
        body = json.dumps({"jobs": self.jobs, "meta": {"total": len(self.jobs)}})
        return Response(body, content_type="application/json")(environ, start_response)


@pytest.fixture
def board():
    board = Board(f"svc{uuid.uuid4().hex[:8]}")
    yield board
    board.server.shutdown()


@pytest.fixture
def service(engines, redis_client, board):
    source = {"name": f"{board.company}-board", "kind": "greenhouse", "base_url": board.url, "board": board.company,
              "interval": 60, "rate_limit": 0, "enabled": True}
    state = ScraperState([source], redis_client, {"rate_limit": 0, "max_attempts": 1})
    sessions = sessionmaker(bind=engines["jobs"])
    worker = worker_factory(ScraperService, uow=JobsUnit(sessions), state=state, config={})
    worker.source = source
    yield worker
    state.close()
    with engines["jobs"].begin() as conn:
        conn.execute(text("DELETE FROM jobs WHERE company_key = :c"), {"c": board.company})
        conn.execute(text("DELETE FROM source_runs WHERE source_name = :s"), {"s": source["name"]})


def test_a_run_commits_each_job_with_its_event(service, board, outbox):
    board.add(1, "Backend Engineer")
    board.add(2, "Data Engineer")
    stats = service.run_source(service.source["name"])
    assert (stats["new"], stats["events"], stats["errors"]) == (2, 2, 0)
    events = outbox("jobs")  # read through another connection: committed, for the relay to publish
    assert sorted(kind for kind, _ in events) == ["job_posted", "job_posted"]
    for _, event in events:
        job = event["data"]["job"]
        assert service.get_job(job["job_id"])["title"] == job["title"]
    (run,) = service.source_runs(service.source["name"], 1)
    assert run["new"] == 2 and run["events"] == 2


def test_a_second_run_of_an_unchanged_board_announces_nothing(service, board, outbox):
    board.add(1, "Backend Engineer")
    service.run_source(service.source["name"])
    written = len(outbox("jobs"))
    stats = service.run_source(service.source["name"])
    assert (stats["new"], stats["unchanged"], stats["events"]) == (0, 1, 0)
    assert len(outbox("jobs")) == written


def test_a_running_source_is_not_run_twice(service, redis_client):
    assert service.state.start_running(service.source["name"])
    try:
        with pytest.raises(Conflict, match="already running"):
            service.run_source(service.source["name"])
    finally:
        service.state.stop_running(service.source["name"])


@pytest.mark.parametrize("job_id", [0, -3, "7", True, 2**63])
def test_get_job_refuses_what_is_not_an_id(service, job_id):
    with pytest.raises(ValidationError, match="job_id"):
        service.get_job(job_id)


def test_unknown_jobs_and_sources_are_not_found(service):
    with pytest.raises(NotFound):
        service.get_job(2**62)
    with pytest.raises(NotFound):
        service.run_source("no-such-source")
    with pytest.raises(ValidationError, match="limit"):
        service.source_runs(service.source["name"], 0)


def test_a_skill_added_while_running_is_committed(service, engines):
    name = f"Zyx{uuid.uuid4().hex[:6]}"
    assert service.add_skill(name, "language", ["zyx"]) == {"skill": name, "created": True}
    with engines["jobs"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM skills WHERE name = :n"), {"n": name}).scalar() == 1
    assert service.add_skill(name)["created"] is False
    with engines["jobs"].begin() as conn:
        conn.execute(text("DELETE FROM skills WHERE name = :n"), {"n": name})
