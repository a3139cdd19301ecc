"""Helpers for end-to-end tests against the running Jobsight (the ``system``, ``gateway`` and
``rpc`` fixtures are in tests/conftest.py, so the browser tests in tests/web share the one system)."""
import signal
from contextlib import contextmanager

import pytest
import requests

from jobsight.chaos import wait_for  # noqa: F401  (the tests' one polling helper)


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def operator(config):
    """The header that makes a request an operator's: the detailed /status, /metrics."""
    from jobsight.supervisor import operator_headers

    return operator_headers(config)


@contextmanager
def paused(system, service):
    """Freeze every instance of a service (SIGSTOP): it holds its queue but answers nothing."""
    processes = [i.process for i in system.instances if i.service == service]
    for process in processes:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for process in processes:
            process.send_signal(signal.SIGCONT)


@pytest.fixture
def scraper_events(system, config):
    """Every job event the scraper dispatches while the test runs, as (type, payload)."""
    import json

    from kombu import Connection, Queue
    from nameko.standalone.events import get_event_exchange

    received = []
    connection = Connection(config["AMQP_URI"])
    channel = connection.channel()
    exchange = get_event_exchange("scraper", config)(channel)
    exchange.declare()
    queue = Queue(exclusive=True, exchange=exchange, routing_key="#")(channel)
    queue.declare()

    def drain():
        while True:
            message = queue.get(no_ack=True)
            if message is None:
                return received
            received.append((message.delivery_info["routing_key"], json.loads(message.body)))

    yield drain
    connection.release()


def wait_for_quiet_queues(config, seconds: float = 180.0) -> None:
    """Block until every event is handled: nothing waits in the services' outboxes (events are
    published from there after their commit) and every queue of the suite's vhost is drained,
    both at once, so a test sees the effects of its own events, not a backlog."""
    import time
    from urllib.parse import quote, urlsplit

    from sqlalchemy import create_engine, text

    from jobsight.config import db_uri

    vhost = urlsplit(config["AMQP_URI"]).path.lstrip("/") or "/"
    url = f"http://127.0.0.1:15672/api/queues/{quote(vhost, safe='')}"
    engines = [create_engine(db_uri(config, name)) for name in ("jobs", "users")]
    deadline = time.monotonic() + seconds
    busy: list[str] = []
    try:
        while time.monotonic() < deadline:
            busy = []
            for engine in engines:
                with engine.connect() as conn:
                    if conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar():
                        busy.append(f"outbox of {engine.url.database}")
            queues = requests.get(url, auth=("guest", "guest"), timeout=5).json()
            busy += [q["name"] for q in queues if q.get("messages", 0) and not q["name"].startswith("rpc.reply")]
            if not busy:
                return
            time.sleep(0.5)
    finally:
        for engine in engines:
            engine.dispose()
    raise AssertionError(f"queues still busy after {seconds:.0f}s: {busy}")
