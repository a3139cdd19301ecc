"""Which id a request is known by in every log record and event: the caller's X-Request-ID, the
trace id of a W3C traceparent, or a new one."""
import re

from jobsight.web.server import request_id_of, traceparent_for

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_sane_request_id_is_kept_even_beside_a_traceparent():
    assert request_id_of({"HTTP_X_REQUEST_ID": "abc-123",
                          "HTTP_TRACEPARENT": f"00-{TRACE}-00f067aa0ba902b7-01"}) == "abc-123"


def test_the_trace_id_of_a_valid_traceparent_becomes_the_request_id():
    assert request_id_of({"HTTP_TRACEPARENT": f"00-{TRACE}-00f067aa0ba902b7-01"}) == TRACE
    answered = traceparent_for(TRACE)
    assert re.fullmatch(rf"00-{TRACE}-[0-9a-f]{{16}}-01", answered)
    assert answered.split("-")[2] != "00f067aa0ba902b7"  # the gateway's own span


def test_a_malformed_or_all_zero_traceparent_is_ignored():
    for bad in ("garbage", f"00-{'0' * 32}-00f067aa0ba902b7-01", f"00-{TRACE}-{'0' * 16}-01",
                f"01-{TRACE}-00f067aa0ba902b7", f"00-{TRACE[:-1]}-00f067aa0ba902b7-01"):
        made = request_id_of({"HTTP_TRACEPARENT": bad})
        assert made != TRACE and re.fullmatch(r"[0-9a-f]{32}", made)


def test_an_insane_request_id_is_replaced_and_a_custom_one_gets_no_traceparent():
    made = request_id_of({"HTTP_X_REQUEST_ID": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert traceparent_for("abc-123") is None
