"""The transactional outbox on the real jobs_db and RabbitMQ: an event exists exactly when its
change commits, survives a publisher that fails, and is published once by several relays."""
import json
import threading
import uuid

import pytest
from kombu import Connection, Queue
from nameko.amqp.publish import Publisher
from nameko.events import get_event_exchange
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from jobsight.adapters.units import JobsUnit
from jobsight.migrate import upgrade
from jobsight.outbox import Relay
from tests.conftest import _recreate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def engines(databases):
    """A jobs database of this module's own: no running scraper's relay publishes its rows."""
    uri = databases["jobs"] + "_outbox"
    _recreate(uri)
    upgrade("jobs", uri)
    engine = create_engine(uri)
    yield {"jobs": engine}
    engine.dispose()


@pytest.fixture
def marker(engines):
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE outbox"))  # each test relays only its own rows
    return f"test_event_{uuid.uuid4().hex[:8]}"


def write(engine, marker, n, commit=True):
    with JobsUnit.of(Session(engine)) as uow:
        for i in range(n):
            uow.outbox.add(marker, {"n": i})
        if commit:
            uow.commit()


def pending(engine, marker):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE event_type = :m AND published_at IS NULL"),
                            {"m": marker}).scalar()


def test_an_event_exists_only_if_its_transaction_commits(engines, marker):
    write(engines["jobs"], marker, 2, commit=False)
    assert pending(engines["jobs"], marker) == 0
    write(engines["jobs"], marker, 2)
    assert pending(engines["jobs"], marker) == 2


def test_a_failing_broker_keeps_the_rows_and_they_go_out_once_it_returns(engines, marker):
    write(engines["jobs"], marker, 5)
    sent, broker_up = [], {"up": False}

    def publish(kind, payload, request_id):
        if not broker_up["up"] and len(sent) == 2:
            raise ConnectionError("broker away")
        sent.append(payload["data"]["n"])

    relay = Relay(engines["jobs"], publish)
    with pytest.raises(ConnectionError):
        relay.relay_once()
    assert sent == [0, 1] and pending(engines["jobs"], marker) == 3  # confirmed ones are marked sent
    broker_up["up"] = True
    assert relay.relay_once() == 3
    assert sent == [0, 1, 2, 3, 4]  # each once, in order


def test_relays_of_several_instances_publish_each_event_once(engines, marker):
    write(engines["jobs"], marker, 300)
    sent, lock = [], threading.Lock()

    def publish(kind, payload, request_id):
        with lock:
            sent.append(payload["event_id"])

    relays = [Relay(engines["jobs"], publish, batch=20) for _ in range(3)]

    def drain(relay):
        for _ in range(200):
            if relay.relay_once() == 0 and pending(engines["jobs"], marker) == 0:
                return

    threads = [threading.Thread(target=drain, args=(r,)) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(sent) == 300 and len(set(sent)) == 300


def test_the_relay_publishes_to_the_real_broker_with_the_request_id(engines, config, marker):
    exchange = get_event_exchange("scraper", config)
    with Connection(config["AMQP_URI"]) as connection:
        channel = connection.channel()
        bound = exchange(channel)
        bound.declare()
        queue = Queue(exclusive=True, exchange=exchange, routing_key=marker)(channel)
        queue.declare()
        from jobsight import logs

        logs.set_request_id("req-outbox-1")
        try:
            write(engines["jobs"], marker, 3)
        finally:
            logs.set_request_id(None)
        publisher = Publisher(config["AMQP_URI"], use_confirms=True, declare=[exchange])
        relay = Relay(engines["jobs"], lambda kind, payload, rid: publisher.publish(
            payload, exchange=exchange, routing_key=kind, headers={"nameko.request_id": rid}))
        assert relay.drain() == 3
        received = []
        for _ in range(3):
            message = queue.get(no_ack=True)
            assert message is not None
            received.append((json.loads(message.body)["data"]["n"], message.headers.get("nameko.request_id")))
    assert received == [(0, "req-outbox-1"), (1, "req-outbox-1"), (2, "req-outbox-1")]
