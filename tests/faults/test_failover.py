"""Database replication with automatic failover (jobsight.ha): a sandboxed Jobsight whose
databases live on a replicated pair of real PostgreSQL processes under Patroni (a primary, a
synchronous standby and a Raft witness, ports of their own), under writers that sign up and
subscribe through the gateway and record every acknowledged write.

- the primary's postmaster SIGKILLed: the standby is promoted, the services follow it, nothing
  acknowledged is lost, failures are 503s answered in time, the old primary rejoins as standby;
- the standby killed: writes go on (the primary degrades to asynchronous), and the standby
  catches up when it returns;
- a backup restored into a fresh server holds the data as of the backup."""
import os
import shutil
import signal
import time

import pytest
from sqlalchemy import create_engine, text

from jobsight import ha
from jobsight.chaos import Writes, wait_for
from jobsight.sandbox import Sandbox
from jobsight.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.faults]

RPC_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def cluster(databases):
    pair = ha.Cluster("faults", 5481)
    pair.destroy()  # from scratch: what an earlier run left is no test of this one
    pair.up(180)
    try:
        yield pair
    finally:
        pair.destroy()


@pytest.fixture(scope="module")
def box(cluster):
    sandbox = Sandbox("failover", replicas=1, redis_db=11, demo_count=60, cluster=cluster,
                      env={"RPC_TIMEOUT": str(RPC_TIMEOUT), "SIGN_UP_THROTTLE": "100000/hour",
                           "LOGIN_THROTTLE_CLIENT": "100000/minute"})
    sandbox.create()
    sandbox.up()
    try:
        yield sandbox
    finally:
        sandbox.down()
        sandbox.destroy()


@pytest.fixture(scope="module")
def skills(box):
    import requests

    return [s["name"] for s in requests.get(f"{box.url}/skills", timeout=10).json()["skills"]]


def members(cluster) -> dict:
    return {m["name"]: (m["role"], m["state"]) for m in cluster.members()}


def healthy(cluster) -> bool:
    """A primary and a streaming synchronous standby again."""
    return cluster.leader() is not None and cluster.sync_standby() is not None


def test_primary_killed_under_writes_loses_nothing_acknowledged(cluster, box, skills):
    assert wait_for(lambda: healthy(cluster), 60), members(cluster)
    old = cluster.leader()["name"]
    with Writes(box.url, skills) as writes:
        time.sleep(3)
        killed = time.monotonic()
        os.kill(cluster.postmaster_pid(ha.NODES.index(old)), signal.SIGKILL)
        assert wait_for(lambda: writes.first_success_after(killed), 60), "no write succeeded after the kill"
        time.sleep(3)
    switch = writes.first_success_after(killed)
    failed = writes.failed_after(killed)
    print(f"\nfailover: first write {switch:.1f} s after the kill; {len(failed)} failed; "
          f"{len(writes.outcomes)} writes in all")
    lost_signups, lost_subscriptions = writes.lost(box.engine("users"))
    emails, subscriptions = writes.acknowledged()
    assert len(emails) > 20 and len(subscriptions) > 20
    assert not lost_signups and not lost_subscriptions, (lost_signups, lost_subscriptions)
    assert switch < 30, switch
    # Failed during the switch: answered, as unavailable, within the deadline; never a hang or a 500.
    assert all(o.status == 503 and o.seconds < RPC_TIMEOUT + 2 for o in failed), \
        [(o.route, o.status, round(o.seconds, 1), o.detail[:80]) for o in failed]
    assert cluster.leader()["name"] != old
    # The old primary rejoins as the (synchronous) standby, rewound to the new timeline.
    assert wait_for(lambda: members(cluster).get(old, ("",))[0] == "sync_standby" and healthy(cluster), 120), \
        members(cluster)


def test_standby_killed_writes_go_on_and_it_catches_up(cluster, box, skills):
    assert wait_for(lambda: healthy(cluster), 120), members(cluster)
    standby = cluster.sync_standby()["name"]
    node = ha.NODES.index(standby)
    with Writes(box.url, skills) as writes:
        time.sleep(2)
        killed = time.monotonic()
        cluster.stop(node, signal.SIGKILL)  # its Patroni and its PostgreSQL, as a lost machine
        if _alive(cluster, node):
            os.kill(cluster.postmaster_pid(node), signal.SIGKILL)
        time.sleep(8)
        during = [o for o in writes.outcomes if o.at >= killed]
    assert sum(o.ok for o in during) > 10, [(o.route, o.status) for o in during if not o.ok][:10]
    stall = writes.first_success_after(killed)
    emails, _ = writes.acknowledged()
    lost_signups, lost_subscriptions = writes.lost(box.engine("users"))
    assert not lost_signups and not lost_subscriptions
    print(f"\nstandby gone: first write {stall:.1f} s after the kill; "
          f"{len(writes.failed_after(killed))} failed of {len(during)}")
    cluster.start(node)
    assert wait_for(lambda: members(cluster).get(standby, ("",))[0] == "sync_standby", 120), members(cluster)
    # What was written while it was away is on it now.
    replica = create_engine(f"postgresql://postgres:{ha.SUPERUSER_PASSWORD}@127.0.0.1:{cluster.pg_port(node)}/"
                            f"{box.prefix}_users")
    try:
        assert wait_for(lambda: _count(replica, emails) == len(emails), 30), (_count(replica, emails), len(emails))
    finally:
        replica.dispose()


def test_a_backup_restores_into_a_fresh_server_as_of_the_backup(cluster, box, skills, tmp_path):
    import requests

    def sign_up(prefix):
        email = f"{prefix}-{os.urandom(6).hex()}@example.com"
        assert requests.post(f"{box.url}/sign-up", json={"name": "B", "email": email, "password": "x" * 12},
                             timeout=30).status_code == 201
        return email

    assert wait_for(lambda: healthy(cluster), 120), members(cluster)
    before = {sign_up("before") for _ in range(5)}
    taken = ha.backup(cluster, tmp_path / "backups")
    after = {sign_up("after") for _ in range(5)}
    data = cluster.home.parent / f"{cluster.scope}-restored"  # a place the postgres user can reach
    shutil.rmtree(data, ignore_errors=True)
    uri = ha.restore(taken, data, free_port())
    restored = create_engine(uri.rsplit("/", 1)[0] + f"/{box.prefix}_users")
    try:
        with restored.connect() as conn:
            stored = set(conn.execute(text("SELECT email FROM users WHERE email LIKE 'before-%' "
                                           "OR email LIKE 'after-%'")).scalars())
        assert before <= stored and not (after & stored), (before - stored, after & stored)
    finally:
        restored.dispose()
        ha.stop_restored(data)
        shutil.rmtree(data, ignore_errors=True)


def _alive(cluster, node) -> bool:
    try:
        os.kill(cluster.postmaster_pid(node), 0)
        return True
    except (OSError, ValueError):
        return False


def _count(engine, emails) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM users WHERE email = ANY(:e)"), {"e": list(emails)}).scalar()
