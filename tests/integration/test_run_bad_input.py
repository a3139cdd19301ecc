"""A source that starts sending garbage: the run skips, counts and logs it, never crashes,
and loses nothing already stored (real jobs_db, a real HTTP server on loopback)."""
import json
import logging
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from jobsight.adapters.units import JobsUnit
from jobsight.ingestion import pipeline
from jobsight.normalize import default_taxonomy
from jobsight.sources.fetch import Fetcher

pytestmark = pytest.mark.integration


def board(*jobs):
    return json.dumps({"jobs": list(jobs), "meta": {"total": len(jobs)}})


def job(n, title="Backend Engineer"):
    return {"id": 5000 + n, "title": f"{title} {n}", "updated_at": "2026-11-01T10:00:00-04:00",
            "absolute_url": f"https://boards.example.com/flaky/jobs/{5000 + n}", "location": {"name": "Berlin, Germany"},
            "content": "&lt;p&gt;We use Python and PostgreSQL. 3+ years of experience.&lt;/p&gt;",
            "requisition_id": f"R-{n}"}


class Board:
    """A greenhouse-shaped board whose answer the test changes."""

    def __init__(self):
        self.body = board()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __call__(self, environ, start_response):
        return Response(self.body, content_type="application/json")(environ, start_response)


@pytest.fixture
def flaky(engines, outbox):
    with engines["jobs"].begin() as conn:
        conn.execute(text("DELETE FROM jobs WHERE company_key = 'flaky'"))
    server = Board()
    source = {"name": "flaky-board", "kind": "greenhouse", "base_url": server.url, "board": "flaky",
              "interval": 60, "rate_limit": 0}
    def events():
        return [kind for kind, _ in outbox("jobs")]

    def run():
        fetcher = Fetcher(source, rate_limit=0, max_attempts=1)
        return pipeline.run_source(source, fetcher, default_taxonomy(), lambda: JobsUnit.of(Session(engines["jobs"])))

    yield server, run, events
    server.server.shutdown()


def open_titles(engines):
    with engines["jobs"].connect() as conn:
        return sorted(conn.execute(text(
            "SELECT title FROM jobs WHERE company_key = 'flaky' AND status = 'open'")).scalars())


def test_garbage_is_skipped_counted_logged_and_loses_nothing(flaky, engines, caplog):
    server, run, events = flaky
    server.body = board(job(1), job(2), job(3))
    first = run()
    assert first.new == 3 and first.errors == 0
    assert open_titles(engines) == ["Backend Engineer 1", "Backend Engineer 2", "Backend Engineer 3"]

    server.body = "<html>502 Bad Gateway</html>"  # the board's layout changed / broke
    with caplog.at_level(logging.WARNING, logger="jobsight.ingestion"):
        broken = run()
    assert broken.skipped == 1 and broken.closed == 0
    assert any(server.url in record.getMessage() for record in caplog.records)
    assert open_titles(engines) == ["Backend Engineer 1", "Backend Engineer 2", "Backend Engineer 3"]

    server.body = board(job(1), {"id": "x", "title": None}, job(3))  # one malformed item
    partial = run()
    assert partial.skipped == 1 and partial.closed == 0
    assert len(open_titles(engines)) == 3

    server.body = board(job(1), job(3))  # a clean run: job 2 really is gone
    clean = run()
    assert clean.closed == 1 and clean.skipped == 0
    assert open_titles(engines) == ["Backend Engineer 1", "Backend Engineer 3"]
    assert events().count("job_posted") == 3 and events().count("job_closed") == 1
