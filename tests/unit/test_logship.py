"""Shipped log records: ECS fields, nothing personal, and a dead server costs drops, not waits."""
import json
import logging
import socket
import time

from jobsight import logship
from jobsight.logs import RequestIdFilter, set_request_id


def record(message, *args, exc_info=None, **extra):
    rec = logging.LogRecord("jobsight.test", logging.INFO, __file__, 1, message, args, exc_info)
    for key, value in extra.items():
        setattr(rec, key, value)
    RequestIdFilter().filter(rec)
    return rec


def test_records_carry_ecs_fields_and_the_domain_ones():
    set_request_id("req-42")
    try:
        doc = logship.ecs_document(record("users.get_user ok", service="users", entrypoint="get_user",
                                          duration_ms=1.5, outcome="ok", user_id=7, job_id=9, source="demo"))
    finally:
        set_request_id(None)
    assert doc["@timestamp"] and doc["log"]["level"] == "INFO"
    assert doc["service"]["name"] == "users" and doc["service"]["node"]["name"]
    assert doc["trace"]["id"] == "req-42"
    assert doc["event"]["action"] == "users.get_user" and doc["event"]["outcome"] == "success"
    assert doc["event"]["duration"] == 1_500_000
    assert doc["jobsight"] == {"entrypoint": "get_user", "duration_ms": 1.5, "outcome": "ok", "user_id": 7,
                               "job_id": 9, "source": "demo"}


def test_exceptions_become_error_type_and_stack_trace():
    try:
        raise KeyError("missing")
    except KeyError:
        import sys
        doc = logship.ecs_document(record("failed", exc_info=sys.exc_info()))
    assert doc["error"]["type"] == "KeyError"
    assert "Traceback" in doc["error"]["stack_trace"] and "missing" in doc["error"]["stack_trace"]


def test_emails_passwords_and_tokens_are_never_shipped():
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl"
    try:
        raise ValueError("no user ana@example.com")
    except ValueError:
        import sys
        doc = logship.ecs_document(record(
            "login of %s with %s failed; header Bearer %s", "ana@example.com", token, "s3cr3t-opaque-token",
            exc_info=sys.exc_info(), email="ana@example.com", password="correct horse", token=token,
            user_email="bo@example.org", authorization=f"Bearer {token}", secret_key="k" * 32,
            request={"email": "ana@example.com", "password": "correct horse", "note": "from ana@example.com"}))
    shipped = json.dumps(doc)
    for secret in ("ana@example.com", "bo@example.org", "correct horse", token, "s3cr3t-opaque-token", "k" * 32):
        assert secret not in shipped
    assert "[email]" in doc["message"] and "[token]" in doc["message"]
    assert doc["jobsight"]["request"] == {"note": "from [email]"}


def test_a_hung_server_drops_and_counts_without_making_the_caller_wait():
    # Connections are taken by the kernel and never answered: every request waits for its timeout.
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(64)
    handler = logship.ElasticsearchHandler(f"http://127.0.0.1:{hung.getsockname()[1]}", buffer=5, batch=2,
                                           flush_seconds=0.05, retries=1, retry_seconds=0.01, timeout=4)
    unavailable = logship.DROPPED.labels("unavailable")._value.get()
    full = logship.DROPPED.labels("queue_full")._value.get()
    started = time.monotonic()
    for n in range(200):
        handler.emit(record("line %s", n))
    assert time.monotonic() - started < 2.0  # 200 records; one wait for the server would be 4 s
    deadline = time.monotonic() + 20
    while logship.DROPPED.labels("unavailable")._value.get() == unavailable and time.monotonic() < deadline:
        time.sleep(0.05)
    assert logship.DROPPED.labels("unavailable")._value.get() > unavailable
    assert logship.DROPPED.labels("queue_full")._value.get() > full  # the buffer holds 5
    handler.close()
    hung.close()


def test_switched_off_it_is_a_null_handler():
    assert isinstance(logship.handler(url="http://127.0.0.1:9200", enabled=False), logging.NullHandler)
    assert isinstance(logship.handler(url="", enabled=True), logging.NullHandler)
    assert isinstance(logship.handler(url="http://127.0.0.1:9200", enabled="true"), logship.ElasticsearchHandler)


def test_daily_index_names():
    assert logship.index_name("jobsight-logs", 0) == "jobsight-logs-1970.01.01"
