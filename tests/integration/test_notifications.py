"""Real-time notifications end to end: subscriptions through the gateway, jobs ingested from
the demo boards, notifications stored by users and pushed over a real websocket."""
import json
import time
import uuid

import pytest
import requests
import websocket
from sqlalchemy import text

from jobsight.demo import DemoWorld
from jobsight.events import envelope
from jobsight.supervisor import Supervisor
from jobsight.sources.settings import demo_settings
from tests.integration.conftest import wait_for_quiet_queues

pytestmark = pytest.mark.integration


def account(http, gateway):
    email = f"n-{uuid.uuid4().hex[:10]}@example.com"
    signed = http.post(f"{gateway}/sign-up", json={"name": "Nia", "email": email, "password": "correct horse"})
    assert signed.status_code == 201
    token = http.post(f"{gateway}/login", json={"email": email, "password": "correct horse"}).json()["token"]
    return {"user_id": signed.json()["user_id"], "token": token, "headers": {"Authorization": f"Bearer {token}"}}


def ws_url(gateway, token):
    return gateway.replace("http://", "ws://") + f"/ws?token={token}"


def receive(ws, count, seconds=20):
    """The next `count` notification frames (other frames are kept too); count 0 reads until quiet."""
    got, frames, deadline = [], [], time.monotonic() + seconds
    while (count == 0 or len(got) < count) and time.monotonic() < deadline:
        ws.settimeout(max(deadline - time.monotonic(), 0.1))
        try:
            frame = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            break
        frames.append(frame)
        if frame.get("type") == "notification":
            got.append(frame["notification"])
    return got, frames


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


@pytest.fixture(scope="module")
def world(config):
    demo = demo_settings(config)
    return DemoWorld(seed=demo["seed"], count=demo["count"])


@pytest.fixture(scope="module")
def board(world):
    """A greenhouse board of the demo and one job on it, with a skill it asks for."""
    job = next(j for j in world.visible("greenhouse") if "Python" in j.skills)
    return {"name": f"demo-greenhouse-{job.company.slug}", "company": job.company.name, "job": job}


@pytest.fixture
def fresh_jobs(engines, config, redis_client):
    """An empty jobs_db, and the scraper forgets the boards' ETags so it fetches them again."""
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs, job_sources, source_runs CASCADE"))
    for key in redis_client.scan_iter("jobsight:validators:*"):
        redis_client.delete(key)
    requests.post(f"{demo_settings(config)['url']}/_demo/reset", timeout=5)
    wait_for_quiet_queues(config)


def test_a_connected_subscriber_receives_a_matching_job_live(http, gateway, rpc, board, fresh_jobs):
    user = account(http, gateway)
    assert http.post(f"{gateway}/subscriptions", json={"skill": "Python"}, headers=user["headers"]).status_code == 201
    search = {"keywords": board["job"].title, "skills": ["Python"]}
    saved = http.post(f"{gateway}/subscriptions", json={"search": search}, headers=user["headers"])
    assert saved.status_code == 201, saved.text
    listed = http.get(f"{gateway}/subscriptions", headers=user["headers"]).json()
    assert listed["skills"] == ["Python"] and listed["searches"][0]["keywords"] == board["job"].title.lower()

    ws = websocket.create_connection(ws_url(gateway, user["token"]), timeout=10)
    try:
        ws.send(json.dumps({"type": "ping"}))
        _, frames = receive(ws, 0, seconds=2)
        rpc.scraper.run_source(board["name"])
        got, _ = receive(ws, 1)
        assert got, "no notification arrived over the websocket"
        titles = {n["job"]["title"] for n in got}
        more, _ = receive(ws, 50, seconds=3)
        everything = got + more
        assert len({n["job"]["job_id"] for n in everything}) == len(everything)  # one per job
        matched = next((n for n in everything if n["job"]["title"] == board["job"].title), None)
        if matched is not None:  # the saved search and the skill both matched: one notification, two reasons
            assert {r["type"] for r in matched["reasons"]} == {"skill", "search"}
        assert titles and all("Python" in n["job"]["skills"] for n in everything)
        ws.send(json.dumps({"type": "ack", "ids": [got[0]["id"]]}))
        _, acks = receive(ws, 0, seconds=2)
        assert {"type": "acked", "ids": [got[0]["id"]]} in acks
        assert {"type": "pong"} in frames + acks
    finally:
        ws.close()
    inbox = http.get(f"{gateway}/notifications", headers=user["headers"]).json()
    assert inbox["total"] == len(everything) and inbox["unread"] == len(everything) - 1


