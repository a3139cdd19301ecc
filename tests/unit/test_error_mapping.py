"""The one HTTP error mapper: typed errors keep their message, anything else hides it."""
import json

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound as WerkzeugNotFound

from jobsight import errors
from jobsight.web.errors import error_response


@pytest.mark.parametrize("exc, status", [
    (errors.ValidationError("Invalid email"), 400),
    (errors.Unauthorized("Invalid email or password"), 401),
    (errors.Forbidden("nope"), 403),
    (errors.NotFound("No skills"), 404),
    (errors.Conflict("User already exists"), 409),
    (errors.RateLimited("Too many", retry_after=30), 429),
    (errors.ServiceUnavailable("Service users is unavailable"), 503),
    (errors.ServiceTimeout("Service users did not answer in time"), 504),
])
def test_typed_errors_map_to_their_status_and_message(exc, status):
    response = error_response(exc, "rid-1")
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data())["msg"] == exc.message


def test_rate_limited_carries_retry_after():
    response = error_response(errors.RateLimited("Too many", retry_after=42))
    assert response.headers["Retry-After"] == "42"


def test_unexpected_errors_leak_nothing_but_the_request_id():
    response = error_response(KeyError("password_hash column secret detail"), "rid-9")
    body = json.loads(response.get_data())
    assert response.status_code == 500
    assert body == {"msg": "Internal server error", "code": "internal_error", "request_id": "rid-9"}


def test_routing_errors_are_json():
    not_found = error_response(WerkzeugNotFound())
    assert not_found.status_code == 404 and json.loads(not_found.get_data())["msg"] == "Not found"
    wrong_method = error_response(MethodNotAllowed(valid_methods=["GET"]))
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "GET"


def test_typed_errors_survive_the_rpc_boundary():
    from nameko.exceptions import deserialize, serialize

    for exc in (errors.Conflict("User already exists"), errors.RateLimited("slow down", 12)):
        again = deserialize(serialize(exc))
        assert type(again) is type(exc) and again.message == exc.message
    assert deserialize(serialize(errors.RateLimited("slow down", 12))).retry_after == 12
