"""The HTTP contract, end to end: gateway → RPC over RabbitMQ → services → PostgreSQL/Redis."""
import itertools
import time
import uuid

import pytest
import requests

from tests.integration.conftest import paused

pytestmark = pytest.mark.integration
_seq = itertools.count()


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@Example.com"


def sign_up(http, gateway, email=None, password="correct horse", name="Ana"):
    email = email or new_email()
    response = http.post(f"{gateway}/sign-up", json={"name": name, "email": email, "password": password})
    return email, response


def log_in(http, gateway, email, password="correct horse"):
    return http.post(f"{gateway}/login", json={"email": email, "password": password})


def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def account(http, gateway):
    email, response = sign_up(http, gateway)
    assert response.status_code == 201, response.text
    token = log_in(http, gateway, email).json()["token"]
    return {"email": email, "user_id": response.json()["user_id"], "token": token}


def test_sign_up_log_in_subscribe_and_read_subscriptions(http, gateway, config):
    email, response = sign_up(http, gateway)
    assert response.status_code == 201
    body = response.json()
    assert body["msg"] == "Successful sign up"
    assert body["websocket"] == config["GATEWAY"]["PUBLIC_WS_URL"]
    user_id = body["user_id"]

    login = log_in(http, gateway, email.lower())  # emails compare case-insensitively
    assert login.status_code == 200
    assert login.json()["msg"] == "Successful login" and login.json()["user_id"] == user_id
    token = login.json()["token"]

    assert http.get(f"{gateway}/get-subscriptions/{user_id}", headers=auth(token)).json() == {"msg": "No skills", "code": "not_found"}
    created = http.post(f"{gateway}/subscriptions", json={"skill": "Python"}, headers=auth(token))
    assert created.status_code == 201
    assert http.post(f"{gateway}/subscriptions", json={"skill": "Kubernetes"}, headers=auth(token)).status_code == 201

    subs = http.get(f"{gateway}/get-subscriptions/{user_id}", headers=auth(token))
    assert subs.status_code == 200 and subs.json() == {"skills": ["Kubernetes", "Python"]}

    deleted = http.delete(f"{gateway}/subscriptions/python", headers=auth(token))
    assert deleted.status_code == 204 and deleted.content == b""
    assert http.get(f"{gateway}/get-subscriptions/{user_id}", headers=auth(token)).json() == {"skills": ["Kubernetes"]}


@pytest.mark.parametrize("payload, status, msg", [
    ({"name": "Ana", "email": "not-an-email", "password": "correct horse"}, 400, "Invalid email"),
    ({"name": "Ana", "email": "ok@example.com", "password": "short"}, 400, "Password too short"),
    ({"name": "Ana", "password": "correct horse"}, 400, "Missing field 'email'"),
    ({"name": "Ana", "email": 12, "password": "correct horse"}, 400, "Invalid field 'email': Not a valid string."),
])
def test_sign_up_errors(http, gateway, payload, status, msg):
    response = http.post(f"{gateway}/sign-up", json=payload)
    assert response.status_code == status and response.json()["msg"] == msg


def test_sign_up_with_an_existing_email_in_another_case_conflicts(http, gateway, account):
    _, response = sign_up(http, gateway, email=account["email"].upper())
    assert response.status_code == 409 and response.json()["msg"] == "User already exists"


@pytest.mark.parametrize("email_of, password", [(lambda a: a["email"], "wrong password"),
                                                (lambda a: "nobody-" + a["email"], "correct horse")])
def test_login_with_bad_credentials_is_401(http, gateway, account, email_of, password):
    response = log_in(http, gateway, email_of(account), password)
    assert response.status_code == 401 and response.json()["msg"] == "Invalid email or password"


def test_repeated_failed_logins_get_429_with_retry_after(http, gateway, config):
    email, _ = sign_up(http, gateway)
    from limits import parse_many

    first = parse_many(config["AUTH"]["THROTTLE"]["PAIR"])[0]  # 5 a minute
    codes = [log_in(http, gateway, email, "wrong password").status_code for _ in range(first.amount)]
    assert codes == [401] * first.amount
    blocked = log_in(http, gateway, email, "correct horse")
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= first.get_expiry()


def test_subscriptions_need_the_token_of_that_user(http, gateway, account):
    url = f"{gateway}/get-subscriptions/{account['user_id']}"
    assert http.get(url).status_code == 401
    assert http.get(url, headers=auth("forged.token.value")).status_code == 401
    assert http.get(url, headers={"Authorization": "Basic abc"}).status_code == 401
    other_email, other = sign_up(http, gateway)
    other_token = log_in(http, gateway, other_email).json()["token"]
    forbidden = http.get(url, headers=auth(other_token))
    assert forbidden.status_code == 403
    assert http.post(f"{gateway}/subscriptions", json={"skill": "Go"}).status_code == 401
    assert http.delete(f"{gateway}/subscriptions/Go").status_code == 401
    assert http.get(f"{gateway}/get-subscriptions/abc", headers=auth(account["token"])).status_code in (400, 403)


