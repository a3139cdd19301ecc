"""Subscriptions through the taxonomy, a new skill by two-phase commit and its saga, and account
deletion, through the gateway of the running system (real services, PostgreSQL, RabbitMQ, Redis).

(Named to run after the warehouse tests: the sagas it starts refresh the warehouse.)"""
import threading
import time
import uuid
from datetime import datetime, timezone

import pytest
import websocket
from sqlalchemy import text

from tests.integration.conftest import paused, wait_for_quiet_queues
from tests.integration.etl_support import eventually

pytestmark = pytest.mark.integration


def account(http, gateway):
    email = f"coord-{uuid.uuid4().hex[:10]}@example.com"
    user = http.post(f"{gateway}/sign-up", json={"name": "Coord", "email": email, "password": "correct horse"}).json()
    token = http.post(f"{gateway}/login", json={"email": email, "password": "correct horse"}).json()["token"]
    return {"id": user["user_id"], "email": email, "token": token, "headers": {"Authorization": f"Bearer {token}"}}


def subscribe(http, gateway, user, skill):
    return http.post(f"{gateway}/subscriptions", json={"skill": skill}, headers=user["headers"])


def subscribed(engines, user_id):
    with engines["users"].connect() as conn:
        return sorted(conn.execute(text("SELECT skill FROM subscriptions WHERE user_id = :u"), {"u": user_id}).scalars())


def tracked(engines, skill):
    with engines["jobs"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM skills WHERE name = :s"), {"s": skill}).scalar()


@pytest.mark.parametrize("given, stored", [("golang", "Go"), ("K8S", "Kubernetes"), ("python", "Python"),
                                           (".net", ".NET"), ("c++", "C++")])
def test_a_known_skill_or_alias_is_stored_under_its_canonical_name(http, gateway, engines, given, stored):
    user = account(http, gateway)
    response = subscribe(http, gateway, user, given)
    assert response.status_code == 201 and response.json()["skill"] == stored
    assert subscribed(engines, user["id"]) == [stored]
    assert subscribe(http, gateway, user, stored.lower()).status_code == 200  # already subscribed


@pytest.mark.parametrize("name", ["12345", "!!!", "one two three four five", "x" * 80])
def test_a_name_that_cannot_be_a_skill_is_a_400_that_says_why(http, gateway, name):
    response = subscribe(http, gateway, account(http, gateway), name)
    assert response.status_code == 400 and "skill" in response.json()["msg"].lower()


def test_a_new_skill_is_tracked_and_its_jobs_are_tagged_and_notified_exactly_once(http, gateway, engines, rpc,
                                                                                  config):
    skill = f"Zyxlang{uuid.uuid4().hex[:6]}"
    now = datetime.now(timezone.utc)
    with engines["jobs"].begin() as conn:
        job_id = conn.execute(text(
            "INSERT INTO jobs (title, company, company_key, description, skills, status, version, first_seen, "
            "last_seen, updated_at) VALUES ('Compiler Engineer', 'Zyx Labs', 'zyxlabs', :d, '{}', 'open', 1, "
            ":n, :n, :n) RETURNING id"), {"d": f"We build tools in {skill} and C.", "n": now}).scalar()
    user = account(http, gateway)
    response = subscribe(http, gateway, user, skill)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["skill"] == skill and body["tracking"]["new"] is True
    assert subscribed(engines, user["id"]) == [skill] and tracked(engines, skill) == 1
    with engines["jobs"].connect() as conn:
        assert conn.execute(text("SELECT requested_by_users FROM skills WHERE name = :s"), {"s": skill}).scalar()
    saga = eventually(lambda: (s := rpc.coordinator.saga(body["tracking"]["saga"]))["state"] == "done" and s, 60)
    assert saga, rpc.coordinator.saga(body["tracking"]["saga"])
    assert job_id in saga["data"]["jobs"]
    with engines["jobs"].connect() as conn:
        assert skill in conn.execute(text("SELECT skills FROM jobs WHERE id = :j"), {"j": job_id}).scalar()
    wait_for_quiet_queues(config)
    inbox = http.get(f"{gateway}/notifications", headers=user["headers"]).json()["notifications"]
    assert [n["job"]["job_id"] for n in inbox if n["job"].get("job_id") == job_id] == [job_id]  # exactly once
    assert rpc.coordinator.transactions()[0]["state"] in ("committed", "committing")


def test_two_users_subscribing_to_one_new_skill_at_once_get_one_skill_and_two_subscriptions(http, gateway,
                                                                                            engines):
    skill = f"Qwerlang{uuid.uuid4().hex[:6]}"
    users = [account(http, gateway) for _ in range(2)]
    answers = []

    def go(user):
        answers.append(subscribe(http.__class__(), gateway, user, skill).status_code)

    threads = [threading.Thread(target=go, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [201, 201]
    assert tracked(engines, skill) == 1
    assert [subscribed(engines, u["id"]) for u in users] == [[skill], [skill]]


def test_with_the_coordinator_down_a_new_skill_answers_503_and_writes_nothing(http, gateway, engines, system,
                                                                             config):
    skill = f"Downlang{uuid.uuid4().hex[:6]}"
    user = account(http, gateway)
    with paused(system, "coordinator"):
        started = time.monotonic()
        response = subscribe(http, gateway, user, skill)
        took = time.monotonic() - started
    assert response.status_code == 503 and "nothing" in response.json()["msg"]
    assert took < config["RPC"]["TARGETS"]["coordinator"]["TIMEOUT"] + 2  # the deadline, not a hang
    time.sleep(3)  # the resumed coordinator finds the request past its deadline
    assert subscribed(engines, user["id"]) == [] and tracked(engines, skill) == 0
    assert subscribe(http, gateway, user, "Go").status_code == 201  # known skills never need it


def test_deleting_an_account_revokes_its_tokens_closes_its_sockets_and_removes_its_data(http, gateway, engines,
                                                                                        config):
    user = account(http, gateway)
    assert subscribe(http, gateway, user, "Rust").status_code == 201
    ws = websocket.create_connection(gateway.replace("http", "ws") + f"/ws?token={user['token']}", timeout=10)
    try:
        wrong = http.delete(f"{gateway}/account", json={"password": "not it"}, headers=user["headers"])
        assert wrong.status_code == 401
        response = http.delete(f"{gateway}/account", json={"password": "correct horse"}, headers=user["headers"])
        assert response.status_code == 202, response.text
        assert http.get(f"{gateway}/subscriptions", headers=user["headers"]).status_code == 401  # at once
        closed = eventually(lambda: _closed(ws), 10)
        assert closed, "the websocket of a deleted account stayed open"
    finally:
        ws.close()
    gone = eventually(lambda: not subscribed(engines, user["id"]) and _no_user(engines, user["id"]), 20)
    assert gone
    login = http.post(f"{gateway}/login", json={"email": user["email"], "password": "correct horse"})
    assert login.status_code == 401


def _closed(ws) -> bool:
    try:
        ws.settimeout(0.2)
        while True:
            frame = ws.recv()
            if frame == "":
                return True
    except websocket.WebSocketTimeoutException:
        return False
    except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
        return True


def _no_user(engines, user_id) -> bool:
    with engines["users"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM users WHERE id = :u"), {"u": user_id}).scalar() == 0