def test_a_pushed_notification_carries_the_request_id_of_the_run_that_found_the_job(
        http, gateway, config, board, fresh_jobs):
    from nameko.standalone.rpc import ClusterRpcProxy

    user = account(http, gateway)
    assert http.post(f"{gateway}/subscriptions", json={"skill": "Python"}, headers=user["headers"]).status_code == 201
    request_id = f"run-{uuid.uuid4().hex[:12]}"
    ws = websocket.create_connection(ws_url(gateway, user["token"]), timeout=10)
    try:
        ws.send(json.dumps({"type": "ping"}))
        receive(ws, 0, seconds=1)
        # An operator's call with a request id, as nameko shell sends one: scraper -> job_posted
        # (outbox) -> users -> notifications_created (outbox) -> the gateway's push.
        with ClusterRpcProxy(config, timeout=120, context_data={"request_id": request_id}) as proxy:
            proxy.scraper.run_source(board["name"])
        got, frames = receive(ws, 1)
    finally:
        ws.close()
    assert got, "no notification arrived over the websocket"
    pushed = [f for f in frames if f.get("type") == "notification"]
    assert pushed and all(f["request_id"] == request_id for f in pushed), pushed[:2]


def test_an_offline_subscriber_finds_everything_on_return(http, gateway, rpc, board, config, fresh_jobs):
    user = account(http, gateway)
    http.post(f"{gateway}/subscriptions", json={"skill": "Python"}, headers=user["headers"])
    rpc.scraper.run_source(board["name"])
    wait_for_quiet_queues(config)  # every job event of the run handled
    inbox = http.get(f"{gateway}/notifications", params={"unread": "true"}, headers=user["headers"]).json()[
        "notifications"]
    assert inbox and all(not n["read"] for n in inbox)
    ids = [n["id"] for n in inbox]
    assert ids == sorted(ids, reverse=True)  # newest first
    ws = websocket.create_connection(ws_url(gateway, user["token"]), timeout=10)
    try:
        got, _ = receive(ws, len(inbox))
    finally:
        ws.close()
    assert sorted(n["id"] for n in got) == sorted(ids)  # unread ones arrive on connect
    first = ids[-1]
    assert http.post(f"{gateway}/notifications/{first}/read", headers=user["headers"]).status_code == 200
    assert http.get(f"{gateway}/notifications", params={"unread": "true"},
                    headers=user["headers"]).json()["total"] == len(ids) - 1
    assert http.post(f"{gateway}/notifications/999999999/read", headers=user["headers"]).status_code == 404


def test_redelivered_events_and_a_job_on_several_boards_notify_once(http, gateway, rpc, config, engines, world,
                                                                    fresh_jobs):
    from nameko.standalone.events import event_dispatcher, get_event_exchange

    user = account(http, gateway)
    http.post(f"{gateway}/subscriptions", json={"skill": "Kotlin"}, headers=user["headers"])
    job = {"job_id": 987654, "version": 1, "title": "Kotlin Developer", "company": "Once Ltd", "status": "open",
           "skills": ["Kotlin"], "salary": None, "sources": [], "workplace": "remote"}
    event = envelope({"job": job})
    dispatch = event_dispatcher(config, declare=[get_event_exchange("scraper", config)])
    for _ in range(2):
        dispatch("scraper", "job_posted", event)  # the same event delivered twice
    dispatch("scraper", "job_updated", envelope({"job": {**job, "version": 2}}))  # seen on another board
    wait_for_quiet_queues(config)
    assert http.get(f"{gateway}/notifications", headers=user["headers"]).json()["total"] == 1

    # And through real ingestion: every board ingested, each canonical job notified once.
    other = account(http, gateway)
    http.post(f"{gateway}/subscriptions", json={"skill": "Python"}, headers=other["headers"])
    for name in [s for s in _demo_sources(config)]:
        rpc.scraper.run_source(name)
    with engines["jobs"].connect() as conn:
        python_jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE 'Python' = ANY(skills)")).scalar()
        multi = conn.execute(text(
            "SELECT count(*) FROM (SELECT job_id FROM job_sources s JOIN jobs j ON j.id = s.job_id "
            "WHERE 'Python' = ANY(j.skills) GROUP BY job_id HAVING count(*) > 1) t")).scalar()
    assert multi > 0  # some of them were seen on several boards
    wait_for_quiet_queues(config)
    assert http.get(f"{gateway}/notifications", headers=other["headers"]).json()["total"] == python_jobs


