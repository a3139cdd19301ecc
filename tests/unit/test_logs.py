"""Log lines are JSON and carry the request id of the call being served."""
import io
import json
import logging

from jobsight.logs import JsonFormatter, RequestIdFilter, set_request_id


def capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("jobsight.test-logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_lines_are_json_with_the_current_request_id_and_extras():
    logger, stream = capture()
    set_request_id("req-123")
    try:
        logger.info("signed up %s", "ana", extra={"user_id": 7})
    finally:
        set_request_id(None)
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "signed up ana"
    assert entry["request_id"] == "req-123"
    assert entry["user_id"] == 7
    assert entry["level"] == "INFO" and "@timestamp" in entry


def test_exceptions_are_kept_in_one_json_line():
    logger, stream = capture()
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert "ValueError: boom" in json.loads(lines[0])["exception"]