def test_subscription_input_errors(http, gateway, account):
    headers = auth(account["token"])
    assert http.post(f"{gateway}/subscriptions", json={}, headers=headers).json()["msg"] == "Give either 'skill' or 'search'"
    assert http.post(f"{gateway}/subscriptions", json={"skill": 3}, headers=headers).status_code == 400
    assert http.post(f"{gateway}/subscriptions", json={"skill": "<b>x</b>"}, headers=headers).status_code == 400
    assert http.delete(f"{gateway}/subscriptions/Haskell", headers=headers).status_code == 404


@pytest.mark.parametrize("method, path, data, status", [
    ("POST", "/sign-up", b"{not json", 400),
    ("POST", "/login", b"[1,2,3]", 400),
    ("POST", "/login", b"", 400),
    ("POST", "/sign-up", b'{"name": "' + b"x" * 70000 + b'"}', 413),
])
def test_malformed_and_oversized_bodies_are_4xx_json(http, gateway, method, path, data, status):
    response = http.request(method, gateway + path, data=data, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json" and response.json()["msg"]


def test_unknown_routes_and_wrong_methods_are_json(http, gateway):
    missing = http.get(f"{gateway}/no-such-route")
    assert missing.status_code == 404 and missing.json()["msg"] == "Not found"
    wrong = http.get(f"{gateway}/sign-up")
    assert wrong.status_code == 405 and wrong.json()["msg"] == "Method not allowed"
    assert "POST" in wrong.headers["Allow"]


def test_a_page_of_the_web_app_asked_with_another_method_is_405_naming_what_it_takes(http, gateway):
    page = http.post(f"{gateway}/inbox", json={})
    assert page.status_code == 405 and page.json()["code"] == "method_not_allowed"
    assert set(page.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    both = http.request("TRACE", f"{gateway}/account")  # the app's page and the API's DELETE
    assert both.status_code == 405 and set(both.headers["Allow"].split(", ")) == {"DELETE", "GET", "HEAD"}


def test_request_ids_are_echoed_or_made_and_reach_the_service_logs(http, gateway, system, account):
    given = f"trace-{uuid.uuid4().hex}"
    response = http.get(f"{gateway}/get-subscriptions/{account['user_id']}",
                        headers={**auth(account["token"]), "X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
    made = http.get(f"{gateway}/no-such-route").headers["X-Request-ID"]
    assert len(made) == 32
    log_file = next(i.log_path for i in system.instances if i.service == "users")
    deadline = time.monotonic() + 5
    while given not in log_file.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [line for line in log_file.read_text().splitlines() if given in line]
    assert lines and all(line.startswith("{") for line in lines)


def test_find_jobs_validates_and_answers_404_when_nothing_matches(http, gateway):
    assert http.get(f"{gateway}/find-jobs").status_code == 400
    empty = http.get(f"{gateway}/find-jobs", params={"title": "zzqx unlikely title"})
    assert empty.status_code == 404 and empty.json()["msg"] == "No jobs found"


def test_status_reports_every_service_to_an_operator_and_up_or_down_to_anyone(http, gateway, operator):
    response = http.get(f"{gateway}/status", headers=operator)
    assert response.status_code == 200
    assert response.json()["services"] == {name: "ok" for name in
                                           ("gateway", "users", "scraper", "insights", "etl", "coordinator")}
    public = http.get(f"{gateway}/status")
    assert public.status_code == 200 and public.json() == {"msg": "All services are up", "status": "ok"}
    wrong = http.get(f"{gateway}/status", headers={"X-Operator-Token": "guess" * 8})
    assert set(wrong.json()) == {"msg", "status"}


def test_status_is_503_and_names_a_service_that_does_not_answer(http, gateway, system, operator):
    with paused(system, "etl"):
        response = http.get(f"{gateway}/status", timeout=10, headers=operator)
        public = http.get(f"{gateway}/status", timeout=10)
    assert response.status_code == 503
    assert response.json()["services"]["etl"] == "down"
    assert response.json()["services"]["users"] == "ok"
    assert public.status_code == 503 and public.json()["status"] == "down" and "services" not in public.json()


def test_a_hung_service_gives_504_not_a_hung_request(http, gateway, system, account, config):
    url = f"{gateway}/get-subscriptions/{account['user_id']}"
    with paused(system, "users"):
        started = time.monotonic()
        response = http.get(url, headers=auth(account["token"]), timeout=30)
        took = time.monotonic() - started
    assert response.status_code == 504 and response.json()["msg"] == "Service users did not answer in time"
    assert took < float(config["RPC"]["TIMEOUT"]) + 2


def test_openapi_document_is_served(http, gateway):
    document = http.get(f"{gateway}/openapi.json").json()
    assert "/sign-up" in document["paths"] and document["openapi"].startswith("3.")


def test_prometheus_metrics_count_requests_and_circuits_for_operators_only(http, gateway, operator):
    http.get(f"{gateway}/status")
    http.get(f"{gateway}/no-such-route")
    assert http.get(f"{gateway}/metrics").status_code == 403
    response = http.get(f"{gateway}/metrics", headers=operator)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    body = response.text
    assert 'jobsight_http_requests_total{method="GET",route="/status",status="200"}' in body
    assert 'route="unmatched",status="404"' in body
    assert 'jobsight_circuit_open{target="users"} 0.0' in body