def _demo_sources(config):
    from jobsight.sources.settings import configured_sources

    return [s["name"] for s in configured_sources(config) if s.get("demo")]


def test_a_client_on_another_gateway_instance_gets_it(http, gateway, rpc, config, tmp_path, board, fresh_jobs):
    import os
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    extra = Supervisor({**config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}, os.environ.get("JOBSIGHT_CONFIG", "config.yml"),
                   services=("users", "gateway"), log_dir=tmp_path, env={"GATEWAY_PORT": str(port)},
                   out=open(os.devnull, "w"))
    extra.start()
    try:
        extra.wait_healthy(60)
        other_gateway = f"http://127.0.0.1:{port}"
        user = account(http, gateway)
        http.post(f"{gateway}/subscriptions", json={"skill": "Python"}, headers=user["headers"])
        ws = websocket.create_connection(ws_url(other_gateway, user["token"]), timeout=10)
        try:
            stats = wait_for(lambda: (lambda s: s if s["websocket"]["connected_clients"] >= 1 else None)(
                rpc.gateway.notification_stats()))
            assert stats["websocket"]["instances"] == 2
            rpc.scraper.run_source(board["name"])
            got, _ = receive(ws, 1)
        finally:
            ws.close()
        assert got
    finally:
        extra.stop()


def test_bad_subscriptions_handshakes_and_frames(http, gateway):
    user = account(http, gateway)
    for bad in ({"search": {}}, {"search": {"keywords": "   "}}, {"search": {"keywords": "python", "remote": "maybe"}},
                {"search": {"keywords": "python", "salary_min": -5}}, {"search": {"keywords": "python", "skills": [" "]}},
                {"search": {"keywords": "python", "colour": "blue"}}, {"search": "python"}, {"skill": "Go", "search": {}}):
        response = http.post(f"{gateway}/subscriptions", json=bad, headers=user["headers"])
        assert response.status_code == 400 and response.json()["msg"], bad
    unknown = http.post(f"{gateway}/subscriptions", json={"search": {"keywords": "python", "skills": ["Klingon"]}},
                        headers=user["headers"])
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_skill" and "Klingon" in unknown.json()["msg"]
    assert http.get(f"{gateway}/subscriptions", headers=user["headers"]).json()["searches"] == []  # nothing saved
    for token in ("", "forged.token.value"):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(ws_url(gateway, token), timeout=10)
        assert refused.value.status_code == 401
    ws = websocket.create_connection(ws_url(gateway, user["token"]), timeout=10)
    try:
        for frame in ("not json", json.dumps([1, 2]), json.dumps({"type": "dance"}), json.dumps({"type": "ack", "ids": "x"})):
            ws.send(frame)
            answer = json.loads(ws.recv())
            assert answer["type"] == "error" and answer["msg"], frame
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv()) == {"type": "pong"}  # still alive after bad frames
    finally:
        ws.close()
    assert http.get(f"{gateway}/notifications", params={"page": "0"}, headers=user["headers"]).status_code == 400
    assert http.get(f"{gateway}/notifications").status_code == 401
