"""HTTP input validation: bodies, query and path parameters."""
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from jobsight.errors import ValidationError
from jobsight.web import inputs


def make_request(body=b"", query=None, headers=None):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return Request(EnvironBuilder(method="POST", data=data, query_string=query, headers=headers,
                                  content_type="application/json").get_environ())


def test_a_valid_body_is_returned_without_unknown_fields():
    body = inputs.json_body(make_request({"name": "Ana", "email": "a@b.co", "password": "x" * 8, "admin": True}),
                            inputs.SignUpBody())
    assert body == {"name": "Ana", "email": "a@b.co", "password": "x" * 8}


@pytest.mark.parametrize("body, message", [
    (b"{not json", "Malformed JSON body"),
    (b"\xff\xfe", "Malformed JSON body"),
    (b"", "Request body must be a JSON object"),
    (b"[1, 2]", "Request body must be a JSON object"),
    (b'"text"', "Request body must be a JSON object"),
    ({"email": "a@b.co", "password": "12345678"}, "Missing field 'name'"),
    ({"name": "Ana", "email": 5, "password": "12345678"}, "Invalid field 'email': Not a valid string."),
    ({"name": "", "email": "a@b.co", "password": "12345678"}, "Invalid field 'name'"),
    ({"name": None, "email": "a@b.co", "password": "12345678"}, "Invalid field 'name'"),
])
def test_bad_bodies_get_a_clear_message(body, message):
    with pytest.raises(ValidationError) as info:
        inputs.json_body(make_request(body), inputs.SignUpBody())
    assert info.value.message.startswith(message)


def test_oversized_bodies_are_refused_before_parsing():
    with pytest.raises(ValidationError, match="too large"):
        inputs.json_body(make_request({"skill": "x" * 5000}), inputs.SubscriptionBody(), max_bytes=1024)


def test_query_text_is_required_trimmed_and_bounded():
    assert inputs.query_text(make_request(query={"title": "  python   developer "}), "title") == "python developer"
    with pytest.raises(ValidationError, match="Missing query parameter 'title'"):
        inputs.query_text(make_request(query={"title": "   "}), "title")
    with pytest.raises(ValidationError, match="too long"):
        inputs.query_text(make_request(query={"title": "x" * 201}), "title")


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", "", "99999999999999999999999"])
def test_user_ids_must_be_positive_integers(value):
    with pytest.raises(ValidationError, match="positive integer"):
        inputs.positive_int(value, "user_id")


def test_request_token_reads_the_bearer_header():
    assert inputs.request_token(make_request(headers={"Authorization": "Bearer t0k"})) == "t0k"
    assert inputs.request_token(make_request()) is None
