"""Each saga crashed after every step's work, before the step was recorded (a real process,
SIGKILLed): the running coordinator resumes it from its log, and it completes exactly once."""
import subprocess
import sys
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from jobsight.coordination.sagas import SagaLog
from tests.integration.conftest import paused, wait_for_quiet_queues
from tests.integration.etl_support import eventually

pytestmark = pytest.mark.integration


def crash_after_step(system, engines, kind, data, step):
    saga_log = SagaLog(engines["coordinator"])
    with paused(system, "coordinator"):  # only the trial process runs the saga until it dies
        saga_id = saga_log.start(kind, data)
        run = subprocess.run([sys.executable, "-m", "tests.integration.saga_trial", saga_id, str(step)],
                             timeout=120, capture_output=True)
        assert run.returncode == -9, run.stderr.decode()[-2000:]
        assert saga_log.get(saga_id)["step"] == step  # the step's work was done, not recorded
    done = eventually(lambda: saga_log.get(saga_id)["state"] == "done", 60)
    assert done, saga_log.get(saga_id)
    return saga_log.get(saga_id)


def new_skill_world(engines, http, gateway):
    skill = f"Crashskill{uuid.uuid4().hex[:6]}"
    email = f"saga-{uuid.uuid4().hex[:8]}@example.com"
    user_id = http.post(f"{gateway}/sign-up", json={"name": "Saga", "email": email,
                                                    "password": "correct horse"}).json()["user_id"]
    now = datetime.now(timezone.utc)
    with engines["users"].begin() as conn:
        conn.execute(text("INSERT INTO subscriptions (user_id, skill, skill_key) VALUES (:u, :s, lower(:s))"),
                     {"u": user_id, "s": skill})
    with engines["jobs"].begin() as conn:
        conn.execute(text("INSERT INTO skills (name, aliases, ambiguous, requested_by_users, taxonomy_version) "
                          "VALUES (:s, ARRAY[lower(:s)], false, true, 1)"), {"s": skill})
        job_id = conn.execute(text(
            "INSERT INTO jobs (title, company, company_key, description, skills, status, version, first_seen, "
            "last_seen, updated_at) VALUES ('Tools Engineer', 'Saga Co', 'sagaco', :d, '{}', 'open', 1, :n, :n, :n) "
            "RETURNING id"), {"d": f"Daily work in {skill}.", "n": now}).scalar()
    return skill, user_id, job_id


@pytest.mark.parametrize("step", [0, 1, 2])
def test_track_new_skill_crashed_after_each_step_completes_exactly_once(system, engines, http, gateway, config,
                                                                       step):
    skill, user_id, job_id = new_skill_world(engines, http, gateway)
    saga = crash_after_step(system, engines, "track_new_skill", {"skill": skill, "aliases": [skill.lower()]}, step)
    assert saga["data"]["jobs"] == [job_id]
    wait_for_quiet_queues(config)
    with engines["jobs"].connect() as conn:
        skills, version = conn.execute(text("SELECT skills, version FROM jobs WHERE id = :j"), {"j": job_id}).one()
    assert skills == [skill] and version == 2  # tagged once, announced once
    with engines["users"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notifications WHERE user_id = :u AND job_id = :j"),
                            {"u": user_id, "j": job_id}).scalar() == 1


@pytest.mark.parametrize("step", [0, 1])
def test_delete_account_crashed_after_each_step_completes_exactly_once(system, engines, http, gateway, step):
    email = f"gone-{uuid.uuid4().hex[:8]}@example.com"
    user_id = http.post(f"{gateway}/sign-up", json={"name": "Gone", "email": email,
                                                    "password": "correct horse"}).json()["user_id"]
    token = http.post(f"{gateway}/login", json={"email": email, "password": "correct horse"}).json()["token"]
    crash_after_step(system, engines, "delete_account", {"user_id": user_id, "email": email}, step)
    with engines["users"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users WHERE id = :u"), {"u": user_id}).scalar() == 0
    assert http.get(f"{gateway}/subscriptions", headers={"Authorization": f"Bearer {token}"}).status_code == 401
