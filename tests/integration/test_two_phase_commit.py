"""Two-phase commit across users_db and jobs_db with real PostgreSQL prepared transactions:
a crash at every step of the protocol (a real process, SIGKILLed), 20 trials each, then
recovery. Afterwards the subscription exists exactly when the skill is tracked, nothing of
ours is left prepared, and the log has nothing unfinished."""
import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import text

from jobsight.coordination.log import TransactionLog
from jobsight.coordination.runner import Coordinator
from jobsight.coordination.twophase import GID_PREFIX
from tests.integration import twophase_trial

pytestmark = pytest.mark.integration
TRIALS = int(os.environ.get("TWO_PHASE_TRIALS", "20"))
EXPECTED = {  # what recovery must make of a crash there: both rows, or neither
    "participant_before_prepare": False,
    "participant_after_prepare": False,
    "coordinator_before_decision": False,
    "coordinator_after_decision": True,
    "coordinator_after_first_commit": True,
    "none": True,
}


@pytest.fixture(scope="module")
def user_id(engines):
    with engines["users"].begin() as conn:
        return conn.execute(text("INSERT INTO users (name, email, password_hash) VALUES ('Crash', :e, 'x') "
                                 "RETURNING id"), {"e": f"crash-{uuid.uuid4().hex[:8]}@example.com"}).scalar()


def state_of(engines, user_id, skill):
    with engines["users"].connect() as conn:
        subscribed = conn.execute(text("SELECT count(*) FROM subscriptions WHERE user_id = :u AND skill = :s"),
                                  {"u": user_id, "s": skill}).scalar()
    with engines["jobs"].connect() as conn:
        tracked = conn.execute(text("SELECT count(*) FROM skills WHERE name = :s AND requested_by_users"),
                               {"s": skill}).scalar()
    prepared = 0
    for name in ("users", "jobs"):
        with engines[name].connect() as conn:
            prepared += conn.execute(text("SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE :p "
                                          "AND database = current_database()"), {"p": GID_PREFIX + "%"}).scalar()
    return subscribed, tracked, prepared


def test_a_crash_at_any_step_leaves_both_rows_or_neither(engines, config, user_id):
    _, participants = twophase_trial.clients(config)
    coordinator = Coordinator(TransactionLog(engines["coordinator"]), participants)
    matrix = {}
    for point, committed in EXPECTED.items():
        counts = {"both": 0, "neither": 0, "torn": 0, "left_prepared": 0}
        for trial in range(TRIALS if point != "none" else 2):
            skill = f"Crashlang{uuid.uuid4().hex[:10]}"
            run = subprocess.run([sys.executable, "-m", "tests.integration.twophase_trial", point, str(user_id),
                                  skill], timeout=60, capture_output=True)
            assert run.returncode in (-9, 0, 3), run.stderr.decode()[-2000:]
            coordinator.recover(grace_seconds=0)  # the dead coordinator will not come back to it
            subscribed, tracked, prepared = state_of(engines, user_id, skill)
            counts["both" if subscribed and tracked else "neither" if not (subscribed or tracked) else "torn"] += 1
            counts["left_prepared"] += prepared
            assert (subscribed, tracked) == ((1, 1) if committed else (0, 0)), (point, trial)
            assert prepared == 0, (point, trial)
        matrix[point] = counts
    assert TransactionLog(engines["coordinator"]).unfinished() == []
    print("\ncrash point -> outcome after recovery:", *(f"  {p}: {c}" for p, c in matrix.items()), sep="\n")
