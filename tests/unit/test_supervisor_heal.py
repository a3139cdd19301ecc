"""The supervisor heals with real (tiny) processes: a crashing instance is started again after
delays that double up to a maximum, a long-lived one restarts from the first delay, the others
are never touched, and the state file says all of it. A crash while starting still fails the start."""
import io
import json
import sys
import time

import pytest

from jobsight.supervisor import Backoff, StartupFailed, Supervisor, read_state

CRASH = [sys.executable, "-c", "import sys; sys.exit(3)"]
STEADY = [sys.executable, "-c", "import time; time.sleep(60)"]


def supervisor(tmp_path, initial=0.2, maximum=0.8, reset_after=60.0) -> Supervisor:
    config = {"WEB_SERVER_ADDRESS": "127.0.0.1:9", "DEMO_SOURCES": {"ENABLED": False},
              "SUPERVISOR": {"RESTART_INITIAL": initial, "RESTART_MAX": maximum, "RESTART_RESET_AFTER": reset_after}}
    return Supervisor(config, "config.yml", log_dir=tmp_path, services=(), out=io.StringIO(), run_dir=tmp_path / "run")


def heal_for(run: Supervisor, seconds: float) -> list[tuple[float, str]]:
    started, restarts = time.monotonic(), []
    while time.monotonic() - started < seconds:
        restarts += [(time.monotonic(), i.label) for i in run.heal()]
        time.sleep(0.02)
    return restarts


def test_delays_double_up_to_the_maximum():
    backoff = Backoff(initial=1, maximum=30, reset_after=60)
    assert [backoff.delay(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay(10_000) == 30


def test_a_crashing_instance_is_restarted_with_backoff_and_the_others_keep_running(tmp_path):
    run = supervisor(tmp_path)
    steady = run._spawn("steady", 0, STEADY, run.env)
    crasher = run._spawn("crasher", 1, CRASH, run.env)
    steady_pid = steady.process.pid
    try:
        restarts = heal_for(run, 3.0)
        times = [t for t, label in restarts if label == "crasher-1"]
        gaps = [b - a for a, b in zip(times, times[1:])]
        # 0.2, 0.4, 0.8, 0.8, ... seconds (plus the moment the process takes to exit).
        assert len(times) >= 3, restarts
        assert gaps[0] >= 0.35 and all(gap >= 0.75 for gap in gaps[1:]), gaps
        assert all(gap < 1.6 for gap in gaps), gaps
        assert not [label for _, label in restarts if label != "crasher-1"]
        assert steady.process.pid == steady_pid and steady.process.poll() is None and steady.restarts == 0

        state = read_state(run.state_file)
        by_label = {f"{i['service']}-{i['index']}": i for i in state["instances"]}
        assert by_label["crasher-1"]["restarts"] == crasher.restarts == len(times)
        assert by_label["crasher-1"]["last_exit_code"] == 3
        assert by_label["steady-0"] == {**by_label["steady-0"], "pid": steady_pid, "alive": True, "restarts": 0}

        events = [json.loads(line) for line in run.out.getvalue().splitlines()]
        exits = [e for e in events if e.get("event") == "instance_exited"]
        assert exits and exits[0]["service"] == "crasher" and exits[0]["exit_code"] == 3
        assert [e["backoff_s"] for e in exits[:3]] == [0.2, 0.4, 0.8]
        assert [e["restarts"] for e in events if e.get("event") == "instance_restarted"][:2] == [1, 2]
    finally:
        run.stop()
    assert steady.process.poll() is not None
    assert not run.state_file.exists()


def test_an_instance_that_stayed_up_a_while_restarts_after_the_first_delay(tmp_path):
    run = supervisor(tmp_path, initial=0.2, maximum=5, reset_after=1)
    instance = run._spawn("crasher", 0, CRASH, run.env)
    instance.crashes_in_a_row = 4  # it crashed often before...
    instance.started -= 10         # ...but this time it had been up for ten seconds
    try:
        instance.process.wait(5)
        before = time.monotonic()
        run.heal()
        assert instance.restart_at - before == pytest.approx(0.2, abs=0.05)
    finally:
        run.stop()


def test_a_crash_while_starting_fails_the_start_instead_of_healing(tmp_path):
    run = supervisor(tmp_path)
    run._spawn("crasher", 0, CRASH, run.env)
    started = time.monotonic()
    try:
        with pytest.raises(StartupFailed, match="crasher-0 exited with code 3"):
            run.wait_healthy(30)
        assert time.monotonic() - started < 10
    finally:
        run.stop()
